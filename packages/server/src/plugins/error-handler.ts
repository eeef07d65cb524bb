import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, ERROR_STATUS, type ErrorCode } from "../errors.js";
import {
  ConcurrencyLimitError,
  IdempotencyConflictError,
  IdempotencyInProgressError,
  InvalidInputError,
  JobFinishedError,
  JobNotFoundError,
  JobServiceError,
  TooManyJobsError,
} from "../jobs/errors.js";
import { retryAfterSeconds } from "../jobs/hints.js";
import { REQUEST_ID_HEADER } from "./request-id.js";
import { sendError, type ErrorReply } from "./send-error.js";

type ValidationIssue = NonNullable<FastifyError["validation"]>[number];

/** An answer with the headers it travels with (`Retry-After`). */
interface DescribedError extends ErrorReply {
  headers?: Record<string, string>;
}

/**
 * Sends every error, ours, the job service's or Fastify's, as `{ "error": { "code", "message" } }`.
 * An API profile's envelope (see error-envelope.ts) may then reshape it and rename the code.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const described = describeError(error, request);
    if (described.headers !== undefined) reply.headers(described.headers);
    if (described.statusCode >= 500) request.log.error({ err: error }, "request failed");
    return sendError(reply, described.code, described.message, described.statusCode);
  });
}

/** For Fastify's `frameworkErrors` (bad URL encoding and the like): no hooks run for these. */
export function handleFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.header(REQUEST_ID_HEADER, request.id);
  const { code, message, statusCode } = describeError(error, request);
  void sendError(reply, code, message, statusCode);
}

export function describeError(error: unknown, request: FastifyRequest): DescribedError {
  if (error instanceof ApiError) {
    return { ...described(error.code, error.message), headers: error.headers };
  }
  if (error instanceof JobServiceError) return describeJobError(error, request);
  const fastifyError: Partial<FastifyError> = error instanceof Error ? error : {};
  const { code, statusCode, validation, validationContext } = fastifyError;
  if (validation?.[0] !== undefined) {
    const part = validationContext === "querystring" ? "query" : (validationContext ?? "request");
    return described("invalid_request", validationMessage(part, validation[0]));
  }
  switch (code) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return described(
        "unsupported_media_type",
        `Content-Type ${JSON.stringify(request.headers["content-type"] ?? "")} is not supported; send application/json`,
      );
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return described(
        "payload_too_large",
        `Request body is larger than ${request.routeOptions.bodyLimit} bytes`,
      );
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return described("invalid_request", "Request body is not valid JSON");
  }
  // Any other client error Fastify raises (bad URL encoding, Content-Length mismatch...) keeps
  // its status; its message carries no internals.
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    return { statusCode, code: "invalid_request", message: fastifyError.message ?? "Bad request" };
  }
  // Never leak a stack or an internal message to the client; the log has both.
  return described("internal_error", "Internal server error");
}

/** The job service's refusals in HTTP's words. */
function describeJobError(error: JobServiceError, request: FastifyRequest): DescribedError {
  if (error instanceof JobNotFoundError) return described("job_not_found", error.message);
  if (error instanceof JobFinishedError) return described("job_not_pending", error.message);
  if (error instanceof IdempotencyConflictError) {
    return described("idempotency_key_reused", error.message);
  }
  if (error instanceof IdempotencyInProgressError) {
    const seconds = retryAfterSeconds(error.retryAfterMs);
    return {
      ...described("request_in_progress", `${error.message}; retry in ${seconds} s`),
      headers: { "retry-after": String(seconds) },
    };
  }
  if (error instanceof ConcurrencyLimitError) {
    const seconds = retryAfterSeconds(error.retryAfterMs);
    return {
      ...described(
        "concurrency_limit",
        `${error.message}; one is expected to end in about ${seconds} s`,
      ),
      headers: { "retry-after": String(seconds) },
    };
  }
  if (error instanceof TooManyJobsError) return described("invalid_request", error.message);
  if (error instanceof InvalidInputError) {
    // A read takes its inputs from the query string, a write from its body.
    const part = request.method === "GET" || request.method === "HEAD" ? "query" : "body";
    return described("invalid_request", `${part}.${error.field} ${error.problem}`);
  }
  return described("internal_error", "Internal server error");
}

function described(code: ErrorCode, message: string): ErrorReply {
  return { statusCode: ERROR_STATUS[code], code, message };
}

/** "body.pendingDurationMs must be <= 86400000", "body has unknown field \"foo\"". */
function validationMessage(part: string, issue: ValidationIssue): string {
  const path = [part, ...issue.instancePath.split("/").slice(1).map(unescapePointer)].join(".");
  const { additionalProperty, missingProperty } = issue.params;
  if (issue.keyword === "additionalProperties") {
    return `${path} has unknown ${part === "query" ? "parameter" : "field"} ${JSON.stringify(additionalProperty)}`;
  }
  if (issue.keyword === "required") return `${path} is missing ${JSON.stringify(missingProperty)}`;
  return `${path} ${issue.message ?? "is invalid"}`;
}

function unescapePointer(segment: string): string {
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}
