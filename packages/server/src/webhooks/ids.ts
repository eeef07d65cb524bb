import { randomInt } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** What an endpoint id looks like. */
export const ENDPOINT_ID_PATTERN = /^wh_[A-Za-z0-9]{20}$/;

/** `prefix_` and 20 base62 characters from the OS's CSPRNG: `wh_…` endpoints, `msg_…` events. */
export function newWebhookId(prefix: "wh" | "msg"): string {
  let id = `${prefix}_`;
  for (let i = 0; i < 20; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
