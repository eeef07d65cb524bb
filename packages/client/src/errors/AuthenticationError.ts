import { HttpError } from "./HttpError.js";

/** HTTP 401 or 403: the API key is missing, wrong, or not allowed to see this job. Never retried. */
export class AuthenticationError extends HttpError {
  override name = "AuthenticationError";
}
