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

/**
 * How an endpoint's `Idempotency-Key`s behave. Keys are per owner and per endpoint: the same key
 * sent to two endpoints makes two things.
 */
export interface IdempotencyPolicy {
  /** The endpoint the keys belong to, as `METHOD path`; `""` for `POST /jobs`. */
  endpoint: string;
  /**
   * What a reused key with another body gets: `refuse` answers 422 `idempotency_key_reused`;
   * `replay` answers as the first request did, and tells the caller the bodies differ.
   */
  otherBody: "refuse" | "replay";
  /**
   * What a retry gets while the first request with its key is still under way here: `wait`
   * queues it behind the first, which it then replays; `conflict` answers 409
   * `request_in_progress` at once.
   */
  inProgress: "wait" | "conflict";
}

/** `POST /jobs`: another body is refused, a concurrent retry waits for the first answer. */
export const JOBS_IDEMPOTENCY: IdempotencyPolicy = {
  endpoint: "",
  otherBody: "refuse",
  inProgress: "wait",
};

/**
 * The idempotency store's scope of a key: the owner, and the endpoint unless it is `POST /jobs`
 * (whose keys were stored per owner alone before endpoints had scopes of their own).
 */
export function idempotencyScope(owner: string | undefined, endpoint: string): string {
  return endpoint === "" ? (owner ?? "") : `${owner ?? ""}\n${endpoint}`;
}

/** Runs tasks with the same key one after another, so two requests with one key cannot race. */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Whether a task with this key is running or waiting. */
  busy(key: string): boolean {
    return this.#tails.has(key);
  }

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
