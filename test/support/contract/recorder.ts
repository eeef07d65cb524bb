import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** One JSON answer the simulator gave during a test, as it went over the wire. */
export interface RecordedResponse {
  method: string;
  /** Path without the query string. */
  path: string;
  status: number;
  contentType: string;
  body: string;
}

const recorded: RecordedResponse[] = [];

/** Takes what was recorded since the last call. */
export function takeRecorded(): RecordedResponse[] {
  return recorded.splice(0);
}

/**
 * Records every JSON answer of a running server, by wrapping each response's `write` and `end`
 * before the server writes to it. Streams (not JSON) are left alone.
 */
export function recordResponses(server: Server): void {
  server.prependListener("request", (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    const collect = (chunk: unknown, encoding?: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === "function") return;
      if (typeof chunk === "string") {
        chunks.push(
          Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"),
        );
      } else if (chunk instanceof Uint8Array) {
        chunks.push(Buffer.from(chunk));
      }
    };
    // Fastify passes its headers to `writeHead`, which Node then writes without keeping them
    // where `getHeader` looks: the content type is read from its arguments.
    let headContentType: string | undefined;
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
    response.writeHead = ((...args: unknown[]) => {
      headContentType = contentTypeIn(args.find((arg) => typeof arg === "object" && arg !== null));
      return writeHead(...args);
    }) as typeof response.writeHead;
    const write = response.write.bind(response) as (...args: unknown[]) => boolean;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.write = ((...args: unknown[]) => {
      collect(args[0], args[1]);
      return write(...args);
    }) as typeof response.write;
    response.end = ((...args: unknown[]) => {
      collect(args[0], args[1]);
      const contentType = String(response.getHeader("content-type") ?? headContentType ?? "");
      if (contentType.startsWith("application/json")) {
        recorded.push({
          method: request.method ?? "GET",
          path: (request.url ?? "/").split("?")[0]!,
          status: response.statusCode,
          contentType,
          body: Buffer.concat(chunks).toString("utf8"),
        });
      }
      return end(...args);
    }) as typeof response.end;
  });
}

/** The content type in `writeHead`'s headers: an object, or a flat `[name, value, ...]` list. */
function contentTypeIn(headers: unknown): string | undefined {
  if (Array.isArray(headers)) {
    const at = headers.findIndex(
      (item, i) => i % 2 === 0 && String(item).toLowerCase() === "content-type",
    );
    return at === -1 ? undefined : String(headers[at + 1]);
  }
  if (typeof headers !== "object" || headers === null) return undefined;
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === "content-type");
  return entry === undefined ? undefined : String(entry[1]);
}
