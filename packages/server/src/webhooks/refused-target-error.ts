import { isIP } from "node:net";
import type { RefusedClass } from "./address-policy.js";

/** A webhook target whose address the server refuses to send to; see docs/webhooks.md. */
export class RefusedTargetError extends Error {
  override name = "RefusedTargetError";
  /** The URL's host, a name or an address. */
  readonly host: string;
  /** The address it is, or resolved to. */
  readonly address: string;
  readonly range: RefusedClass;

  constructor(host: string, address: string, range: RefusedClass) {
    const kind = addressKind(range);
    super(
      host === address
        ? `refused: ${address} is ${kind}`
        : `refused: ${host} resolves to ${address}, ${kind}`,
    );
    this.host = host;
    this.address = address;
    this.range = range;
  }
}

/** The address a URL's hostname spells (IPv6 without its brackets), or undefined for a name. */
export function addressLiteral(hostname: string): string | undefined {
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  return isIP(host) === 0 ? undefined : host;
}

/** "a private address", "an unspecified address". */
export function addressKind(range: RefusedClass): string {
  return `${range === "unspecified" ? "an" : "a"} ${range} address`;
}
