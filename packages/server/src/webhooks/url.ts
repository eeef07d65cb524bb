import { ApiError } from "../errors.js";
import { addressKind, addressLiteral, type AddressPolicy } from "./address-policy.js";

/** Longest webhook URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2_048;

/**
 * The URL if it is an absolute http(s) URL; a 400 naming `field` otherwise. With a `policy`, an
 * address literal it refuses is a 400 too; a name is checked when a delivery resolves it.
 */
export function checkWebhookUrl(raw: string, field: string, policy?: AddressPolicy): string {
  const problem = webhookUrlProblem(raw, policy);
  if (problem !== undefined) throw new ApiError("invalid_request", `${field} ${problem}`);
  return raw;
}

/** What is wrong with `raw` as a webhook URL ("must ..."), or undefined when nothing is. */
export function webhookUrlProblem(raw: string, policy?: AddressPolicy): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return "must be an absolute http or https URL";
  }
  if (url.username !== "" || url.password !== "") return "must not carry credentials";
  const address = addressLiteral(url.hostname);
  const range = address === undefined ? undefined : policy?.refusal(address);
  if (address !== undefined && range !== undefined) {
    return `points at ${address}, ${addressKind(range)}: this server sends webhooks to public addresses only`;
  }
  return undefined;
}
