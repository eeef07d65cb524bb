import { ApiError } from "../errors.js";

/** Longest webhook URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2_048;

/**
 * The URL if it is an absolute http(s) URL; a 400 naming `field` otherwise. Only the scheme is
 * checked: the simulator sends where its users ask, loopback and private addresses included.
 */
export function checkWebhookUrl(raw: string, field: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ApiError("invalid_request", `${field} must be an absolute http or https URL`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new ApiError("invalid_request", `${field} must not carry credentials`);
  }
  return raw;
}
