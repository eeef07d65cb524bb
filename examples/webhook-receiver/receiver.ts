import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

export interface ReceivedEvent {
  /** The `webhook-id` header: the same on every retry of one event. */
  id: string;
  /** The verified, parsed body. */
  payload: unknown;
}

export interface ReceiverOptions {
  /** The endpoint's `whsec_…` secret (from `POST /webhooks`, or `GET /webhooks/secret`). */
  secret: string;
  /** Handles each event once, after the sender has its answer. */
  onEvent: (event: ReceivedEvent) => void | Promise<void>;
  /** Hears requests refused, and why; for logs. @default nothing */
  onReject?: (reason: string) => void;
  /** Webhook ids remembered to drop duplicates; the oldest is forgotten first. @default 10_000 */
  rememberIds?: number;
  /** Largest body read, in bytes; larger ones get 413. @default 1_048_576 */
  maxBodyBytes?: number;
}

/**
 * A webhook receiver on node:http: verifies each request's Standard Webhooks signature (which
 * also refuses timestamps more than five minutes off), answers at once, and hands each event on
 * once. A retry of an event already handled gets a 200 too, so the sender stops, but is not
 * handed on again.
 *
 * @example
 * const server = createReceiver({ secret, onEvent: ({ payload }) => console.log(payload) });
 * server.listen(3000);
 */
export function createReceiver(options: ReceiverOptions): Server {
  return createServer(webhookHandler(options));
}

/** The receiver's request handler, to mount on a server of your own. */
export function webhookHandler(options: ReceiverOptions): RequestListener {
  const webhook = new Webhook(options.secret);
  const { onEvent, onReject = () => {}, rememberIds = 10_000, maxBodyBytes = 1_048_576 } = options;
  // Insertion-ordered, so the oldest id is the first one: bounded memory, oldest forgotten first.
  const seen = new Set<string>();

  return (request, response) => {
    const answer = (status: number, body?: object) => {
      response.writeHead(status, body ? { "content-type": "application/json" } : {});
      response.end(body ? JSON.stringify(body) : undefined);
    };
    if (request.method !== "POST") return answer(405, { error: "POST only" });
    readBody(request, maxBodyBytes).then(
      (body) => {
        if (body === undefined) return answer(413, { error: "body too large" });
        let payload: unknown;
        try {
          // The raw bytes, before any parsing: the signature covers them exactly.
          payload = webhook.verify(body, headersOf(request));
        } catch (error) {
          const reason = error instanceof WebhookVerificationError ? error.message : "bad request";
          onReject(reason);
          return answer(400, { error: reason });
        }
        const id = request.headers["webhook-id"] as string;
        if (seen.has(id)) {
          onReject(`duplicate ${id}`);
          return answer(200, { duplicate: true });
        }
        seen.add(id);
        if (seen.size > rememberIds) seen.delete(seen.values().next().value!);
        answer(204);
        // After the answer: slow work never makes the sender time out and retry.
        setImmediate(() => {
          Promise.resolve(onEvent({ id, payload })).catch((error: unknown) =>
            onReject(`handler failed: ${String(error)}`),
          );
        });
      },
      () => answer(400, { error: "could not read the body" }),
    );
  };
}

/** The body as text, or undefined past `limit` bytes. */
function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    const value = request.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  return headers;
}
