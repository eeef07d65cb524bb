import { deriveState } from "../jobs/derive.js";
import type { JobRecord } from "../jobs/record.js";

// One id scheme for every event stream: an event's id is the epoch ms at which the state it
// carries holds. `progress` and `end`: the moment written; `done`: the moment the job ended, read
// from its record, so every server (and every connection) gives a job's `done` the same id. A
// stream writes the `done` of each job that ended by a moment before any id at or past it, so a
// client that holds id N has the `done` of every job that ended by N.

/** The id the `done` event of a terminal job carries, or undefined while it is pending. */
export function doneEventId(record: JobRecord, now: number): number | undefined {
  const { status, updatedAt } = deriveState(record, now);
  return status === "pending" ? undefined : updatedAt;
}

/**
 * Whether a client resuming with `lastEventId` already has everything about `records`: each
 * ended by then. (Unknown ids are news to it too, so a stream asking about any is never complete.)
 */
export function hasEverything(
  records: readonly JobRecord[],
  lastEventId: number | undefined,
  now: number,
): boolean {
  if (lastEventId === undefined) return false;
  return records.every((record) => {
    const doneId = doneEventId(record, now);
    return doneId !== undefined && doneId <= lastEventId;
  });
}
