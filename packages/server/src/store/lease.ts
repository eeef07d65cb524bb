import { randomUUID } from "node:crypto";

/** A claim's token: unique across every server sharing a store. */
export function newLease(): string {
  return randomUUID();
}
