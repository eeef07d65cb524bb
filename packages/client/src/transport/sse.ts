/** One dispatched server-sent event. */
export interface SseEvent {
  event: string;
  data: string;
  /** The last event id seen on the stream so far (ids persist across events, per the spec). */
  id: string | undefined;
}

/** What the stream said besides events: the reconnection delay it asked for. */
export interface SseState {
  lastEventId: string | undefined;
  retryMs: number | undefined;
}

/**
 * Parses a `text/event-stream` body as the WHATWG HTML spec describes: lines ending in CRLF, LF
 * or CR; `event`, `data`, `id` and `retry` fields; comments (heartbeats) ignored; an event
 * dispatched at each blank line if it has data. `onActivity` is called for every complete
 * line (an event's, or a heartbeat comment), so a caller can tell a live stream from a dead one,
 * or from one dribbling bytes too slowly to ever deliver an event.
 */
export async function* parseEventStream(
  body: ReadableStream<Uint8Array>,
  state: SseState,
  onActivity: () => void = () => {},
): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let eventType = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (!done) buffer += decoder.decode(value, { stream: true });
      let newline: RegExpExecArray | null;
      while ((newline = /\r\n|\r|\n/.exec(buffer)) !== null) {
        // A lone CR at the end may be the first half of a CRLF split across chunks, unless
        // the stream has ended.
        if (!done && newline[0] === "\r" && newline.index === buffer.length - 1) break;
        const line = buffer.slice(0, newline.index);
        buffer = buffer.slice(newline.index + newline[0].length);
        onActivity();
        if (line === "") {
          if (data.length > 0) {
            yield { event: eventType || "message", data: data.join("\n"), id: state.lastEventId };
          }
          eventType = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") eventType = value;
        else if (field === "data") data.push(value);
        else if (field === "id" && !value.includes("\u0000")) state.lastEventId = value;
        else if (field === "retry" && /^\d+$/.test(value)) state.retryMs = Number(value);
      }
      if (done) return;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
}
