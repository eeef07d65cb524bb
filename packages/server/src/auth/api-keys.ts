import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** A configured API key: 1..255 visible ASCII characters, no comma (API_KEYS' separator). */
export const API_KEY_PATTERN = /^[\x21-\x2b\x2d-\x7e]{1,255}$/;

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * The keys the server accepts. Each is kept as its SHA-256 digest only: a presented key is
 * hashed and compared with every digest in constant time (equal lengths, no early exit), so
 * neither a key's content nor its position leaks through timing.
 */
export class ApiKeys {
  readonly #digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.#digests = [...new Set(keys)].map(sha256);
  }

  /** Whether any key is configured; with none, auth is off. */
  get enabled(): boolean {
    return this.#digests.length > 0;
  }

  /**
   * Who owns `presented`: a stable id derived from the key (never the key itself), or undefined
   * when it is not one of ours. Jobs, limits and idempotency keys are kept per owner.
   */
  ownerOf(presented: string): string | undefined {
    const digest = sha256(presented);
    let match: Buffer | undefined;
    for (const candidate of this.#digests) {
      if (timingSafeEqual(candidate, digest)) match = candidate;
    }
    return match === undefined ? undefined : `key_${match.toString("hex").slice(0, 32)}`;
  }
}

/** The key a request presents, or why it presents none that we could check. */
export type PresentedKey = { key: string } | { problem: string };

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/**
 * Reads `X-Api-Key` (HeyGen's header; `header` names another, such as ElevenLabs' `xi-api-key`)
 * or `Authorization: Bearer <key>`. Both may be sent, but then they must agree; another
 * `Authorization` scheme counts as none.
 */
export function presentedKey(
  headers: IncomingHttpHeaders,
  header: string = "x-api-key",
): PresentedKey {
  const apiKey = headers[header];
  const name = header === "x-api-key" ? "X-Api-Key" : header;
  const authorization = headers.authorization;
  const bearer = typeof authorization === "string" ? BEARER.exec(authorization)?.[1] : undefined;
  if (apiKey === undefined && bearer === undefined) {
    return { problem: `Send an API key in ${name} or Authorization: Bearer` };
  }
  if (apiKey !== undefined && typeof apiKey !== "string") {
    return { problem: `Send one ${name} header` };
  }
  if (apiKey !== undefined && bearer !== undefined && apiKey !== bearer) {
    return { problem: `${name} and Authorization carry different keys` };
  }
  return { key: (apiKey ?? bearer)! };
}
