import type { JobRecord } from "../jobs/record.js";
import { failureMessage, translationPhase } from "./phase.js";

/**
 * A job's status in the words of HeyGen's bulk reads (the statuses and batch endpoints), which
 * share the videos API's read model: `queued`, `processing`, `completed`, `failed`.
 */
export type ItemStatus = "queued" | "processing" | "completed" | "failed";

/** Failure details, once an item has failed. */
export interface ItemError {
  code: string;
  message: string;
}

const ITEM_STATUS = {
  queued: "queued",
  running: "processing",
  completed: "completed",
  error: "failed",
  cancelled: "failed",
} as const;

/** The status of `record` at `now`, and why it failed when it has. */
export function itemStatus(
  record: JobRecord,
  now: number,
): { status: ItemStatus; error: ItemError | null } {
  const phase = translationPhase(record, now);
  const message = failureMessage(record, phase);
  if (message === undefined) return { status: ITEM_STATUS[phase], error: null };
  const code = phase === "cancelled" ? "cancelled" : (record.failure?.code ?? "failed");
  return { status: "failed", error: { code, message } };
}
