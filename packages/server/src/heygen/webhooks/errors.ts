import type { FastifyInstance } from "fastify";
import { rewriteErrorBodies, type ErrorBody } from "../../plugins/error-envelope.js";

/** HeyGen v3's error answer: `{"error": {"code", "message"}}` with HeyGen's codes. */
export interface V3Error {
  error: { code: string; message: string };
}

// Our codes in HeyGen's words: the codes of HeyGen's official CLI (not_found, unauthorized,
// validation_error, conflict, rate_limit_exceeded, payload_too_large...). Others pass as they are.
const CODES: Readonly<Record<string, string>> = {
  invalid_request: "validation_error",
  unsupported_media_type: "validation_error",
  job_not_found: "not_found",
  webhook_not_found: "not_found",
  route_not_found: "not_found",
  webhook_limit_reached: "conflict",
  rate_limited: "rate_limit_exceeded",
  concurrency_limit: "rate_limit_exceeded",
};

/**
 * Makes every error answer of the routes in `scope` HeyGen v3's, whoever sends it (the route,
 * validation, auth, the rate limit, an injected fault): see `rewriteErrorBodies`.
 */
export function installV3Errors(scope: FastifyInstance): void {
  rewriteErrorBodies(scope, toV3Error);
}

export function toV3Error({ error }: ErrorBody): V3Error {
  return { error: { code: CODES[error.code] ?? error.code, message: error.message } };
}
