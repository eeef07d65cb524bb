import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { errorBody } from "../errors.js";

interface ConnectionError extends Error {
  code?: string;
}

/**
 * For Fastify's `clientErrorHandler`: a request Node's HTTP parser refused (malformed, headers
 * too large, too slow) gets our JSON error shape rather than Fastify's, then the connection is
 * closed.
 */
export function clientErrorHandler(error: ConnectionError, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request headers are too large"]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "The request took too long to arrive"]
        : [400, "Malformed HTTP request"];
  const body = JSON.stringify(errorBody("invalid_request", message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        "Connection: close\r\n\r\n" +
        body,
    );
  }
  socket.destroy();
}
