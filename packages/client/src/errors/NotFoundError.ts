import { HttpError } from "./HttpError.js";

/** HTTP 404: no such job (or no such endpoint at this base URL). Never retried. */
export class NotFoundError extends HttpError {
  override name = "NotFoundError";
}
