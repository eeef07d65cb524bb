import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { ConfigError } from "../src/config-error.js";
import { JobWatch } from "../src/events/job-watch.js";
import { Scheduler } from "../src/events/scheduler.js";
import { buildApp, type JobRecord } from "../src/index.js";
import { retryDelayMs } from "../src/webhooks/backoff.js";
import { DeliveryLog, type DeliveryAttempt } from "../src/webhooks/delivery-log.js";
import { WebhookDispatcher, type DeliveryOutcome } from "../src/webhooks/dispatcher.js";
import { WebhookEndpoints } from "../src/webhooks/endpoints.js";
import { MemoryWebhookStore } from "../src/store/memory-webhook-store.js";
import { isWebhookSecret, newWebhookSecret } from "../src/webhooks/secret.js";
import { fakeClock, settle } from "./helpers.js";
import { fakeReceiver } from "./webhook-helpers.js";

const SECRET = `whsec_${Buffer.alloc(24, 1).toString("base64")}`;

describe("retryDelayMs", () => {
  const options = { retryDelayMs: 1_000, maxRetryDelayMs: 10_000 };

  it("doubles the backoff per attempt up to the cap, drawn in [b/2, b]", () => {
    const low = [1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, options, () => 0));
    const high = [1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, options, () => 0.999_999));
    expect(low).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(high).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(retryDelayMs(2, options, () => 0.5)).toBe(1_500);
  });
});

describe("DeliveryLog", () => {
  const attempt = (n: number) => ({ attempt: n }) as DeliveryAttempt;

  it("keeps the latest attempts per key and forgets the least recently written key", () => {
    const log = new DeliveryLog({ perKey: 2, keys: 2 });
    for (const n of [1, 2, 3]) log.add("a", attempt(n));
    expect(log.get("a").map((a) => a.attempt)).toEqual([2, 3]);
    log.add("b", attempt(1));
    // "a" written again, so "b" is now the oldest.
    log.add("a", attempt(4));
    log.add("c", attempt(1));
    expect(log.size).toBe(2);
    expect(log.get("b")).toEqual([]);
    expect(log.get("a").map((a) => a.attempt)).toEqual([3, 4]);
  });
});

describe("webhook secrets", () => {
  it("are whsec_ and the base64 of 32 random bytes", () => {
    const secret = newWebhookSecret();
    expect(isWebhookSecret(secret)).toBe(true);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it.each([
    ["no prefix", Buffer.alloc(32).toString("base64")],
    ["too short", `whsec_${Buffer.alloc(23).toString("base64")}`],
    ["too long", `whsec_${Buffer.alloc(65).toString("base64")}`],
    ["not base64", `whsec_${"!".repeat(40)}`],
  ])("refuses %s", (_, value) => expect(isWebhookSecret(value)).toBe(false));
});

describe("webhook options", () => {
  it.each([
    ["webhookSecret", { webhookSecret: "whsec_short" }],
    ["webhookMaxAttempts", { webhookMaxAttempts: 0 }],
    ["webhookMaxAttempts", { webhookMaxAttempts: 1.5 }],
    ["webhookTimeoutMs", { webhookTimeoutMs: 0 }],
    ["webhookRetryDelayMs", { webhookRetryDelayMs: -1 }],
    ["webhookMaxRetryDelayMs", { webhookMaxRetryDelayMs: Number.NaN }],
    ["webhookRandom", { webhookRandom: 1 as unknown as () => number }],
  ])("throw a TypeError naming %s", (name, options) => {
    expect(() => buildApp(options)).toThrow(TypeError);
    expect(() => buildApp(options)).toThrow(`\`${name}\``);
  });

  it("never show the secret in the error", () => {
    expect(() => buildApp({ webhookSecret: "whsec_do-not-print" })).not.toThrow(/do-not-print/);
  });

  it("are read from WEBHOOK_* variables", () => {
    expect(
      loadConfig({
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_MAX_ATTEMPTS: "3",
        WEBHOOK_TIMEOUT: "2.5",
        WEBHOOK_RETRY_DELAY: "0.25",
      }),
    ).toMatchObject({
      webhookSecret: SECRET,
      webhookMaxAttempts: 3,
      webhookTimeoutMs: 2_500,
      webhookRetryDelayMs: 250,
    });
    expect(loadConfig({})).not.toHaveProperty("webhookSecret");
  });

  it.each([
    ["WEBHOOK_SECRET", "whsec_tooshort"],
    ["WEBHOOK_MAX_ATTEMPTS", "0"],
    ["WEBHOOK_MAX_ATTEMPTS", "101"],
    ["WEBHOOK_TIMEOUT", "0"],
    ["WEBHOOK_RETRY_DELAY", "soon"],
  ])("refuse a bad %s=%s with a ConfigError", (name, value) => {
    let caught: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(name);
    if (name === "WEBHOOK_SECRET") expect((caught as Error).message).not.toContain(value);
  });
});

describe("WebhookDispatcher", () => {
  it("tells onDelivery of every attempt, and survives an onDelivery that throws", async () => {
    const clock = fakeClock(Date.now());
    const scheduler = new Scheduler({ now: clock.now, setTimer: clock.setTimer });
    const store = new MemoryWebhookStore();
    const endpoints = new WebhookEndpoints({ now: clock.now, store, maxPerOwner: 5 });
    const receiver = fakeReceiver(clock, (n) => (n === 1 ? 500 : 200));
    const outcomes: DeliveryOutcome[] = [];
    const errors: unknown[] = [];
    const dispatcher = new WebhookDispatcher({
      scheduler,
      watch: new JobWatch(scheduler),
      endpoints,
      store,
      findJob: async (id) => (id === record.id ? record : undefined),
      now: clock.now,
      random: () => 0,
      fetch: receiver.fetch,
      onDelivery: (outcome) => {
        outcomes.push(outcome);
        throw new Error("metrics broke");
      },
      onError: (error) => errors.push(error),
    });
    const record: JobRecord = {
      id: "job_direct",
      createdAt: clock.now(),
      pendingDurationMs: 100,
      outcome: "completed",
      etaError: 0,
      etaBias: 0,
      metadata: {},
      owner: "key_owner",
      callbackUrl: "http://receiver.test/",
    };
    await dispatcher.jobCreated(record);
    clock.advance(100);
    await settle();
    clock.advance(500);
    await settle();
    expect(outcomes.map((o) => [o.attempt, o.statusCode, o.outcome, o.owner])).toEqual([
      [1, 500, "retrying", "key_owner"],
      [2, 200, "delivered", "key_owner"],
    ]);
    expect(errors).toHaveLength(2);
    expect(dispatcher.pending).toBe(0);
    expect(await dispatcher.jobDeliveries("job_direct")).toHaveLength(2);
  });
});
