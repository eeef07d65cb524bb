import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "../errors.js";
import { rewriteErrorBodies, type ErrorBody } from "../plugins/error-envelope.js";
import { DUBBING_FIELDS, PARSE_ERRORS, type DubbingField } from "./fields.js";

/** ElevenLabs' error answer. `status` is its legacy name for `code`; both are sent. */
export interface DetailError {
  detail: { status: string; code: string; message: string; request_id: string };
}

/** One item of the SDK's `HttpValidationError`, the 422 answer. */
export interface ValidationItem {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

// Our codes in ElevenLabs' words, where it has its own (its error reference names
// invalid_api_key, rate_limit_exceeded, concurrent_limit_exceeded, invalid_parameters).
const CODES: Readonly<Record<string, string>> = {
  unauthorized: "invalid_api_key",
  job_not_found: "dubbing_not_found",
  invalid_request: "invalid_parameters",
  rate_limited: "rate_limit_exceeded",
  concurrency_limit: "concurrent_limit_exceeded",
  injected_fault: "internal_server_error",
  internal_error: "internal_server_error",
};

/**
 * Makes every error answer of the routes in `scope` ElevenLabs' `{"detail": {...}}`, whoever
 * sends it: the route, the error handler, auth and the rate limit (objects, before
 * serialization) or an injected fault (a JSON string, after). Bodies that are not our JSON error
 * (a proxy's HTML page, a 422 already in shape) pass untouched. Validation errors of the form
 * become the SDK's `HttpValidationError` (422), as FastAPI, behind ElevenLabs' API, answers them.
 */
export function installDetailErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const item = validationItem(error);
    if (item !== undefined) return reply.code(422).send({ detail: [item] });
    // Anything else goes to the app's handler, and comes back through the hooks below.
    switch (error.code) {
      case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
        throw new ApiError("unsupported_media_type", "Send the form as multipart/form-data");
      case "FST_REQ_FILE_TOO_LARGE":
        throw new ApiError("payload_too_large", "An uploaded file is larger than 1 GiB");
      default:
        throw error;
    }
  });
  rewriteErrorBodies(scope, toDetail);
}

/** A form field's problem in FastAPI's words, or undefined for any other error. */
export function validationItem(error: unknown): ValidationItem | undefined {
  if (error instanceof FormFieldError) return error.item;
  const { validation, validationContext } = error as Partial<FastifyError>;
  const issue = validation?.[0];
  if (issue === undefined || validationContext !== "body") return undefined;
  const field = (issue.params.additionalProperty ??
    issue.instancePath.split("/")[1] ??
    "") as string;
  if (issue.keyword === "additionalProperties") {
    return { loc: ["body", field], msg: "Extra inputs are not permitted", type: "extra_forbidden" };
  }
  const kind = DUBBING_FIELDS[field as DubbingField];
  if (issue.keyword === "maxLength") {
    return {
      loc: ["body", field],
      msg: `String should have at most ${String(issue.params.limit)} characters`,
      type: "string_too_long",
    };
  }
  return { loc: ["body", field], ...(kind === undefined ? PARSE_ERRORS.text : PARSE_ERRORS[kind]) };
}

/** A problem with one form field found while reading the form, answered as a 422. */
export class FormFieldError extends Error {
  override name = "FormFieldError";
  readonly item: ValidationItem;

  constructor(item: ValidationItem) {
    super(`${item.loc.join(".")}: ${item.msg}`);
    this.item = item;
  }
}

function toDetail({ error }: ErrorBody, request: FastifyRequest): DetailError {
  const code = CODES[error.code] ?? error.code;
  return { detail: { status: code, code, message: error.message, request_id: request.id } };
}
