import { describe, expect, it, vi } from "vitest";
import { Scheduler, type SetTimer } from "../src/index.js";
import { mulberry32 } from "../src/jobs/random.js";
import { fakeClock } from "./helpers.js";

/** A scheduler on a fake clock, with every arming of the timer recorded. */
function scheduler(onError?: (error: unknown) => void) {
  const clock = fakeClock(0);
  const armed: number[] = [];
  const setTimer: SetTimer = (callback, delayMs) => {
    armed.push(delayMs);
    return clock.setTimer(callback, delayMs);
  };
  const instance = new Scheduler({ now: clock.now, setTimer, ...(onError && { onError }) });
  return { scheduler: instance, clock, armed };
}

describe("Scheduler", () => {
  it("runs tasks in due order, each once the clock reaches it, ties first-come", () => {
    const { scheduler: s, clock } = scheduler();
    const ran: string[] = [];
    const log = (name: string) => () => ran.push(`${name}@${clock.now()}`);
    s.schedule(300, log("c"));
    s.schedule(100, log("a"));
    s.schedule(200, log("b1"));
    s.schedule(200, log("b2"));
    expect(s.size).toBe(4);
    clock.advance(99);
    expect(ran).toEqual([]);
    clock.advance(201);
    expect(ran).toEqual(["a@100", "b1@200", "b2@200", "c@300"]);
    expect(s.size).toBe(0);
  });

  it("keeps at most one timer armed, for the earliest task", () => {
    const { scheduler: s, clock, armed } = scheduler();
    for (let i = 10; i > 0; i--) s.schedule(i * 1_000, () => {});
    // Each earlier task re-arms; the old timer is cancelled, never left running.
    expect(clock.timers).toBe(1);
    expect(armed.at(-1)).toBe(1_000);
    s.schedule(5_000, () => {});
    expect(armed.at(-1)).toBe(1_000);
    clock.advance(1_000);
    expect(clock.timers).toBe(1);
    expect(armed.at(-1)).toBe(1_000);
    expect(s.size).toBe(10);
  });

  it("removes a cancelled task at once and disarms when nothing is left", () => {
    const { scheduler: s, clock } = scheduler();
    const task = vi.fn();
    const cancelA = s.schedule(100, task);
    const cancelB = s.schedule(200, task);
    cancelA();
    cancelA();
    expect(s.size).toBe(1);
    expect(s.armed).toBe(true);
    cancelB();
    expect(s.size).toBe(0);
    expect(s.armed).toBe(false);
    expect(clock.timers).toBe(0);
    clock.advance(1_000);
    expect(task).not.toHaveBeenCalled();
  });

  it("cancelling a task that already ran is a no-op", () => {
    const { scheduler: s, clock } = scheduler();
    const cancel = s.schedule(10, () => {});
    const other = vi.fn();
    s.schedule(20, other);
    clock.advance(10);
    cancel();
    expect(s.size).toBe(1);
    clock.advance(10);
    expect(other).toHaveBeenCalledOnce();
  });

  it("arms again when a timer fires before the clock agrees", () => {
    let time = 0;
    const callbacks: Array<() => void> = [];
    const s = new Scheduler({
      now: () => time,
      setTimer: (callback) => {
        callbacks.push(callback);
        return () => {};
      },
    });
    const task = vi.fn();
    s.schedule(100, task);
    time = 99;
    callbacks.shift()!();
    expect(task).not.toHaveBeenCalled();
    expect(callbacks).toHaveLength(1);
    time = 100;
    callbacks.shift()!();
    expect(task).toHaveBeenCalledOnce();
  });

  it("runs tasks scheduled by tasks, and keeps going when one throws", () => {
    const errors: unknown[] = [];
    const { scheduler: s, clock } = scheduler((error) => errors.push(error));
    const ran: number[] = [];
    s.schedule(10, () => {
      throw new Error("boom");
    });
    s.schedule(10, () => {
      ran.push(clock.now());
      s.schedule(clock.now() + 5, () => ran.push(clock.now()));
    });
    clock.advance(20);
    expect(ran).toEqual([10, 15]);
    expect(errors).toEqual([new Error("boom")]);
  });

  it("clear() drops everything", () => {
    const { scheduler: s, clock } = scheduler();
    const task = vi.fn();
    for (let i = 0; i < 5; i++) s.schedule(i, task);
    s.clear();
    expect(s.size).toBe(0);
    expect(clock.timers).toBe(0);
    clock.advance(10);
    expect(task).not.toHaveBeenCalled();
  });

  it("stays a correct heap under random schedules and cancels", () => {
    const { scheduler: s, clock } = scheduler();
    const random = mulberry32(5);
    const ran: number[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const at = Math.floor(random() * 10_000);
      const cancel = s.schedule(at, () => ran.push(at));
      if (random() < 0.3) cancel();
      else expected.push(at);
    }
    expect(s.size).toBe(expected.length);
    clock.advance(10_000);
    expect(ran).toEqual(expected.sort((a, b) => a - b));
  });
});
