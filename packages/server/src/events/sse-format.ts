// The text/event-stream format: https://html.spec.whatwg.org/multipage/server-sent-events.html

export interface SseEvent {
  /** Becomes the client's `lastEventId`; sent back as `Last-Event-ID` on reconnect. */
  id?: string;
  event?: string;
  /** Any text; each line becomes its own `data:` line. */
  data: string;
  /** Tells the client how long to wait before reconnecting, in ms. */
  retry?: number;
}

/** One event block, ending with the blank line that dispatches it. */
export function formatEvent({ id, event, data, retry }: SseEvent): string {
  let block = "";
  if (retry !== undefined) block += `retry: ${retry}\n`;
  if (id !== undefined) block += `id: ${id}\n`;
  if (event !== undefined) block += `event: ${event}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) block += `data: ${line}\n`;
  return `${block}\n`;
}

/** A comment: clients ignore it, proxies see traffic and keep the connection open. */
export const HEARTBEAT = ": heartbeat\n\n";

/**
 * A `Last-Event-ID` (or `lastEventId`) as the ms offset our ids are, or undefined when it is
 * missing or not one of ours.
 */
export function parseLastEventId(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/** The headers of every event stream: `X-Accel-Buffering: no` keeps nginx from buffering it. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;
