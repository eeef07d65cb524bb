import { describe, expect, it } from "vitest";
import { createJob, expectError } from "./helpers.js";
import { advance, pendingDeliveries, register, webhookApp } from "./webhook-helpers.js";

const RECEIVER = "http://receiver.test/hooks";
const KEY_A = "key-a-1234";
const KEY_B = "key-b-5678";

describe("webhook endpoints", () => {
  it("registers, lists without secrets, reads with its secret, and deletes", async () => {
    const { app } = webhookApp();
    const created = await app.inject({
      method: "POST",
      url: "/webhooks",
      payload: { url: RECEIVER, events: ["job.failed", "job.failed", "job.completed"] },
    });
    // uniqueItems refuses the repeated event.
    expectError(created, 400, "invalid_request");

    const response = await app.inject({
      method: "POST",
      url: "/webhooks",
      payload: { url: RECEIVER, events: ["job.failed", "job.completed"] },
    });
    expect(response.statusCode).toBe(201);
    const endpoint = response.json();
    expect(Object.keys(endpoint)).toEqual(["id", "url", "events", "createdAt", "secret"]);
    expect(endpoint).toMatchObject({ url: RECEIVER, events: ["job.failed", "job.completed"] });
    expect(endpoint.id).toMatch(/^wh_[A-Za-z0-9]{20}$/);
    expect(response.headers.location).toBe(`/webhooks/${endpoint.id}`);

    const everything = await register(app, { url: `${RECEIVER}/2` });
    expect(everything.events).toEqual([
      "job.completed",
      "job.failed",
      "job.cancelled",
      "video_translate.success",
      "video_translate.fail",
    ]);
    expect(everything.secret).not.toBe(endpoint.secret);

    const list = (await app.inject({ url: "/webhooks" })).json();
    expect(list.data.map((e: { id: string }) => e.id)).toEqual([endpoint.id, everything.id]);
    for (const item of list.data) expect(item).not.toHaveProperty("secret");

    expect((await app.inject({ url: `/webhooks/${endpoint.id}` })).json()).toEqual(endpoint);
    const deleted = await app.inject({ method: "DELETE", url: `/webhooks/${endpoint.id}` });
    expect(deleted.statusCode).toBe(200);
    expectError(await app.inject({ url: `/webhooks/${endpoint.id}` }), 404, "webhook_not_found");
    expectError(
      await app.inject({ method: "DELETE", url: `/webhooks/${endpoint.id}` }),
      404,
      "webhook_not_found",
    );
    expect((await app.inject({ url: "/webhooks" })).json().data).toHaveLength(1);
  });

  it("answers 400 with our error body for bad registrations", async () => {
    const { app } = webhookApp();
    const cases: Array<[unknown, string]> = [
      [{}, 'body is missing "url"'],
      [{ url: "ftp://example.com/hook" }, "body.url must be an absolute http or https URL"],
      [{ url: "example.com/hook" }, "body.url must be an absolute http or https URL"],
      [{ url: "javascript:alert(1)" }, "body.url must be an absolute http or https URL"],
      [{ url: "https://user:pw@example.com/" }, "body.url must not carry credentials"],
      [{ url: "" }, "body.url"],
      [{ url: 42 }, "body.url must be string"],
      [{ url: RECEIVER, events: [] }, "body.events"],
      [{ url: RECEIVER, events: ["job.exploded"] }, "body.events.0"],
      [{ url: RECEIVER, secret: "whsec_x" }, 'body has unknown field "secret"'],
    ];
    for (const [payload, message] of cases) {
      const response = await app.inject({
        method: "POST",
        url: "/webhooks",
        payload: payload as object,
      });
      expect(expectError(response, 400, "invalid_request")).toContain(message);
    }
    expect((await app.inject({ url: "/webhooks" })).json().data).toEqual([]);
  });

  it("answers 409 past the endpoint limit", async () => {
    const { app } = webhookApp();
    for (let i = 0; i < 20; i++) await register(app, { url: `${RECEIVER}/${i}` });
    const response = await app.inject({
      method: "POST",
      url: "/webhooks",
      payload: { url: RECEIVER },
    });
    expect(expectError(response, 409, "webhook_limit_reached")).toContain("20");
  });

  it("keeps endpoints, secrets, events and deliveries to the API key that made them", async () => {
    const { app, clock, sent } = webhookApp({ apiKeys: [KEY_A, KEY_B] });
    const a = { "x-api-key": KEY_A };
    const b = { "x-api-key": KEY_B };
    expectError(
      await app.inject({ method: "POST", url: "/webhooks", payload: { url: RECEIVER } }),
      401,
      "unauthorized",
    );
    const endpoint = await register(app, { url: `${RECEIVER}/a` }, a);

    expect((await app.inject({ url: "/webhooks", headers: b })).json()).toEqual({ data: [] });
    for (const url of [`/webhooks/${endpoint.id}`, `/webhooks/${endpoint.id}/deliveries`]) {
      expectError(await app.inject({ url, headers: b }), 404, "webhook_not_found");
    }
    expectError(
      await app.inject({ method: "DELETE", url: `/webhooks/${endpoint.id}`, headers: b }),
      404,
      "webhook_not_found",
    );
    const secretA = (await app.inject({ url: "/webhooks/secret", headers: a })).json().secret;
    const secretB = (await app.inject({ url: "/webhooks/secret", headers: b })).json().secret;
    expect(secretA).not.toBe(secretB);

    // B's job reaches B's callback only, never A's endpoint.
    const jobB = (
      await app.inject({
        method: "POST",
        url: "/jobs",
        headers: b,
        payload: { pendingDurationMs: 1_000, callbackUrl: `${RECEIVER}/b` },
      })
    ).json();
    const jobA = (
      await app.inject({
        method: "POST",
        url: "/jobs",
        headers: a,
        payload: { pendingDurationMs: 1_000 },
      })
    ).json();
    await advance(clock, 1_000);
    expect(sent.map((s) => s.url).sort()).toEqual([`${RECEIVER}/a`, `${RECEIVER}/b`]);
    expect(JSON.parse(sent.find((s) => s.url.endsWith("/a"))!.body).data.id).toBe(jobA.id);

    expectError(
      await app.inject({ url: `/jobs/${jobB.id}/deliveries`, headers: a }),
      404,
      "job_not_found",
    );
    expect(
      (await app.inject({ url: `/jobs/${jobB.id}/deliveries`, headers: b })).json().data,
    ).toHaveLength(1);
  });
});

describe("closing the app", () => {
  it("stops pending retries and attempts in flight, leaving no timer", async () => {
    const { app, clock, sent } = webhookApp({}, (_, request) =>
      request.url.endsWith("/hanging") ? "hang" : 500,
    );
    await register(app, { url: `${RECEIVER}/retrying` });
    await createJob(app, { callbackUrl: `${RECEIVER}/hanging` });
    await advance(clock, 10_000);
    // The endpoint's first attempt failed and waits for its retry; the callback hangs in flight.
    expect(sent.map((s) => s.url).sort()).toEqual([`${RECEIVER}/hanging`, `${RECEIVER}/retrying`]);
    expect(await pendingDeliveries(app)).toBe(2);
    const inFlight = sent.find((s) => s.url.endsWith("/hanging"))!;
    expect(inFlight.signal.aborted).toBe(false);

    await app.close();
    expect(inFlight.signal.aborted).toBe(true);
    expect(clock.timers).toBe(0);
    await advance(clock, 120_000);
    expect(sent).toHaveLength(2);
  });

  it("unwatches jobs still pending", async () => {
    const { app, clock, sent } = webhookApp();
    await register(app, { url: RECEIVER });
    await createJob(app);
    // The job's end is the one wake-up the app has.
    expect(clock.timers).toBe(1);
    await app.close();
    expect(clock.timers).toBe(0);
    await advance(clock, 20_000);
    expect(sent).toHaveLength(0);
  });
});
