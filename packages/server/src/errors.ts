/** Every error code the API can answer with, and the HTTP status it travels with. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  job_not_found: 404,
  webhook_not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  job_not_pending: 409,
  request_in_progress: 409,
  webhook_limit_reached: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  concurrency_limit: 429,
  internal_error: 500,
  injected_fault: 500,
  not_ready: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

export interface ApiErrorOptions extends ErrorOptions {
  /** Headers the error response carries, e.g. `retry-after`. */
  headers?: Record<string, string>;
}

/** An error that maps one-to-one onto an error response; thrown by the job service and routes. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    { headers = {}, ...options }: ApiErrorOptions = {},
  ) {
    super(message, options);
    this.code = code;
    this.statusCode = ERROR_STATUS[code];
    this.headers = headers;
  }
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}
