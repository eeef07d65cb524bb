import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { Scheduler, type JobRecord } from "../src/index.js";
import { JobWatch } from "../src/events/job-watch.js";
import { SseHub, type StreamKind } from "../src/events/sse-hub.js";
import { fakeClock } from "./helpers.js";

/** A response that takes every write, and remembers them. */
class FakeResponse extends EventEmitter {
  text = "";
  destroyed = false;
  writableEnded = false;
  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  end(chunk = ""): void {
    this.text += chunk;
    this.writableEnded = true;
  }
}

function setupHub() {
  const clock = fakeClock(0);
  const scheduler = new Scheduler({ now: clock.now, setTimer: clock.setTimer });
  const watch = new JobWatch(scheduler);
  const hub = new SseHub({
    scheduler,
    watch,
    now: clock.now,
    progressIntervalMs: 1_000,
    heartbeatMs: 15_000,
    retryMs: 1_000,
  });
  const open = (kind: StreamKind, records: JobRecord[]) => {
    const response = new FakeResponse();
    const subject = { kind, records, render: (record: JobRecord) => ({ id: record.id }) };
    hub.open(response as unknown as ServerResponse, subject, {});
    return response;
  };
  return { clock, scheduler, hub, open };
}

const job = (id: string, pendingDurationMs: number): JobRecord => ({
  id,
  createdAt: 0,
  pendingDurationMs,
  outcome: "completed",
  etaError: 0,
  etaBias: 0,
  metadata: {},
});

describe("SseHub", () => {
  it("drives every stream from one progress and one heartbeat tick, there only while streams are", () => {
    const { clock, scheduler, hub, open } = setupHub();
    const jobs = [job("job_a", 3_000), job("job_b", 5_000), job("job_c", 8_000)];
    const streams = jobs.map((record) => open("job", [record]));
    // One completion wake-up per job, plus the two ticks: not one per stream.
    expect(scheduler.size).toBe(3 + 2);
    const many = open("multiplexed", jobs);
    expect(scheduler.size).toBe(3 + 2);
    expect(hub.openStreams("job")).toBe(3);
    expect(hub.openStreams("multiplexed")).toBe(1);
    clock.advance(3_000);
    expect(streams[0]!.writableEnded).toBe(true);
    expect(scheduler.size).toBe(2 + 2);
    clock.advance(5_000);
    expect([...streams, many].every((response) => response.writableEnded)).toBe(true);
    expect(hub.openStreams("job") + hub.openStreams("multiplexed")).toBe(0);
    expect(scheduler.size).toBe(0);
    expect(clock.timers).toBe(0);
  });

  it("forgets a stream whose client went away, with its watches", () => {
    const { scheduler, hub, open } = setupHub();
    const response = open("multiplexed", [job("job_a", 3_000), job("job_b", 5_000)]);
    // Two job ends and the heartbeat tick; no progress tick without a job stream.
    expect(scheduler.size).toBe(2 + 1);
    response.emit("close");
    expect(hub.openStreams("multiplexed")).toBe(0);
    expect(scheduler.size).toBe(0);
  });
});
