import type { FetchLike } from "@translation-status/client";
import { jsonResponse, sseEvent, sseResponse } from "./scripted-fetch.js";
import type { VirtualClock } from "./virtual-clock.js";

export interface FakeJob {
  durationMs: number;
  outcome: "completed" | "error";
}

/**
 * A tiny jobs server on a virtual clock, for the waits on many jobs: single and batch reads
 * with exact poll hints, and optionally the multiplexed event stream. Records every request.
 */
export function fakeBatchServer(
  clock: VirtualClock,
  jobs: Record<string, FakeJob>,
  features: { batch?: boolean; stream?: boolean } = {},
) {
  const { batch = true, stream = false } = features;
  const requests: Array<{ path: string; ids: string[]; at: number }> = [];
  const view = (id: string) => {
    const job = jobs[id]!;
    const done = clock.now() >= job.durationMs;
    const status = done ? job.outcome : "pending";
    return {
      id,
      status,
      result: status,
      createdAt: new Date(0).toISOString(),
      ...(done && { completedAt: new Date(job.durationMs).toISOString() }),
    };
  };
  const hint = (id: string) => Math.max(50, jobs[id]!.durationMs - clock.now() + 10);

  const fetch: FetchLike = async (input, init) => {
    // As a real fetch does, listen to the request's signal while the request is in flight.
    const onAbort = () => {};
    init?.signal?.addEventListener("abort", onAbort);
    try {
      await Promise.resolve();
      return await answer(input, init);
    } finally {
      init?.signal?.removeEventListener("abort", onAbort);
    }
  };
  const answer: FetchLike = async (input, init) => {
    const url = new URL(input);
    const ids = url.searchParams.get("ids")?.split(",").map(decodeURIComponent) ?? [];
    requests.push({ path: url.pathname, ids, at: clock.now() });
    if (url.pathname === "/events" && stream) {
      return sseResponse(
        clock,
        [...ids]
          .filter((id) => jobs[id])
          .sort((a, b) => jobs[a]!.durationMs - jobs[b]!.durationMs)
          .map((id, i, sorted) => ({
            afterMs: Math.max(
              0,
              jobs[id]!.durationMs - (i === 0 ? clock.now() : jobs[sorted[i - 1]!]!.durationMs),
            ),
            text: sseEvent("done", {
              ...view(id),
              status: jobs[id]!.outcome,
              result: jobs[id]!.outcome,
            }),
          }))
          .concat(
            ids
              .filter((id) => !jobs[id])
              .map((id) => ({
                afterMs: 0,
                text: `event: missing\ndata: ${JSON.stringify({ id, code: "job_not_found", message: "no" })}\n\n`,
              })),
          )
          .concat([{ afterMs: 0, text: "event: end\ndata: {}\n\n" }]),
        { signal: init.signal },
      );
    }
    if (url.pathname === "/jobs" && ids.length > 0) {
      if (!batch) return jsonResponse({ error: { code: "invalid_request", message: "ids?" } }, 400);
      const found = ids.filter((id) => jobs[id]);
      const pending = found.filter((id) => view(id).status === "pending");
      return jsonResponse(
        {
          data: found.map(view),
          errors: ids
            .filter((id) => !jobs[id])
            .map((id) => ({ id, code: "job_not_found", message: "no" })),
          pollAfterMs: Object.fromEntries(pending.map((id) => [id, hint(id)])),
        },
        200,
        stream ? { link: `</events?ids=${ids.join(",")}>; rel="events"` } : {},
      );
    }
    const id = decodeURIComponent(url.pathname.replace(/^\/jobs\//, ""));
    if (!jobs[id]) return jsonResponse({ error: { code: "job_not_found", message: "no" } }, 404);
    const body = view(id);
    return jsonResponse(
      body,
      200,
      body.status === "pending" ? { "poll-after-ms": String(hint(id)) } : {},
    );
  };
  return { fetch, requests };
}
