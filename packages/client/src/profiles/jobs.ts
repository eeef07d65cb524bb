import { parseSnapshot } from "../parse.js";
import { parseJson } from "../transport/http.js";
import type { ApiProfile, BatchAnswer, StreamItem } from "./types.js";

const idList = (ids: readonly string[]) => ids.map(encodeURIComponent).join(",");

/** Named events of the multiplexed stream that carry a job, as a poll would return it. */
const JOB_EVENTS = new Set(["progress", "done", "message"]);

/**
 * Our own shape: `POST /jobs`, `GET /jobs/{id}` answering the job itself, batch reads
 * (`GET /jobs?ids=...`) and the multiplexed stream (`GET /events?ids=...`).
 */
export const jobsProfile: ApiProfile = {
  name: "jobs",
  jobUrl: (baseUrl, jobId) => `${baseUrl}/jobs/${encodeURIComponent(jobId)}`,
  createUrl: (baseUrl) => `${baseUrl}/jobs`,
  idempotentCreate: true,
  jobsExtras: true,
  parseStatus: parseSnapshot,
  parseCreated: parseSnapshot,
  batch: {
    maxIds: 100,
    url: (baseUrl, ids) => `${baseUrl}/jobs?ids=${idList(ids)}`,
    parse(body, statusMap) {
      const answer: BatchAnswer = { snapshots: [], missing: [], pollAfterMs: new Map() };
      if (typeof body !== "object" || body === null || Array.isArray(body)) return answer;
      const { data, errors, pollAfterMs } = body as Record<string, unknown>;
      if (Array.isArray(data)) {
        for (const item of data) {
          const snapshot = parseSnapshot(item, statusMap);
          if (snapshot.jobId !== undefined) answer.snapshots.push(snapshot);
        }
      }
      if (Array.isArray(errors)) {
        for (const item of errors as Array<Record<string, unknown> | null>) {
          if (typeof item?.id === "string") answer.missing.push(missingOf(item.id, item));
        }
      }
      if (typeof pollAfterMs === "object" && pollAfterMs !== null) {
        for (const [id, value] of Object.entries(pollAfterMs)) {
          if (typeof value === "number" && value >= 0) answer.pollAfterMs.set(id, value);
        }
      }
      return answer;
    },
  },
  events: {
    url: (baseUrl, ids) => `${baseUrl}/events?ids=${idList(ids)}`,
    parse(event): StreamItem {
      if (event.event === "end") return { type: "end" };
      if (event.event === "missing") {
        const body = (parseJson(event.data) ?? {}) as Record<string, unknown>;
        return typeof body.id === "string" ? missingOf(body.id, body) : { type: "other" };
      }
      // Jobs come as progress, done (or unnamed) events; others (open, ...) are not ours.
      if (!JOB_EVENTS.has(event.event)) return { type: "other" };
      return { type: "job", body: parseJson(event.data) };
    },
  },
};

function missingOf(id: string, item: Record<string, unknown>) {
  return {
    type: "missing" as const,
    id,
    code: typeof item.code === "string" ? item.code : undefined,
    message: typeof item.message === "string" ? item.message : undefined,
  };
}
