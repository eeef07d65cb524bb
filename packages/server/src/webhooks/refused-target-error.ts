import { addressKind, type RefusedClass } from "./address-policy.js";

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
