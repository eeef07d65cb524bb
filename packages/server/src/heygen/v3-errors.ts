import type { FastifyInstance } from "fastify";
import { rewriteErrorBodies, type ErrorBody } from "../plugins/error-envelope.js";

/**
 * HeyGen's v3 error codes, from its official CLI, and `request_in_progress` (a retry while the
 * first request with its `Idempotency-Key` is under way). Others (`injected_fault`,
 * `internal_error`) pass through unchanged.
 */
const V3_CODES: Readonly<Record<string, string>> = {
  invalid_request: "validation_error",
  unsupported_media_type: "validation_error",
  job_not_found: "not_found",
  rate_limited: "rate_limit_exceeded",
  concurrency_limit: "rate_limit_exceeded",
  job_not_pending: "conflict",
  idempotency_key_reused: "conflict",
};

/** `{ "error": { "code", "message" } }` with HeyGen's v3 codes. */
export const v3ErrorBodySchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" } },
    },
  },
} as const;

/** The error answers of a route, plus those any route can give: 401, 429 and 500. */
export function v3ErrorResponses(...statuses: number[]): Record<number, typeof v3ErrorBodySchema> {
  return Object.fromEntries(
    [...statuses, 401, 429, 500].map((status) => [status, v3ErrorBodySchema]),
  );
}

/** Makes every error answer of the routes in `scope` speak HeyGen's v3 codes. */
export function installV3Errors(scope: FastifyInstance): void {
  rewriteErrorBodies(scope, toV3Error);
}

export function toV3Error({ error }: ErrorBody): ErrorBody {
  return { error: { code: V3_CODES[error.code] ?? error.code, message: error.message } };
}
