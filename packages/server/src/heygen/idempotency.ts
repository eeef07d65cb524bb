import type { IdempotencyPolicy } from "../jobs/idempotency.js";
import { ParamError } from "./errors.js";

// HeyGen's reference: 1 to 255 characters from [A-Za-z0-9_:.-]. Node joins a repeated header
// with ", ", so a key sent twice fails here too.
const HEYGEN_KEY = /^[A-Za-z0-9_\-:.]{1,255}$/;

/** The `Idempotency-Key` header by HeyGen's rule, undefined when absent; 400 otherwise. */
export function readHeygenKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== "string" || !HEYGEN_KEY.test(header)) {
    throw new ParamError(
      "Idempotency-Key",
      "Idempotency-Key must be 1 to 255 characters from A-Z, a-z, 0-9, _, -, : and ., sent once",
    );
  }
  return header;
}

/**
 * HeyGen's idempotency on `endpoint` (`"POST /v3/video-translations"`): within the key's window
 * a retry gets the first answer even when its body differs (the route logs a warning), a retry
 * while the first is still under way gets 409 `request_in_progress`, and keys are per endpoint.
 */
export function heygenIdempotency(endpoint: string): IdempotencyPolicy {
  return { endpoint, otherBody: "replay", inProgress: "conflict" };
}
