import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";

/**
 * Tracks the connections that have not yet sent a whole request and returns a function that
 * drops them, for `close()`. Node's `server.close()` closes idle keep-alive connections itself,
 * but waits for a connection that never sent a request (or stopped halfway through its headers)
 * until its headers timeout, a minute; and clients do open such connections: a pool warming up,
 * a request given up while connecting, as clients of a faulty server do all the time.
 * Connections with a request in flight are left to finish; our preClose hooks answer those.
 */
export function trackConnections(app: FastifyInstance): () => void {
  // Only a connection's first request does anything here: the usual request costs a failed
  // `Set.delete`, not a listener of its own.
  const fresh = new Set<Socket>();
  app.server.on("connection", (socket: Socket) => {
    fresh.add(socket);
    socket.once("close", () => fresh.delete(socket));
  });
  app.server.on("request", (request: IncomingMessage) => {
    fresh.delete(request.socket);
  });
  return () => {
    for (const socket of fresh) socket.destroy();
    fresh.clear();
  };
}
