import { describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { JobView } from "../src/index.js";
import { ApiKeys, presentedKey } from "../src/auth/api-keys.js";
import { expectError, parseEvents, setup } from "./helpers.js";

const ALPHA = "sk_alpha_0123456789";
const BETA = "sk_beta_9876543210";
const alpha = { "x-api-key": ALPHA };
const beta = { authorization: `Bearer ${BETA}` };
const options = { apiKeys: [ALPHA, BETA], pendingDurationMs: 0, errorProbability: 0 };

async function createAs(app: FastifyInstance, headers: Record<string, string>): Promise<JobView> {
  const response = await app.inject({ method: "POST", url: "/jobs", headers });
  expect(response.statusCode).toBe(201);
  return response.json<JobView>();
}

function expectUnauthorized(response: Parameters<typeof expectError>[0]): string {
  const message = expectError(response, 401, "unauthorized");
  expect(response.headers["www-authenticate"]).toBe("Bearer");
  return message;
}

describe("API_KEYS", () => {
  it("answers 401 without a key, on every route, known or not", async () => {
    const { app } = setup(options);
    for (const [method, url] of [
      ["GET", "/status"],
      ["GET", "/status/events"],
      ["GET", "/jobs"],
      ["POST", "/jobs"],
      ["GET", "/jobs/job_abc"],
      ["GET", "/jobs/job_abc/events"],
      ["DELETE", "/jobs/job_abc"],
      ["GET", "/nope"],
      ["PUT", "/status"],
    ] as const) {
      const message = expectUnauthorized(await app.inject({ method, url }));
      expect(message).toContain("X-Api-Key");
    }
    const head = await app.inject({ method: "HEAD", url: "/jobs/job_abc" });
    expect(head.statusCode).toBe(401);
    expect(head.headers["www-authenticate"]).toBe("Bearer");
  });

  it("answers 401 to a wrong key in either header, another scheme, or two keys that differ", async () => {
    const { app } = setup(options);
    for (const headers of [
      { "x-api-key": "sk_wrong" },
      { "x-api-key": ALPHA.slice(0, -1) },
      { "x-api-key": `${ALPHA} ` },
      { authorization: "Bearer sk_wrong" },
      { authorization: `Basic ${Buffer.from(`${ALPHA}:`).toString("base64")}` },
      { authorization: ALPHA },
      { "x-api-key": ALPHA, authorization: `Bearer ${BETA}` },
    ]) {
      expectUnauthorized(await app.inject({ url: "/status", headers }));
    }
  });

  it("lets a valid key through in X-Api-Key or Authorization: Bearer", async () => {
    const { app } = setup(options);
    for (const headers of [
      alpha,
      beta,
      { authorization: `bearer ${ALPHA}` },
      { "x-api-key": BETA, authorization: `Bearer ${BETA}` },
    ]) {
      expect((await app.inject({ url: "/status", headers })).statusCode).toBe(200);
    }
  });

  it("leaves /healthz open", async () => {
    const { app } = setup(options);
    const response = await app.inject({ url: "/healthz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
    expect((await app.inject({ method: "HEAD", url: "/healthz" })).statusCode).toBe(200);
  });

  it("hides another key's job as not found: read, long-poll, events, cancel", async () => {
    const { app } = setup({ ...options, pendingDurationMs: 10_000 });
    const job = await createAs(app, alpha);
    const missing = "job_00000000000000000000";
    for (const [method, path, extra] of [
      ["GET", "", {}],
      ["GET", "", { prefer: "wait=5" }],
      ["GET", "/events", {}],
      ["DELETE", "", {}],
    ] as const) {
      const theirs = await app.inject({
        method,
        url: `/jobs/${job.id}${path}`,
        headers: { ...beta, ...extra },
      });
      const none = await app.inject({
        method,
        url: `/jobs/${missing}${path}`,
        headers: { ...beta, ...extra },
      });
      expectError(theirs, 404, "job_not_found");
      // Nothing tells the two apart but the id.
      expect(theirs.body.replace(job.id, missing)).toBe(none.body);
    }
    // Still pending for its owner: the other key's cancel did nothing.
    const own = await app.inject({ url: `/jobs/${job.id}`, headers: alpha });
    expect(own.json()).toMatchObject({ id: job.id, status: "pending" });
  });

  it("lists each key's jobs only, and refuses another key's cursor", async () => {
    const { app } = setup(options);
    const mine = [await createAs(app, alpha), await createAs(app, alpha)];
    const theirs = await createAs(app, beta);
    const page = await app.inject({ url: "/jobs?limit=1", headers: alpha });
    expect(page.json().data.map((j: JobView) => j.id)).toEqual([mine[0]!.id]);
    const next = await app.inject({
      url: `/jobs?cursor=${page.json().nextCursor}`,
      headers: alpha,
    });
    expect(next.json()).toEqual({
      data: [expect.objectContaining({ id: mine[1]!.id })],
      nextCursor: null,
    });
    const other = await app.inject({ url: "/jobs", headers: beta });
    expect(other.json().data.map((j: JobView) => j.id)).toEqual([theirs.id]);
    const stolen = await app.inject({
      url: `/jobs?cursor=${page.json().nextCursor}`,
      headers: beta,
    });
    expectError(stolen, 400, "invalid_request");
  });

  it("lets every valid key read /status and its events", async () => {
    const { app } = setup(options);
    const a = await app.inject({ url: "/status", headers: alpha });
    const b = await app.inject({ url: "/status", headers: beta });
    expect(a.json()).toEqual(b.json());
    const events = await app.inject({ url: "/status/events", headers: beta });
    expect(parseEvents(events.body).map((e) => e.event)).toEqual(["done"]);
  });

  it("keeps one key's fault settings off another key's requests", async () => {
    const { app } = setup({ ...options, pendingDurationMs: 10_000 });
    const response = await app.inject({
      method: "POST",
      url: "/jobs",
      headers: alpha,
      payload: { faultRate: 1, faultKinds: ["503"] },
    });
    const { id } = response.json<JobView>();
    expect((await app.inject({ url: `/jobs/${id}`, headers: alpha })).statusCode).toBe(503);
    expectError(await app.inject({ url: `/jobs/${id}`, headers: beta }), 404, "job_not_found");
  });

  it("is off without keys: no header needed, every job visible", async () => {
    const { app } = setup({ ...options, apiKeys: [] });
    const response = await app.inject({ method: "POST", url: "/jobs" });
    expect(response.statusCode).toBe(201);
    expect((await app.inject({ url: "/jobs" })).json().data).toHaveLength(1);
  });
});

describe("ApiKeys", () => {
  it("maps each key to a stable owner id that does not contain it", () => {
    const keys = new ApiKeys([ALPHA, BETA, ALPHA]);
    expect(keys.enabled).toBe(true);
    const owner = keys.ownerOf(ALPHA)!;
    expect(owner).toMatch(/^key_[0-9a-f]{32}$/);
    expect(owner).not.toContain(ALPHA);
    expect(new ApiKeys([BETA, ALPHA]).ownerOf(ALPHA)).toBe(owner);
    expect(keys.ownerOf(BETA)).not.toBe(owner);
    for (const wrong of ["", "x", ALPHA.toUpperCase(), "a".repeat(10_000)]) {
      expect(keys.ownerOf(wrong)).toBeUndefined();
    }
    expect(new ApiKeys([]).enabled).toBe(false);
  });

  it("reads the presented key from X-Api-Key or a Bearer token", () => {
    expect(presentedKey({ "x-api-key": "k" })).toEqual({ key: "k" });
    expect(presentedKey({ authorization: "Bearer  k " })).toEqual({ key: "k" });
    expect(presentedKey({ "x-api-key": "k", authorization: "Bearer k" })).toEqual({ key: "k" });
    expect(presentedKey({})).toHaveProperty("problem");
    expect(presentedKey({ authorization: "Token k" })).toHaveProperty("problem");
    expect(presentedKey({ "x-api-key": "k", authorization: "Bearer j" })).toHaveProperty("problem");
  });
});
