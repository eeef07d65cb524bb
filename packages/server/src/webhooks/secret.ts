import { randomBytes } from "node:crypto";

const PREFIX = "whsec_";
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The key sizes the Standard Webhooks spec allows for symmetric secrets, in bytes. */
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

/** `whsec_` and 32 random bytes in base64, the form Standard Webhooks libraries read. */
export function newWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString("base64")}`;
}

/** Whether `value` is `whsec_` and canonical base64 of 24..64 bytes. */
export function isWebhookSecret(value: unknown): value is string {
  if (typeof value !== "string" || !value.startsWith(PREFIX)) return false;
  const encoded = value.slice(PREFIX.length);
  if (!BASE64.test(encoded)) return false;
  const key = Buffer.from(encoded, "base64");
  return (
    key.length >= MIN_SECRET_BYTES &&
    key.length <= MAX_SECRET_BYTES &&
    key.toString("base64") === encoded
  );
}
