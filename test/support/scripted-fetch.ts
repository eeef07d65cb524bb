import type { FetchLike } from "@translation-status/client";

/** One scripted answer: a Response, a JSON body for a 200, an error to throw, or a function. */
export type Step =
  | Response
  | Error
  | { json: unknown; status?: number; headers?: Record<string, string> }
  | ((init: RequestInit, url: string) => Promise<Response> | Response);

export interface RecordedCall {
  url: string;
  method: string;
  at: number;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * A fetch that answers from a script, records each call with the clock's time, and repeats the
 * last step once the script runs out.
 */
export function scriptedFetch(steps: Step[], now: () => number = () => 0) {
  const calls: RecordedCall[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({
      url,
      method: init.method ?? "GET",
      at: now(),
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === "string" ? init.body : undefined,
    });
    const step = steps[Math.min(calls.length - 1, steps.length - 1)];
    if (step === undefined) throw new Error("scriptedFetch: empty script");
    if (step instanceof Error) throw step;
    if (step instanceof Response) return step.clone();
    if (typeof step === "function") return step(init, url);
    return jsonResponse(step.json, step.status ?? 200, step.headers);
  };
  return { fetch, calls };
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A fetch step that never answers until its request is aborted, like a hung server. */
export function hang(init: RequestInit): Promise<Response> {
  return new Promise((_, reject) => {
    const signal = init.signal;
    if (!signal) return;
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

export const pending = { json: { result: "pending" } };
export const completed = { json: { result: "completed" } };

/**
 * A `text/event-stream` response whose chunks arrive at the given delays on `clock` (each
 * delay counted from the previous chunk). It ends after the last chunk unless `hold` is set,
 * in which case it stays open, silent, until the request is aborted.
 */
export function sseResponse(
  clock: { sleep(ms: number, signal?: AbortSignal): Promise<void> },
  chunks: Array<{ afterMs?: number; text: string }>,
  init: {
    signal?: AbortSignal | null | undefined;
    hold?: boolean;
    headers?: Record<string, string>;
  } = {},
): Response {
  const encoder = new TextEncoder();
  let index = 0;
  const signal = init.signal ?? undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = chunks[index++];
      if (!chunk) {
        if (!init.hold) return controller.close();
        await new Promise<void>((_, reject) => {
          signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
        }).catch((reason: unknown) => controller.error(reason));
        return;
      }
      try {
        await clock.sleep(chunk.afterMs ?? 0, signal);
        controller.enqueue(encoder.encode(chunk.text));
      } catch (reason) {
        controller.error(reason);
      }
    },
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream", ...init.headers },
  });
}

/** One SSE event block carrying a job as JSON. */
export function sseEvent(event: string, job: unknown, id?: string): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(job)}\n\n`;
}
