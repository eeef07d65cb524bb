import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";

/**
 * Tracks the server's connections and returns a function that drops those with no request in
 * flight, for `close()`. Node's `server.close()` waits for a connection that never sent a request
 * until its headers timeout (a minute), and clients do open such connections: a pool warming up,
 * a request given up while connecting, as clients of a faulty server do all the time.
 * Connections with a request in flight are left to finish; our preClose hooks answer those.
 */
export function trackConnections(app: FastifyInstance): () => void {
  const open = new Set<Socket>();
  // Requests in flight per connection (pipelined ones overlap).
  const busy = new Map<Socket, number>();
  app.server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => {
      open.delete(socket);
      busy.delete(socket);
    });
  });
  app.server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const { socket } = request;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    response.once("close", () => {
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) busy.set(socket, left);
      else busy.delete(socket);
    });
  });
  return () => {
    for (const socket of open) if (!busy.has(socket)) socket.destroy();
  };
}
