import { createHash } from "node:crypto";
import { ApiError } from "../errors.js";

/** How long a key is remembered by default: a day, as Stripe does. */
export const IDEMPOTENCY_TTL_MS = 86_400_000;

// RFC 9110 VCHAR: visible ASCII, no spaces. Node joins repeated headers with ", ", so a key sent
// twice fails here too.
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header, undefined when absent; 400 when it is not 1..255 visible ASCII. */
export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== "string" || !IDEMPOTENCY_KEY.test(header)) {
    throw new ApiError(
      "invalid_request",
      "Idempotency-Key must be 1 to 255 visible ASCII characters (no spaces), sent once",
    );
  }
  return header;
}

/**
 * SHA-256 of the body in canonical form (object keys sorted at every level), so the same request
 * written in another key order is still the same request. The body's depth is already bounded.
 */
export function fingerprint(body: unknown): string {
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Runs tasks with the same key one after another, so two requests with one key cannot race. */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => {});
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
