import { describe, expect, it } from "vitest";
import { Scheduler, type JobRecord } from "../src/index.js";
import { JobWatch } from "../src/events/job-watch.js";
import { fakeClock } from "./helpers.js";

function setupWatch() {
  const clock = fakeClock(0);
  const scheduler = new Scheduler({ now: clock.now, setTimer: clock.setTimer });
  return { clock, scheduler, watch: new JobWatch(scheduler) };
}

const pending: JobRecord = {
  id: "job_w1",
  createdAt: 0,
  pendingDurationMs: 60_000,
  outcome: "completed",
  etaError: 0,
  etaBias: 0,
  metadata: {},
};

describe("JobWatch", () => {
  it("wakes a listener at once, with the cancelled record, when the cancel came just before it", () => {
    const { clock, watch } = setupWatch();
    const cancelled = { ...pending, cancelledAt: 1_000 };
    // The cancel arrives (say, from another server) while a reader holds the old record.
    watch.changed(pending.id, cancelled);
    const heard: Array<JobRecord | undefined> = [];
    watch.watch(pending, (record) => heard.push(record));
    expect(heard).toEqual([]);
    clock.advance(0);
    expect(heard).toEqual([cancelled]);
    expect(watch.size).toBe(0);
  });

  it("wakes a listener of another job only at that job's end", () => {
    const { clock, watch } = setupWatch();
    watch.changed("job_other", { ...pending, id: "job_other", cancelledAt: 5 });
    const heard: Array<JobRecord | undefined> = [];
    watch.watch(pending, (record) => heard.push(record));
    clock.advance(59_999);
    expect(heard).toEqual([]);
    clock.advance(1);
    expect(heard).toEqual([undefined]);
  });
});
