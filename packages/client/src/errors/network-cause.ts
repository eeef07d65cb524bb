/** The root of a failed fetch: its system error code and what that code means. */
export interface NetworkCause {
  code: string | undefined;
  /** A short human phrase for the code, such as "connection refused". */
  description: string | undefined;
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "DNS lookup failed for now",
  ETIMEDOUT: "connection timed out",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed while sending",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_HEADERS_TIMEOUT: "no response headers in time",
  UND_ERR_BODY_TIMEOUT: "response body stalled",
};

/** Codes of a TLS handshake or certificate failure. */
export function isTlsCode(code: string | undefined): boolean {
  if (code === undefined) return false;
  return (
    /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_)/.test(code) ||
    [
      "EPROTO",
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "SELF_SIGNED_CERT_IN_CHAIN",
      "HOSTNAME_MISMATCH",
    ].includes(code)
  );
}

/**
 * Digs the system error out of what fetch threw ("fetch failed", whose `cause` holds the real
 * one, sometimes inside an AggregateError of one attempt per address).
 */
export function networkCause(error: unknown): NetworkCause {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code.length > 0) {
      return {
        code,
        description: DESCRIPTIONS[code] ?? (isTlsCode(code) ? "TLS failure" : undefined),
      };
    }
    queue.push((current as { cause?: unknown }).cause);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return { code: undefined, description: undefined };
}
