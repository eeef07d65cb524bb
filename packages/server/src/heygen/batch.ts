import type { BatchItem, JobRecord } from "../jobs/record.js";
import { itemStatus, type ItemError, type ItemStatus } from "./item-status.js";

/**
 * Batches are kept on their jobs' records, so every store holds them without a table of their
 * own: each job knows its batch and place, and the first job (the head) holds the batch itself.
 * The batch id is the head's id under another prefix, so reading a batch is reading its head,
 * then its items, in one store read each.
 */
const BATCH_PREFIX = "batch_";
const JOB_PREFIX = "job_";
const BATCH_ID_PATTERN = /^batch_[A-Za-z0-9]{1,64}$/;

/** Most items (jobs) one batch makes, after expanding output languages, as HeyGen documents. */
export const MAX_BATCH_ITEMS = 100;

export function batchIdOf(headJobId: string): string {
  return BATCH_PREFIX + headJobId.slice(JOB_PREFIX.length);
}

/** The id of the job holding the batch, or undefined when `batchId` cannot be one of ours. */
export function headJobIdOf(batchId: string): string | undefined {
  return BATCH_ID_PATTERN.test(batchId)
    ? JOB_PREFIX + batchId.slice(BATCH_PREFIX.length)
    : undefined;
}

/** One item of a batch as read now. */
export interface BatchItemView {
  item_index: number;
  /** Null until the item's job exists, and for an item whose job could not be made. */
  video_id: string | null;
  status: ItemStatus;
  error: ItemError | null;
}

/** The job ids of a batch's items, as far as they are known (the head's own, at least). */
export function itemJobIds(head: JobRecord): string[] {
  const items = head.batchHead?.items;
  if (items === undefined) return [head.id];
  return items.flatMap((item) => ("jobId" in item ? [item.jobId] : []));
}

/**
 * Every item of the batch `head` holds, in order, given the records of its jobs (`jobs`, by id).
 * An item whose job is gone (deleted, or past retention) reads as failed `not_found`.
 */
export function batchItemViews(
  head: JobRecord,
  jobs: ReadonlyMap<string, JobRecord>,
  now: number,
): BatchItemView[] {
  const total = head.batchHead?.total ?? 1;
  const items: BatchItem[] = head.batchHead?.items ?? [{ jobId: head.id }];
  return Array.from({ length: total }, (_, index): BatchItemView => {
    const item = items[index];
    if (item === undefined) {
      // Not made yet: the request creating the batch is still at work.
      return { item_index: index, video_id: null, status: "queued", error: null };
    }
    if ("error" in item) {
      return { item_index: index, video_id: null, status: "failed", error: item.error };
    }
    const record = jobs.get(item.jobId);
    if (record === undefined) {
      const error = { code: "not_found", message: `Video translation ${item.jobId} is gone` };
      return { item_index: index, video_id: item.jobId, status: "failed", error };
    }
    return { item_index: index, video_id: item.jobId, ...itemStatus(record, now) };
  });
}

/**
 * The batch's status from its items': `processing` while any is queued or processing, then
 * `failed` when every item failed, else `completed`.
 */
export function batchStatus(
  items: readonly BatchItemView[],
): "processing" | "completed" | "failed" {
  if (items.some(({ status }) => status === "queued" || status === "processing")) {
    return "processing";
  }
  return items.every(({ status }) => status === "failed") ? "failed" : "completed";
}
