import type { JobRecord } from "../jobs/record.js";
import type { WebhookEndpoint } from "./endpoints.js";
import { HEYGEN_EVENT_TYPES, type WebhookEventType } from "./event-types.js";

const HEYGEN_EVENTS: ReadonlySet<string> = new Set(HEYGEN_EVENT_TYPES);

/**
 * Whether the endpoint hears this event of this job: one scoped to a job hears that job only;
 * any other, the jobs created after it was registered. A HeyGen endpoint hears HeyGen's events
 * only (its receiver reads HeyGen's payloads), every one of them when its `events` is null.
 */
export function hears(endpoint: WebhookEndpoint, type: WebhookEventType, job: JobRecord): boolean {
  const inScope =
    endpoint.entityId === undefined
      ? endpoint.createdAt <= job.createdAt
      : endpoint.entityId === job.id;
  if (!inScope) return false;
  if (endpoint.api === "heygen-v3" && !HEYGEN_EVENTS.has(type)) return false;
  return endpoint.events === null || endpoint.events.includes(type);
}
