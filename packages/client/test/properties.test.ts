import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  TranslationStatusClient,
  TranslationStatusError,
  nextDelay,
  type ScheduleOptions,
} from "@translation-status/client";
import { VirtualClock } from "../../../test/support/virtual-clock.js";

// A fixed seed keeps the suite deterministic; FC_SEED explores other corners locally.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_261_124) });

const ms = (max: number) => fc.double({ min: 0, max, noNaN: true });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const scheduleOptions: fc.Arbitrary<ScheduleOptions> = fc
  .record({
    initialIntervalMs: ms(60_000),
    backoffFactor: fc.double({ min: 1, max: 10, noNaN: true }),
    maxBackoffMs: ms(600_000),
    maxIntervalMs: fc.double({ min: 1, max: 3_600_000, noNaN: true }),
    minIntervalMs: ms(1_000),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
    pollIntervalMs: optional(ms(600_000)),
  })
  .filter((o) => o.minIntervalMs <= o.maxIntervalMs);

describe("nextDelay, for any options and hints", () => {
  it("stays within [minIntervalMs, maxIntervalMs] and never passes the deadline", () => {
    fc.assert(
      fc.property(
        scheduleOptions,
        fc.record({
          backoffAttempt: fc.integer({ min: 1, max: 1_000 }),
          remainingMs: ms(7_200_000),
          failed: fc.boolean(),
          pollAfterMs: optional(ms(1e9)),
          retryAfterMs: optional(ms(1e9)),
          estimatedRemainingMs: optional(fc.double({ min: -1e9, max: 1e9, noNaN: true })),
          learnedDelayMs: optional(ms(1e9)),
        }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (options, input, r) => {
          const { delayMs } = nextDelay(input, options, () => r);
          expect(delayMs).toBeGreaterThanOrEqual(0);
          expect(delayMs).toBeLessThanOrEqual(input.remainingMs);
          expect(delayMs).toBeLessThanOrEqual(options.maxIntervalMs);
          expect(delayMs).toBeGreaterThanOrEqual(
            Math.min(options.minIntervalMs, input.remainingMs),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

/** One scripted answer of a misbehaving server. */
const answer = fc.oneof(
  fc.record({
    kind: fc.constant("pending" as const),
    pollAfter: optional(fc.oneof(fc.integer({ min: 0, max: 1e9 }).map(String), fc.string())),
    retryAfter: optional(fc.oneof(fc.integer({ min: 0, max: 1e7 }).map(String), fc.string())),
    estimate: optional(fc.integer({ min: -1e10, max: 1e10 })),
  }),
  fc.record({
    kind: fc.constant("status" as const),
    status: fc.constantFrom(408, 429, 500, 502, 503, 504),
  }),
  fc.record({ kind: fc.constant("network" as const) }),
  fc.record({ kind: fc.constant("done" as const) }),
);

describe("waitForCompletion, against any sequence of answers", () => {
  it("always ends, by its deadline, and never polls faster than its floor, under any budget", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 600_000 }),
        fc.constantFrom("poll" as const, "auto" as const, "long-poll" as const),
        fc.constantFrom(Infinity, 10, 2),
        async (script, maxWaitMs, mode, maxRequestsPerSecond) => {
          const clock = new VirtualClock(1_800_000_000_000);
          const times: number[] = [];
          const fetch = async (_url: string, init: RequestInit) => {
            times.push(clock.now());
            const step = script[Math.min(times.length - 1, script.length - 1)]!;
            if (step.kind === "network") throw new TypeError("fetch failed");
            if (step.kind === "status") return new Response("{}", { status: step.status });
            if (step.kind === "done") return Response.json({ status: "completed" });
            const headers: Record<string, string> = {};
            if (step.pollAfter !== undefined) headers["poll-after-ms"] = step.pollAfter;
            if (step.retryAfter !== undefined) headers["retry-after"] = step.retryAfter;
            const prefer = (init.headers as Record<string, string>).prefer;
            if (prefer) headers["preference-applied"] = prefer;
            const body: Record<string, unknown> = { status: "pending" };
            if (step.estimate !== undefined) {
              body.estimatedCompletionAt = new Date(clock.now() + step.estimate).toISOString();
            }
            return Response.json(body, { headers });
          };
          const client = new TranslationStatusClient({
            baseUrl: "http://sim.test",
            fetch,
            clock,
            maxRequestsPerSecond,
          });
          const start = clock.now();
          const outcome = await clock
            .run(
              client.waitForCompletion({
                mode,
                maxWaitMs,
                maxConsecutiveFailures: Infinity,
                minIntervalMs: 100,
              }),
            )
            .then(
              (result) => result.status,
              (error: unknown) => (error as Error).name,
            );
          expect(["completed", "WaitTimeoutError"]).toContain(outcome);
          expect(clock.now() - start).toBeLessThanOrEqual(maxWaitMs);
          expect(clock.pendingTimers).toBe(0);
          for (let i = 1; i < times.length; i += 1) {
            const gap = times[i]! - times[i - 1]!;
            const atDeadline = times[i] === start + maxWaitMs;
            if (!atDeadline) expect(gap).toBeGreaterThanOrEqual(100);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the response parser, on arbitrary bytes", () => {
  it("returns a status or throws a documented error, nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.json().map((text) => new TextEncoder().encode(text)),
          fc
            .record({
              result: fc.oneof(fc.constantFrom("pending", "completed", "error"), fc.string()),
              status: optional(fc.anything()),
              progress: optional(fc.anything()),
              error: optional(fc.anything()),
            })
            .map((o) => new TextEncoder().encode(JSON.stringify(o))),
        ),
        fc.constantFrom(200, 201, 204, 400, 404, 429, 500, 502),
        async (bytes, status) => {
          const fetch = async () =>
            new Response(status === 204 ? null : bytes, {
              status,
              headers: { "retry-after": "0" },
            });
          const client = new TranslationStatusClient({
            baseUrl: "http://sim.test",
            fetch,
            maxRetries: 0,
          });
          try {
            const snapshot = await client.getStatus();
            expect(["pending", "completed", "error", "cancelled"]).toContain(snapshot.status);
          } catch (error) {
            expect(error).toBeInstanceOf(TranslationStatusError);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
