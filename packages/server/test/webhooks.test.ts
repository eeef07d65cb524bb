import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { createJob, expectError, scripted } from "./helpers.js";
import { advance, pendingDeliveries, register, webhookApp, type Sent } from "./webhook-helpers.js";

const RECEIVER = "http://receiver.test/hooks";

function verify(secret: string, sent: Sent): unknown {
  return new Webhook(secret).verify(sent.body, sent.headers);
}

async function deliveries(app: Parameters<typeof register>[0], url: string) {
  const response = await app.inject({ url });
  expect(response.statusCode).toBe(200);
  return response.json<{ data: Array<Record<string, unknown>> }>().data;
}

describe("webhook delivery", () => {
  it("sends a signed job.completed when the job ends, not before", async () => {
    const { app, clock, sent } = webhookApp();
    const endpoint = await register(app, { url: RECEIVER });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const job = await createJob(app);

    await advance(clock, 9_999);
    expect(sent).toHaveLength(0);
    await advance(clock, 1);
    expect(sent).toHaveLength(1);
    const [request] = sent as [Sent];
    expect(request.url).toBe(RECEIVER);
    expect(request.at).toBe(Date.parse(job.createdAt) + 10_000);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["webhook-id"]).toMatch(/^msg_[A-Za-z0-9]{20}$/);
    expect(request.headers["webhook-timestamp"]).toBe(String(Math.floor(request.at / 1_000)));

    const payload = verify(endpoint.secret, request);
    expect(payload).toEqual({
      type: "job.completed",
      timestamp: new Date(request.at).toISOString(),
      data: (await app.inject({ url: `/jobs/${job.id}` })).json(),
    });
    expect(payload).toMatchObject({ data: { id: job.id, status: "completed" } });
  });

  it("signs so that a tampered body, another secret or a stale timestamp is refused", async () => {
    const { app, clock, sent } = webhookApp();
    const endpoint = await register(app, { url: RECEIVER });
    await createJob(app, { pendingDurationMs: 1_000 });
    await advance(clock, 1_000);
    const [request] = sent as [Sent];
    expect(() => verify(endpoint.secret, request)).not.toThrow();

    const tampered = { ...request, body: request.body.replace('"completed"', '"error"') };
    expect(tampered.body).not.toBe(request.body);
    expect(() => verify(endpoint.secret, tampered)).toThrow(WebhookVerificationError);
    const other = (await register(app, { url: RECEIVER })).secret;
    expect(() => verify(other, request)).toThrow("No matching signature found");
    const reused = { ...request, headers: { ...request.headers, "webhook-id": "msg_other" } };
    expect(() => verify(endpoint.secret, reused)).toThrow(WebhookVerificationError);
  });

  it("signs with the time of the attempt: a receiver refuses one ten minutes old", async () => {
    // The simulator's clock runs ten minutes behind the receiver's.
    const { app, clock, sent } = webhookApp({}, undefined, Date.now() - 600_000);
    const endpoint = await register(app, { url: RECEIVER });
    await createJob(app, { pendingDurationMs: 1_000 });
    await advance(clock, 1_000);
    expect(() => verify(endpoint.secret, sent[0]!)).toThrow("Message timestamp too old");
  });

  it("retries after a 500 with the same webhook-id, and shows every attempt", async () => {
    const { app, clock, sent } = webhookApp({}, (n) => (n === 1 ? 500 : 200));
    const endpoint = await register(app, { url: RECEIVER });
    const job = await createJob(app);
    await advance(clock, 10_000);
    expect(sent).toHaveLength(1);
    const firstAt = sent[0]!.at;

    // webhookRandom 0: the retry comes after half the 1 s backoff, to the millisecond.
    await advance(clock, 499);
    expect(sent).toHaveLength(1);
    await advance(clock, 1);
    expect(sent).toHaveLength(2);
    const [first, second] = sent as [Sent, Sent];
    expect(second.at).toBe(firstAt + 500);
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(second.body).toBe(first.body);
    expect(second.headers["webhook-timestamp"]).not.toBe(undefined);
    expect(() => verify(endpoint.secret, second)).not.toThrow();

    const eventId = first.headers["webhook-id"];
    expect(await deliveries(app, `/webhooks/${endpoint.id}/deliveries`)).toEqual([
      {
        eventId,
        eventType: "job.completed",
        jobId: job.id,
        webhookId: endpoint.id,
        url: RECEIVER,
        attempt: 1,
        attemptedAt: new Date(firstAt).toISOString(),
        statusCode: 500,
        error: null,
        durationMs: 0,
        outcome: "retrying",
        nextRetryAt: new Date(firstAt + 500).toISOString(),
      },
      {
        eventId,
        eventType: "job.completed",
        jobId: job.id,
        webhookId: endpoint.id,
        url: RECEIVER,
        attempt: 2,
        attemptedAt: new Date(firstAt + 500).toISOString(),
        statusCode: 200,
        error: null,
        durationMs: 0,
        outcome: "delivered",
        nextRetryAt: null,
      },
    ]);
    expect(await pendingDeliveries(app)).toBe(0);
  });

  it("stops after webhookMaxAttempts, backing off exponentially with jitter", async () => {
    const { app, clock, sent } = webhookApp(
      { webhookMaxAttempts: 4, webhookRandom: () => 1 },
      () => 503,
    );
    const endpoint = await register(app, { url: RECEIVER });
    await createJob(app);
    await advance(clock, 10_000);
    for (let i = 0; i < 20; i++) await advance(clock, 1_000);
    expect(sent).toHaveLength(4);
    const gaps = sent.slice(1).map((request, i) => request.at - sent[i]!.at);
    // random 1: the whole backoff, 1 s doubling.
    expect(gaps).toEqual([1_000, 2_000, 4_000]);
    const attempts = await deliveries(app, `/webhooks/${endpoint.id}/deliveries`);
    expect(attempts.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 503, "retrying"],
      [2, 503, "retrying"],
      [3, 503, "retrying"],
      [4, 503, "failed"],
    ]);
    expect(attempts.at(-1)!.nextRetryAt).toBeNull();
    expect(await pendingDeliveries(app)).toBe(0);
    expect(clock.timers).toBe(0);
  });

  it("times an attempt out on the scheduler and retries it", async () => {
    const { app, clock, sent } = webhookApp({ webhookTimeoutMs: 2_000 }, (n) =>
      n === 1 ? "hang" : 204,
    );
    const endpoint = await register(app, { url: RECEIVER });
    await createJob(app);
    await advance(clock, 10_000);
    await advance(clock, 1_999);
    expect(sent[0]!.signal.aborted).toBe(false);
    await advance(clock, 1);
    expect(sent[0]!.signal.aborted).toBe(true);
    await advance(clock, 500);
    expect(sent).toHaveLength(2);
    const attempts = await deliveries(app, `/webhooks/${endpoint.id}/deliveries`);
    expect(attempts[0]).toMatchObject({
      statusCode: null,
      error: "timed out after 2000 ms",
      durationMs: 2_000,
      outcome: "retrying",
    });
    expect(attempts[1]).toMatchObject({ statusCode: 204, outcome: "delivered" });
  });

  it("records a refused connection as an error and follows no redirect", async () => {
    const refused = Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    });
    const { app, clock } = webhookApp({ webhookMaxAttempts: 2 }, (n) => (n === 1 ? refused : 302));
    const endpoint = await register(app, { url: RECEIVER });
    await createJob(app);
    await advance(clock, 10_000);
    await advance(clock, 500);
    const attempts = await deliveries(app, `/webhooks/${endpoint.id}/deliveries`);
    expect(attempts.map((a) => [a.statusCode, a.error, a.outcome])).toEqual([
      [null, "ECONNREFUSED", "retrying"],
      [302, null, "failed"],
    ]);
  });

  it("sends job.failed and job.cancelled, each only to endpoints that asked for it", async () => {
    const { app, clock, sent } = webhookApp();
    const all = await register(app, { url: `${RECEIVER}/all` });
    const cancels = await register(app, { url: `${RECEIVER}/cancels`, events: ["job.cancelled"] });
    const failed = await createJob(app, { errorProbability: 1, pendingDurationMs: 1_000 });
    const cancelled = await createJob(app);

    await advance(clock, 500);
    const response = await app.inject({ method: "DELETE", url: `/jobs/${cancelled.id}` });
    expect(response.statusCode).toBe(200);
    await advance(clock, 0);
    expect(sent.map((s) => s.url).sort()).toEqual([`${RECEIVER}/all`, `${RECEIVER}/cancels`]);
    for (const request of sent) {
      const secret = request.url.endsWith("/all") ? all.secret : cancels.secret;
      expect(verify(secret, request)).toMatchObject({
        type: "job.cancelled",
        data: { id: cancelled.id, status: "cancelled", progress: 0.05 },
      });
    }
    // Both endpoints got the same event: one webhook-id.
    expect(sent[0]!.headers["webhook-id"]).toBe(sent[1]!.headers["webhook-id"]);

    await advance(clock, 500);
    expect(sent).toHaveLength(3);
    expect(sent[2]!.url).toBe(`${RECEIVER}/all`);
    expect(verify(all.secret, sent[2]!)).toMatchObject({
      type: "job.failed",
      data: { id: failed.id, status: "error", error: { code: expect.any(String) } },
    });
    // The cancelled job's original end passes without a second event.
    await advance(clock, 20_000);
    expect(sent).toHaveLength(3);
  });

  it("never holds a request: a cancel is answered while its webhook hangs", async () => {
    const { app, sent } = webhookApp({}, () => "hang");
    await register(app, { url: RECEIVER });
    const job = await createJob(app);
    const response = await app.inject({ method: "DELETE", url: `/jobs/${job.id}` });
    expect(response.statusCode).toBe(200);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.signal.aborted).toBe(false);
    expect(await pendingDeliveries(app)).toBe(1);
  });

  it("tells an endpoint about the jobs created after it was registered", async () => {
    const { app, clock, sent } = webhookApp();
    await createJob(app, { pendingDurationMs: 1_000 });
    await register(app, { url: RECEIVER });
    const later = await createJob(app, { pendingDurationMs: 1_000 });
    await advance(clock, 1_000);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body)).toMatchObject({ data: { id: later.id } });
  });

  it("drops the pending retries of a deleted endpoint, and its history", async () => {
    const { app, clock, sent } = webhookApp({}, () => 500);
    const endpoint = await register(app, { url: RECEIVER });
    await createJob(app);
    await advance(clock, 10_000);
    expect(await pendingDeliveries(app)).toBe(1);
    const response = await app.inject({ method: "DELETE", url: `/webhooks/${endpoint.id}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).not.toHaveProperty("secret");
    expect(await pendingDeliveries(app)).toBe(0);
    await advance(clock, 60_000);
    expect(sent).toHaveLength(1);
    expectError(
      await app.inject({ url: `/webhooks/${endpoint.id}/deliveries` }),
      404,
      "webhook_not_found",
    );
  });
});

describe("per-job callbackUrl", () => {
  it("delivers to the job's callbackUrl, signed with the secret of GET /webhooks/secret", async () => {
    const { app, clock, sent } = webhookApp({}, (n) => (n === 1 ? 500 : 204));
    const { secret } = (await app.inject({ url: "/webhooks/secret" })).json<{ secret: string }>();
    expect(secret).toMatch(/^whsec_/);
    // The same secret on every read.
    expect((await app.inject({ url: "/webhooks/secret" })).json()).toEqual({ secret });
    const job = await createJob(app, { callbackUrl: `${RECEIVER}?job=1` });
    await advance(clock, 10_000);
    await advance(clock, 500);
    expect(sent.map((s) => s.url)).toEqual([`${RECEIVER}?job=1`, `${RECEIVER}?job=1`]);
    expect(verify(secret, sent[1]!)).toMatchObject({ type: "job.completed", data: { id: job.id } });
    const attempts = await deliveries(app, `/jobs/${job.id}/deliveries`);
    expect(attempts.map((a) => [a.webhookId, a.attempt, a.statusCode, a.outcome])).toEqual([
      [null, 1, 500, "retrying"],
      [null, 2, 204, "delivered"],
    ]);
  });

  it("signs with webhookSecret when it is set", async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    const { app, clock, sent } = webhookApp({ webhookSecret: secret });
    expect((await app.inject({ url: "/webhooks/secret" })).json()).toEqual({ secret });
    await createJob(app, { callbackUrl: RECEIVER, pendingDurationMs: 0 });
    await advance(clock, 0);
    expect(verify(secret, sent[0]!)).toMatchObject({ type: "job.completed" });
  });

  it("answers 400 for a callbackUrl that is not http(s), and an empty list for a job without", async () => {
    const { app, clock } = webhookApp();
    for (const callbackUrl of ["ftp://example.com/x", "not a url", "/relative", "http://u:p@h/"]) {
      const response = await app.inject({ method: "POST", url: "/jobs", payload: { callbackUrl } });
      expect(expectError(response, 400, "invalid_request")).toContain("body.callbackUrl");
    }
    const long = `http://example.com/${"a".repeat(2_048)}`;
    const response = await app.inject({
      method: "POST",
      url: "/jobs",
      payload: { callbackUrl: long },
    });
    expectError(response, 400, "invalid_request");
    const job = await createJob(app);
    expect(await deliveries(app, `/jobs/${job.id}/deliveries`)).toEqual([]);
    // No endpoint and no callback: nothing to wake up for.
    expect(clock.timers).toBe(0);
    expectError(await app.inject({ url: "/jobs/job_missing/deliveries" }), 404, "job_not_found");
  });
});

describe("HeyGen jobs", () => {
  it("get video_translate.success and .fail with HeyGen's payload", async () => {
    // Outcomes drawn in order (two draws a job, /status first): completed, then failed.
    const { app, clock, sent } = webhookApp({
      pendingDurationMs: 1_000,
      errorProbability: 0.5,
      random: scripted([0.99, 0, 0.99, 0, 0, 0]),
    });
    const endpoint = await register(app, {
      url: RECEIVER,
      events: ["video_translate.success", "video_translate.fail"],
    });
    const create = async (payload: object) => {
      const response = await app.inject({ method: "POST", url: "/v2/video_translate", payload });
      expect(response.statusCode).toBe(200);
      return response.json().data.video_translate_id as string;
    };
    const video_url = "https://example.com/talk.mp4";
    const callback_url = `${RECEIVER}/callback`;
    const successId = await create({
      video_url,
      output_language: "French",
      callback_id: "cb-1",
      callback_url,
    });
    const failureId = await create({ video_url, output_language: "German", callback_url });
    await advance(clock, 1_000);
    expect(sent).toHaveLength(4);
    const callbackSecret = (await app.inject({ url: "/webhooks/secret" })).json().secret;
    // Callbacks are signed with the callback secret, endpoints with their own.
    const bodies = sent.map((request) =>
      verify(request.url.endsWith("/callback") ? callbackSecret : endpoint.secret, request),
    );
    expect(bodies).toContainEqual({
      event_type: "video_translate.success",
      event_data: {
        video_translate_id: successId,
        url: `https://videos.simulator.invalid/translations/${successId}.mp4`,
        callback_id: "cb-1",
        output_language: "French",
      },
    });
    expect(bodies).toContainEqual({
      event_type: "video_translate.fail",
      event_data: {
        video_translate_id: failureId,
        message: "Could not extract an audio track from the source video",
        callback_id: null,
        output_language: "German",
      },
    });
  });
});
