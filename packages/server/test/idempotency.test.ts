import { describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { JobView } from "../src/index.js";
import { fingerprint } from "../src/jobs/idempotency.js";
import { MemoryIdempotencyStore } from "../src/store/memory-idempotency-store.js";
import { expectError, setup } from "./helpers.js";

function post(app: FastifyInstance, key: string | undefined, payload?: object, apiKey?: string) {
  return app.inject({
    method: "POST",
    url: "/jobs",
    headers: {
      ...(key !== undefined && { "idempotency-key": key }),
      ...(apiKey !== undefined && { "x-api-key": apiKey }),
    },
    ...(payload !== undefined && { payload }),
  });
}

const options = { pendingDurationMs: 10_000, errorProbability: 0 };

describe("Idempotency-Key on POST /jobs", () => {
  it("returns the same job, 200 and Idempotency-Replayed: true, for a retry", async () => {
    const { app } = setup(options);
    const created = await post(app, "order-1", { metadata: { video: "v-1" } });
    expect(created.statusCode).toBe(201);
    expect(created.headers["idempotency-replayed"]).toBeUndefined();
    const retried = await post(app, "order-1", { metadata: { video: "v-1" } });
    expect(retried.statusCode).toBe(200);
    expect(retried.headers["idempotency-replayed"]).toBe("true");
    expect(retried.headers.location).toBe(created.headers.location);
    expect(retried.json()).toEqual(created.json());
    expect(retried.headers["poll-after-ms"]).toEqual(expect.any(String));
    expect((await app.inject({ url: "/jobs" })).json().data).toHaveLength(1);
  });

  it("shows the job as it is now, not as it was", async () => {
    const { app, clock } = setup(options);
    const { id } = (await post(app, "k")).json<JobView>();
    clock.advance(2_000);
    await app.inject({ method: "DELETE", url: `/jobs/${id}` });
    const retried = (await post(app, "k")).json<JobView>();
    expect(retried).toMatchObject({ id, status: "cancelled", progress: 0.2 });
  });

  it("treats the same body in another key order, and no body as {}, as the same request", async () => {
    const { app } = setup(options);
    const a = await post(app, "k1", {
      pendingDurationMs: 5,
      metadata: { x: 1, y: [1, { b: 2, a: 1 }] },
    });
    const b = await post(app, "k1", {
      metadata: { y: [1, { a: 1, b: 2 }], x: 1 },
      pendingDurationMs: 5,
    });
    expect(b.statusCode).toBe(200);
    expect(b.json().id).toBe(a.json().id);
    expect((await post(app, "k2")).statusCode).toBe(201);
    expect((await post(app, "k2", {})).statusCode).toBe(200);
  });

  it("answers 422 idempotency_key_reused for the same key with another body", async () => {
    const { app } = setup(options);
    await post(app, "k", { pendingDurationMs: 1_000 });
    expectError(await post(app, "k", { pendingDurationMs: 2_000 }), 422, "idempotency_key_reused");
    expectError(
      await post(app, "k", { pendingDurationMs: 1_000, metadata: {} }),
      422,
      "idempotency_key_reused",
    );
  });

  it("keeps keys apart per API key", async () => {
    const { app } = setup({ ...options, apiKeys: ["alpha", "beta"] });
    const a = await post(app, "shared", { pendingDurationMs: 1 }, "alpha");
    const b = await post(app, "shared", { pendingDurationMs: 2 }, "beta");
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).not.toBe(b.json().id);
    expect((await post(app, "shared", { pendingDurationMs: 1 }, "alpha")).json().id).toBe(
      a.json().id,
    );
  });

  it("creates one job for concurrent requests with one key", async () => {
    const { app } = setup(options);
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(app, "race")));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
  });

  it("forgets a key after its TTL: the next request creates a new job", async () => {
    const { app, clock } = setup({ ...options, idempotencyTtlMs: 60_000 });
    const first = (await post(app, "k")).json<JobView>();
    clock.advance(59_999);
    expect((await post(app, "k")).json().id).toBe(first.id);
    clock.advance(1);
    const later = await post(app, "k", { pendingDurationMs: 1 });
    expect(later.statusCode).toBe(201);
    expect(later.json().id).not.toBe(first.id);
  });

  it("keeps memory bounded: the oldest key goes first", async () => {
    const idempotencyStore = new MemoryIdempotencyStore({ maxKeysPerScope: 2 });
    const { app } = setup({ ...options, idempotencyStore });
    const first = (await post(app, "a")).json<JobView>();
    await post(app, "b");
    await post(app, "c");
    expect(await idempotencyStore.get("", "a")).toBeUndefined();
    expect((await post(app, "a")).json().id).not.toBe(first.id);
    expect(() => new MemoryIdempotencyStore({ maxKeysPerScope: 0 })).toThrow("`maxKeysPerScope`");
  });

  it.each([
    ["empty", ""],
    ["a space", "a b"],
    ["256 characters", "k".repeat(256)],
    ["a non-ASCII character", "cl\u00e9"],
    ["a tab", "a\tb"],
  ])("answers 400 to a key with %s", async (_, key) => {
    const { app } = setup(options);
    const message = expectError(await post(app, key), 400, "invalid_request");
    expect(message).toContain("Idempotency-Key");
  });

  it("accepts 255 visible ASCII characters", async () => {
    const { app } = setup(options);
    const key = "!~".repeat(127) + "x";
    expect((await post(app, key)).statusCode).toBe(201);
    expect((await post(app, key)).statusCode).toBe(200);
  });

  it("answers 400 to a key sent twice", async () => {
    const { app } = setup(options);
    const response = await app.inject({
      method: "POST",
      url: "/jobs",
      headers: { "idempotency-key": ["a", "b"] as unknown as string },
    });
    expectError(response, 400, "invalid_request");
  });
});

describe("fingerprint", () => {
  it("ignores key order at every level, and nothing else", () => {
    expect(fingerprint({ a: 1, b: { c: [1, 2], d: null } })).toBe(
      fingerprint({ b: { d: null, c: [1, 2] }, a: 1 }),
    );
    expect(fingerprint({ a: [1, 2] })).not.toBe(fingerprint({ a: [2, 1] }));
    expect(fingerprint({ a: "1" })).not.toBe(fingerprint({ a: 1 }));
    expect(fingerprint({})).toMatch(/^[0-9a-f]{64}$/);
  });
});
