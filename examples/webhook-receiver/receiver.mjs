// A webhook receiver on node:http, in plain JavaScript; receiver.ts is the TypeScript form,
// with the option types.
import { createServer } from "node:http";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

/**
 * A webhook receiver on node:http: verifies each request's Standard Webhooks signature (which
 * also refuses timestamps more than five minutes off), answers at once, and hands each event on
 * once. A retry of an event already handled gets a 200 too, so the sender stops, but is not
 * handed on again.
 *
 * Options: `secret` (the endpoint's `whsec_…` secret), `onEvent({ id, payload })`, and
 * optionally `onReject(reason)`, `rememberIds` (10_000) and `maxBodyBytes` (1_048_576).
 *
 * @example
 * const server = createReceiver({ secret, onEvent: ({ payload }) => console.log(payload) });
 * server.listen(3000);
 */
export function createReceiver(options) {
  return createServer(webhookHandler(options));
}

/** The receiver's request handler, to mount on a server of your own. */
export function webhookHandler(options) {
  const webhook = new Webhook(options.secret);
  const { onEvent, onReject = () => {}, rememberIds = 10_000, maxBodyBytes = 1_048_576 } = options;
  // Insertion-ordered, so the oldest id is the first one: bounded memory, oldest forgotten first.
  const seen = new Set();

  return (request, response) => {
    const answer = (status, body) => {
      response.writeHead(status, body ? { "content-type": "application/json" } : {});
      response.end(body ? JSON.stringify(body) : undefined);
    };
    if (request.method !== "POST") return answer(405, { error: "POST only" });
    readBody(request, maxBodyBytes).then(
      (body) => {
        if (body === undefined) return answer(413, { error: "body too large" });
        let payload;
        try {
          // The raw bytes, before any parsing: the signature covers them exactly.
          payload = webhook.verify(body, headersOf(request));
        } catch (error) {
          const reason = error instanceof WebhookVerificationError ? error.message : "bad request";
          onReject(reason);
          return answer(400, { error: reason });
        }
        const id = request.headers["webhook-id"];
        if (seen.has(id)) {
          onReject(`duplicate ${id}`);
          return answer(200, { duplicate: true });
        }
        seen.add(id);
        if (seen.size > rememberIds) seen.delete(seen.values().next().value);
        answer(204);
        // After the answer: slow work never makes the sender time out and retry.
        setImmediate(() => {
          Promise.resolve(onEvent({ id, payload })).catch((error) =>
            onReject(`handler failed: ${String(error)}`),
          );
        });
      },
      () => answer(400, { error: "could not read the body" }),
    );
  };
}

/** The body as text, or undefined past `limit` bytes. */
function readBody(request, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on("data", (chunk) => {
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

function headersOf(request) {
  const headers = {};
  for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    const value = request.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  return headers;
}
