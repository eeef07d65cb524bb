import type { FetchLike } from "@translation-status/client";

/** One scripted answer: a Response, a JSON body for a 200, an error to throw, or a function. */
export type Step =
  | Response
  | Error
  | { json: unknown; status?: number; headers?: Record<string, string> }
  | ((init: RequestInit) => Promise<Response> | Response);

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
    if (typeof step === "function") return step(init);
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
