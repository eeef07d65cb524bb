import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import { ApiError, ERROR_STATUS, type ErrorCode } from "../errors.js";
import { rewriteErrorBodies, type ErrorBody } from "../plugins/error-envelope.js";

/** HeyGen v2's error envelope: the error, and `data: null`, mirroring its success envelope. */
export interface V2ErrorEnvelope {
  error: { code: string; message: string };
  data: null;
}

/** HeyGen v3's error envelope, as its error reference and official CLI read it. */
export interface V3ErrorEnvelope {
  error: {
    code: string;
    message: string;
    /** The request field at fault; validation errors only. */
    param?: string;
    doc_url: string;
  };
}

// Our codes in HeyGen's words, from the codes its official CLI knows (not_found, unauthorized,
// forbidden, insufficient_credit, rate_limit_exceeded, validation_error, payload_too_large,
// conflict) and its idempotency reference (request_in_progress). The others have no HeyGen
// counterpart and keep ours.
const CODES: Partial<Record<ErrorCode, string>> = {
  invalid_request: "validation_error",
  job_not_found: "not_found",
  webhook_not_found: "not_found",
  webhook_limit_reached: "conflict",
  rate_limited: "rate_limit_exceeded",
  concurrency_limit: "rate_limit_exceeded",
  job_not_pending: "conflict",
  idempotency_key_reused: "conflict",
  injected_fault: "internal_error",
};

/** The code HeyGen answers for one of ours; v2 names validation errors `invalid_parameter`. */
export function heygenCode(code: string, version: "v2" | "v3"): string {
  if (version === "v2" && code === "invalid_request") return "invalid_parameter";
  return CODES[code as ErrorCode] ?? code;
}

/** Every code a HeyGen route of `version` can answer: ours, each in HeyGen's words. */
export function heygenCodes(version: "v2" | "v3"): string[] {
  const codes = Object.keys(ERROR_STATUS).map((code) => heygenCode(code, version));
  return [...new Set(codes)];
}

const DOCS = "https://developers.heygen.com/docs/error-codes";

/** A 400 about one request field, which v3 names in the error's `param`. */
export class ParamError extends ApiError {
  override name = "ParamError";
  readonly param: string;

  constructor(param: string, message: string) {
    super("invalid_request", message);
    this.param = param;
  }
}

/** The field each failed request was refused for, noted by the scope's error handler. */
const params = new WeakMap<FastifyRequest, string>();

/** Makes every error answer of the routes in `scope` a v2 envelope, in HeyGen's codes. */
export function installV2Errors(scope: FastifyInstance): void {
  rewriteErrorBodies(scope, ({ error }: ErrorBody): V2ErrorEnvelope => ({
    error: { code: heygenCode(error.code, "v2"), message: error.message },
    data: null,
  }));
}

/**
 * Makes every error answer of the routes in `scope` a v3 envelope, in HeyGen's codes, with the
 * field at fault as `param` and the code's `doc_url`. The app's error handler still describes
 * every error; this scope's handler only notes the field first.
 */
export function installV3Errors(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError, request) => {
    const param = paramOf(error);
    if (param !== undefined) params.set(request, param);
    throw error;
  });
  rewriteErrorBodies(scope, ({ error }: ErrorBody, request): V3ErrorEnvelope => {
    const code = heygenCode(error.code, "v3");
    const param = params.get(request);
    return {
      error: {
        code,
        message: error.message,
        ...(param !== undefined && { param }),
        doc_url: `${DOCS}#${code.replaceAll("_", "-")}`,
      },
    };
  });
}

/** The field a validation error is about (`video.url`, `enable_caption`), if any. */
function paramOf(error: unknown): string | undefined {
  if (error instanceof ParamError) return error.param;
  const { validation, validationContext } = error as Partial<FastifyError>;
  const issue = validation?.[0];
  if (issue === undefined || validationContext !== "body") return undefined;
  const path = issue.instancePath.split("/").slice(1);
  const { additionalProperty, missingProperty } = issue.params;
  const leaf = additionalProperty ?? missingProperty;
  if (typeof leaf === "string") path.push(leaf);
  return path.length === 0 ? undefined : path.join(".");
}
