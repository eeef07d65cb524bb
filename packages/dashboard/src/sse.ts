// Server-Sent Events over fetch: EventSource cannot send an API key header.

export interface SseEvent {
  event: string;
  data: string;
}

/** Calls `onEvent` for each event of the stream at `url` until it ends or `signal` aborts. */
export async function readEvents(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  onEvent: (event: SseEvent) => void,
): Promise<void> {
  const response = await fetch(url, {
    headers: { ...headers, accept: "text/event-stream" },
    signal,
  });
  if (response.status === 204) return;
  if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) onEvent({ event, data: data.join("\n") });
    }
  }
}
