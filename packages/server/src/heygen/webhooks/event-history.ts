import type { DeliveryAttempt } from "../../webhooks/delivery-log.js";
import type { Position } from "./pages.js";

/** One event of `GET /v3/webhooks/events`, as the spec has it. */
export interface SentEvent {
  event_id: string;
  event_type: string;
  event_data: Record<string, unknown>;
  created_at: string;
}

export interface EventFilter {
  eventType?: string | undefined;
  /** A job id: HeyGen's `entity_id` for a video translation. */
  entityId?: string | undefined;
}

/**
 * The events sent to some endpoints, each once however many endpoints and attempts it had, from
 * their attempt history (bounded and kept as long as the endpoints' deliveries are). An event is
 * listed from its first attempt, delivered or not, so a receiver that missed it can catch up;
 * `created_at` is when that attempt was made, at the job's end unless the sender was down.
 */
export function sentEvents(
  histories: readonly (readonly DeliveryAttempt[])[],
  { eventType, entityId }: EventFilter,
): Array<SentEvent & { position: Position }> {
  const first = new Map<string, DeliveryAttempt & { body: string }>();
  for (const attempts of histories) {
    for (const attempt of attempts) {
      // Attempts recorded before bodies were kept cannot say what was sent.
      if (attempt.body === undefined) continue;
      if (eventType !== undefined && attempt.eventType !== eventType) continue;
      if (entityId !== undefined && attempt.jobId !== entityId) continue;
      const known = first.get(attempt.eventId);
      if (known === undefined || attempt.attemptedAt < known.attemptedAt) {
        first.set(attempt.eventId, { ...attempt, body: attempt.body });
      }
    }
  }
  return [...first.values()].map((attempt) => ({
    event_id: attempt.eventId,
    event_type: attempt.eventType,
    event_data: eventData(attempt.body),
    created_at: attempt.attemptedAt,
    position: { at: Date.parse(attempt.attemptedAt), id: attempt.eventId },
  }));
}

/** HeyGen's payloads are `{event_type, event_data}`; the data is what the list shows. */
function eventData(body: string): Record<string, unknown> {
  const payload = JSON.parse(body) as { event_data?: Record<string, unknown> };
  return payload.event_data ?? {};
}
