import { JOB_ID_PATTERN } from "./ids.js";

/** Cursors are opaque to clients: base64url of the last job id on the page. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, "utf8").toString("base64url");
}

/** The job id inside a cursor, or undefined when the cursor was not one of ours. */
export function decodeCursor(cursor: string): string | undefined {
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  // Node's decoder skips characters it does not know, so insist on a faithful round trip.
  return encodeCursor(id) === cursor && JOB_ID_PATTERN.test(id) ? id : undefined;
}
