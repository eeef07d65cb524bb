import { describe, expect, it, onTestFinished } from "vitest";
import { MemoryJobStore, RedisStore } from "../src/index.js";
import { REDIS_URL, redisStorage } from "../../../test/support/redis.js";
import { expectError, setup } from "./helpers.js";

/** A memory store whose ping fails while `down` is set, as a store that lost its server. */
class FlakyStore extends MemoryJobStore {
  down = false;
  override async ping(): Promise<void> {
    if (this.down) throw new Error("connection refused");
  }
}

describe("health endpoints", () => {
  it("/healthz says the process is up; /readyz that the store answers", async () => {
    const { app } = setup();
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ok" });
  });

  it("/readyz answers 503 not_ready while the store fails, and 200 again once it is back", async () => {
    const store = new FlakyStore();
    const { app } = setup({ store });
    store.down = true;
    const message = expectError(await app.inject({ url: "/readyz" }), 503, "not_ready");
    expect(message).toMatch(/connection refused/);
    expect((await app.inject({ url: "/healthz" })).statusCode).toBe(200);
    store.down = false;
    expect((await app.inject({ url: "/readyz" })).statusCode).toBe(200);
  });

  it("skips auth, rate limits and faults, like /healthz", async () => {
    const { app } = setup({ apiKeys: ["k"], rateLimit: 1, faultRate: 1, faultKinds: ["500"] });
    for (let i = 0; i < 3; i++) {
      for (const url of ["/healthz", "/readyz", "/metrics"]) {
        expect((await app.inject({ url })).statusCode).toBe(200);
      }
    }
  });

  it("is ready on SQLite", async () => {
    const { app } = setup({ storage: "sqlite::memory:" });
    expect((await app.inject({ url: "/readyz" })).statusCode).toBe(200);
  });

  describe.skipIf(REDIS_URL === undefined)("on Redis", () => {
    it("is ready while connected", async () => {
      const { app } = setup({ storage: redisStorage() });
      expect((await app.inject({ url: "/readyz" })).statusCode).toBe(200);
    });

    it("fails a ping at once when the connection is gone", async () => {
      const store = new RedisStore({ url: REDIS_URL!, idempotencyTtlMs: 1_000 });
      onTestFinished(() => store.close());
      await store.connect();
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow(/connection is/i);
    });
  });

  it("refuses to start when Redis cannot be reached", async () => {
    // Port 1 on loopback: nothing listens there.
    const { app } = setup({ storage: "redis://127.0.0.1:1" });
    await expect(app.ready()).rejects.toThrow(
      /Cannot reach Redis at 127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
  });
});
