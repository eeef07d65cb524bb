import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  NotFoundError,
  RequestTimeoutError,
  UnexpectedResponseError,
  readEvents,
  type ServerSentEvent,
} from "@translation-status/client";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import { jsonResponse, scriptedFetch, sseResponse } from "../../../test/support/scripted-fetch.js";

const URL = "http://sim.test/events?ids=job_1";

type Answer = (clock: VirtualClock, init: RequestInit) => Response;

/** Reads the stream `answer` makes, on a virtual clock; returns every event seen. */
async function read(
  answer: Answer,
  options: { stopAt?: string; idleTimeoutMs?: number; signal?: AbortSignal } = {},
) {
  const clock = new VirtualClock();
  const { fetch, calls } = scriptedFetch([(init) => answer(clock, init)], () => clock.now());
  const { stopAt, ...rest } = options;
  const events: ServerSentEvent[] = [];
  const done = readEvents(
    URL,
    (event) => {
      events.push(event);
      return event.event === stopAt;
    },
    { fetch, clock, ...rest },
  );
  await clock.run(done);
  return { events, calls, clock };
}

/** A stream of these chunks, one after the other, then its end. */
const chunks =
  (...texts: string[]): Answer =>
  (clock, init) =>
    sseResponse(
      clock,
      texts.map((text) => ({ text })),
      { signal: init.signal },
    );

describe("readEvents", () => {
  it("splits events on CRLF, even when a CRLF is cut between two chunks", async () => {
    const { events } = await read(
      chunks(
        'id: 1\r\nevent: progress\r\ndata: {"progress":0.5}\r',
        "\n\r\n: heartbeat\r\n\r\nevent: done\r\ndata: first\r\ndata: second\r\n\r\n",
      ),
    );
    expect(events).toEqual([
      { event: "progress", data: '{"progress":0.5}', id: "1" },
      { event: "done", data: "first\nsecond", id: "1" },
    ]);
  });

  it("splits events on a lone CR and on LF alike", async () => {
    const { events } = await read(chunks("data: a\r\rdata: b\n\n", "event: end\rdata:\r\r"));
    expect(events.map((e) => [e.event, e.data])).toEqual([
      ["message", "a"],
      ["message", "b"],
      ["end", ""],
    ]);
  });

  it("asks for a stream with the caller's headers, name and last event id", async () => {
    const clock = new VirtualClock();
    const { fetch, calls } = scriptedFetch([(init) => chunks("data: x\n\n")(clock, init)]);
    const reading = readEvents(URL, () => {}, {
      fetch,
      clock,
      headers: { "x-api-key": "sk_1" },
      clientName: "dashboard",
      lastEventId: "41",
    });
    await clock.run(reading);
    expect(calls[0]).toMatchObject({
      url: URL,
      method: "GET",
      headers: {
        accept: "text/event-stream",
        "x-api-key": "sk_1",
        "x-client-name": "dashboard",
        "last-event-id": "41",
      },
    });
  });

  it("closes the stream when onEvent returns true, leaving no timer behind", async () => {
    let cancelled = false;
    const open: Answer = () => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("event: end\ndata: {}\n\nevent: more\n"));
        },
        cancel() {
          cancelled = true;
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    };
    const { events, clock } = await read(open, { stopAt: "end" });
    expect(events.map((e) => e.event)).toEqual(["end"]);
    expect(cancelled).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it("resolves with no event when the server answers 204: nothing more will come", async () => {
    const { events, calls } = await read(() => new Response(null, { status: 204 }));
    expect(events).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it("rejects with RequestTimeoutError after idleTimeoutMs of silence", async () => {
    let timedOutAt: number | undefined;
    const quiet: Answer = (clock, init) => {
      init.signal?.addEventListener("abort", () => (timedOutAt = clock.now()));
      return sseResponse(clock, [{ text: "data: x\n\n" }], { signal: init.signal, hold: true });
    };
    await expect(read(quiet, { idleTimeoutMs: 2_000 })).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(timedOutAt).toBe(2_000);
  });

  it("rejects with the signal's reason when aborted", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const { fetch } = scriptedFetch([
      (init) => sseResponse(clock, [{ text: "data: x\n\n" }], { signal: init.signal, hold: true }),
    ]);
    const reading = readEvents(URL, () => controller.abort(new Error("page closed")), {
      fetch,
      clock,
      signal: controller.signal,
    });
    await expect(clock.run(reading)).rejects.toThrow("page closed");
    expect(clock.pendingTimers).toBe(0);
  });

  it("turns error statuses and non-streams into the client's typed errors", async () => {
    const error =
      (code: string, status: number): Answer =>
      () =>
        jsonResponse({ error: { code, message: `${code} here` } }, status);
    await expect(read(error("unauthorized", 401))).rejects.toBeInstanceOf(AuthenticationError);
    const notFound = read(error("route_not_found", 404));
    await expect(notFound).rejects.toBeInstanceOf(NotFoundError);
    await expect(notFound).rejects.toThrow("route_not_found");
    const json = read(() => jsonResponse({ id: "job_1" }));
    await expect(json).rejects.toBeInstanceOf(UnexpectedResponseError);
    await expect(json).rejects.toThrow("application/json, not a stream");
  });

  it("passes on what onEvent throws", async () => {
    const clock = new VirtualClock();
    const { fetch } = scriptedFetch([(init) => chunks("data: x\n\n")(clock, init)]);
    const boom = new Error("bad data");
    const reading = readEvents(
      URL,
      () => {
        throw boom;
      },
      { fetch, clock },
    );
    await expect(clock.run(reading)).rejects.toBe(boom);
  });

  it("refuses bad arguments with a TypeError naming them", async () => {
    const call = readEvents as (...args: unknown[]) => Promise<void>;
    await expect(call("", () => {})).rejects.toThrow(/URL string/);
    await expect(call(URL, "nope")).rejects.toThrow(/onEvent function/);
    await expect(call(URL, () => {}, { idleTimeoutMs: 0 })).rejects.toThrow(
      /Option "idleTimeoutMs"/,
    );
    await expect(call(URL, () => {}, { idleTimeout: 5 })).rejects.toThrow(
      /did you mean `idleTimeoutMs`/,
    );
  });
});
