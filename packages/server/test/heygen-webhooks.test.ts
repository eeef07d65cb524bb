import type { FastifyInstance } from "fastify";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { HEYGEN_V3_EVENT_NAMES } from "../src/heygen/webhooks/event-types.js";
import { expectHeygenError } from "../../../test/support/heygen-error.js";
import { createJob, expectError, type FakeClock } from "./helpers.js";
import { advance, register, webhookApp, type Sent } from "./webhook-helpers.js";

const RECEIVER = "http://receiver.test/heygen";
const ENDPOINTS = "/v3/webhooks/endpoints";
/**
 * Long enough for any job of these tests to end and every retry to be made, and short enough
 * for a receiver on the real clock to take the signature's timestamp (five minutes).
 */
const A_WHILE = 120_000;

/** Lets `ms` pass in small steps, so that each retry runs before the next is due. */
async function pass(clock: FakeClock, ms: number): Promise<void> {
  for (let passed = 0; passed < ms; passed += 250) await advance(clock, 250);
}

interface EndpointView {
  endpoint_id: string;
  url: string;
  events: string[] | null;
  status: string;
  created_at: string;
  secret: string | null;
}

async function createEndpoint(
  app: FastifyInstance,
  body: object = { url: RECEIVER },
  headers: Record<string, string> = {},
): Promise<EndpointView> {
  const response = await app.inject({ method: "POST", url: ENDPOINTS, payload: body, headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: EndpointView }>().data;
}

/** A video translation created the way HeyGen documents it; its id. */
async function translate(app: FastifyInstance, language = "Spanish"): Promise<string> {
  const response = await app.inject({
    method: "POST",
    url: "/v3/video-translations",
    payload: {
      video: { type: "url", url: "https://example.com/talk.mp4" },
      output_languages: [language],
      callback_id: `order-${language}`,
    },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: { video_translation_ids: string[] } }>().data
    .video_translation_ids[0]!;
}

function payloadOf(secret: string, sent: Sent) {
  return new Webhook(secret).verify(sent.body, sent.headers) as {
    event_type: string;
    event_data: Record<string, unknown>;
  };
}

describe("HeyGen's webhook endpoints", () => {
  it("creates an endpoint in the spec's shape, with its secret shown once", async () => {
    const { app } = webhookApp();
    const endpoint = await createEndpoint(app);
    expect(endpoint).toEqual({
      endpoint_id: expect.stringMatching(/^wh_[A-Za-z0-9]{20}$/),
      url: RECEIVER,
      events: null,
      status: "enabled",
      created_at: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    expect(Date.parse(endpoint.created_at)).not.toBeNaN();

    const listed = await app.inject(ENDPOINTS);
    expect(listed.json()).toEqual({
      data: [{ ...endpoint, secret: null }],
      has_more: false,
      next_token: null,
    });
    // HeyGen's endpoints are HeyGen's: our own API neither lists nor reads them.
    expect((await app.inject("/webhooks")).json()).toEqual({ data: [] });
    expectError(await app.inject(`/webhooks/${endpoint.endpoint_id}`), 404, "webhook_not_found");
    const own = await register(app, { url: RECEIVER });
    expect((await app.inject(ENDPOINTS)).json().data).toHaveLength(1);
    expectHeygenError(
      await app.inject({ method: "DELETE", url: `${ENDPOINTS}/${own.id}` }),
      404,
      "not_found",
    );
  });

  it("keeps the events asked for, once each, and takes a null entity_id", async () => {
    const { app } = webhookApp();
    const endpoint = await createEndpoint(app, {
      url: RECEIVER,
      events: ["video_translate.fail", "avatar_video.success", "video_translate.fail"],
      entity_id: null,
    });
    expect(endpoint.events).toEqual(["video_translate.fail", "avatar_video.success"]);
  });

  it("refuses bad requests with validation_error, naming the field", async () => {
    const { app } = webhookApp();
    const post = (payload: object) => app.inject({ method: "POST", url: ENDPOINTS, payload });
    expect(expectHeygenError(await post({}), 400, "validation_error")).toContain('"url"');
    expect(
      expectHeygenError(await post({ url: RECEIVER, secret: "x" }), 400, "validation_error"),
    ).toBe('body has unknown field "secret"');
    expect(
      expectHeygenError(
        await post({ url: RECEIVER, events: ["job.completed"] }),
        400,
        "validation_error",
      ),
    ).toContain("body.events.0");
    expectHeygenError(await post({ url: RECEIVER, events: [] }), 400, "validation_error");
    expect(
      expectHeygenError(await post({ url: "ftp://x.test/" }), 400, "validation_error"),
    ).toContain("body.url");
    expectHeygenError(await post({ url: 42 }), 400, "validation_error");
    const text = await app.inject({
      method: "POST",
      url: ENDPOINTS,
      payload: "url=x",
      headers: { "content-type": "text/plain" },
    });
    expectHeygenError(text, 415, "unsupported_media_type");
  });

  it("answers not_found for an unknown endpoint, whatever the method", async () => {
    const { app } = webhookApp();
    const id = "wh_AAAAAAAAAAAAAAAAAAAA";
    for (const [method, url] of [
      ["PATCH", `${ENDPOINTS}/${id}`],
      ["DELETE", `${ENDPOINTS}/${id}`],
      ["POST", `${ENDPOINTS}/${id}/rotate-secret`],
      ["POST", `${ENDPOINTS}/nonsense/rotate-secret`],
    ] as const) {
      const response = await app.inject({ method, url, payload: {} });
      expect(expectHeygenError(response, 404, "not_found")).toContain("No webhook endpoint");
    }
  });

  it("changes the URL and replaces the events; a field left out or null is kept", async () => {
    const { app } = webhookApp();
    const endpoint = await createEndpoint(app, { url: RECEIVER, events: ["video_translate.fail"] });
    const patch = (payload: object) =>
      app.inject({ method: "PATCH", url: `${ENDPOINTS}/${endpoint.endpoint_id}`, payload });

    const moved = await patch({ url: "http://receiver.test/moved" });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toEqual({
      data: { ...endpoint, url: "http://receiver.test/moved", secret: null },
    });
    const replaced = await patch({ url: null, events: ["video_translate.success"] });
    expect(replaced.json().data).toMatchObject({
      url: "http://receiver.test/moved",
      events: ["video_translate.success"],
    });
    expect((await patch({})).json().data.events).toEqual(["video_translate.success"]);
    expectHeygenError(await patch({ url: "not a url" }), 400, "validation_error");
    expectHeygenError(await patch({ status: "disabled" }), 400, "validation_error");
    expect((await app.inject(ENDPOINTS)).json().data[0].url).toBe("http://receiver.test/moved");
  });

  it("deletes an endpoint: {data: {}}, then not_found", async () => {
    const { app } = webhookApp();
    const endpoint = await createEndpoint(app);
    const url = `${ENDPOINTS}/${endpoint.endpoint_id}`;
    const deleted = await app.inject({ method: "DELETE", url });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ data: {} });
    expectHeygenError(await app.inject({ method: "DELETE", url }), 404, "not_found");
    expect((await app.inject(ENDPOINTS)).json().data).toEqual([]);
  });

  it("pages the list: 10 by default, then next_token", async () => {
    const { app, clock } = webhookApp();
    const created: EndpointView[] = [];
    for (let i = 0; i < 12; i++) {
      created.push(await createEndpoint(app, { url: `${RECEIVER}/${i}` }));
      await advance(clock, 1);
    }
    const first = (await app.inject(ENDPOINTS)).json();
    expect(first.data.map((e: EndpointView) => e.url)).toEqual(
      created.slice(0, 10).map((e) => e.url),
    );
    expect(first.has_more).toBe(true);
    expect(first.next_token).toEqual(expect.any(String));
    const second = (await app.inject(`${ENDPOINTS}?limit=5&token=${first.next_token}`)).json();
    expect(second.data.map((e: EndpointView) => e.endpoint_id)).toEqual(
      created.slice(10).map((e) => e.endpoint_id),
    );
    expect(second).toMatchObject({ has_more: false, next_token: null });
    // A token marks a place, not an offset: deleting before it moves nothing.
    await app.inject({ method: "DELETE", url: `${ENDPOINTS}/${created[0]!.endpoint_id}` });
    const again = (await app.inject(`${ENDPOINTS}?token=${first.next_token}`)).json();
    expect(again.data).toHaveLength(2);
    const three = (await app.inject(`${ENDPOINTS}?limit=3`)).json();
    expect(three.data).toHaveLength(3);

    for (const query of ["limit=0", "limit=101", "limit=ten", "token=bm9wZQ", "sort=asc"]) {
      expectHeygenError(await app.inject(`${ENDPOINTS}?${query}`), 400, "validation_error");
    }
  });

  it("rotates the secret: the next delivery is signed with the new one only", async () => {
    const { app, clock, sent } = webhookApp();
    const endpoint = await createEndpoint(app);
    const rotate = await app.inject({
      method: "POST",
      url: `${ENDPOINTS}/${endpoint.endpoint_id}/rotate-secret`,
    });
    expect(rotate.statusCode).toBe(200);
    const { data } = rotate.json<{ data: { endpoint_id: string; secret: string } }>();
    expect(data).toEqual({
      endpoint_id: endpoint.endpoint_id,
      secret: expect.stringMatching(/^whsec_/),
    });
    expect(data.secret).not.toBe(endpoint.secret);

    await translate(app);
    await advance(clock, A_WHILE);
    expect(sent).toHaveLength(1);
    expect(payloadOf(data.secret, sent[0]!).event_type).toBe("video_translate.success");
    expect(() => payloadOf(endpoint.secret!, sent[0]!)).toThrow("No matching signature found");
  });

  it("keeps each key's endpoints to itself, and answers unauthorized without a key", async () => {
    const { app } = webhookApp({ apiKeys: ["key-a", "key-b"] });
    const a = { "x-api-key": "key-a" };
    const b = { "x-api-key": "key-b" };
    const endpoint = await createEndpoint(app, { url: "https://hooks.example.com/" }, a);
    expect((await app.inject({ url: ENDPOINTS, headers: b })).json().data).toEqual([]);
    const url = `${ENDPOINTS}/${endpoint.endpoint_id}`;
    expectHeygenError(await app.inject({ method: "DELETE", url, headers: b }), 404, "not_found");
    expectHeygenError(await app.inject(ENDPOINTS), 401, "unauthorized");
    // With keys on, the server is shared: no webhooks into its own network.
    const local = await app.inject({
      method: "POST",
      url: ENDPOINTS,
      payload: { url: "http://127.0.0.1:9/" },
      headers: a,
    });
    expect(expectHeygenError(local, 400, "validation_error")).toContain("loopback");
  });

  it("answers conflict past the endpoints a key may have", async () => {
    const { app } = webhookApp();
    for (let i = 0; i < 20; i++) await createEndpoint(app);
    const response = await app.inject({
      method: "POST",
      url: ENDPOINTS,
      payload: { url: RECEIVER },
    });
    expectHeygenError(response, 409, "conflict");
  });
});

describe("HeyGen's event types", () => {
  it("lists every type of the spec with a description, in one page", async () => {
    const { app } = webhookApp();
    const response = await app.inject("/v3/webhooks/event-types");
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      data: Array<{ event_type: string; description: string }>;
      has_more: boolean;
      next_token: null;
    }>();
    expect(body.data.map((type) => type.event_type)).toEqual(HEYGEN_V3_EVENT_NAMES);
    expect(body.data).toHaveLength(30);
    for (const type of body.data) expect(type.description.length).toBeGreaterThan(10);
    expect(body).toMatchObject({ has_more: false, next_token: null });
  });
});

describe("HeyGen's endpoints hear the jobs' HeyGen events", () => {
  it("a translation's end reaches an endpoint for all events, signed, in HeyGen's payload", async () => {
    const { app, clock, sent } = webhookApp();
    const endpoint = await createEndpoint(app);
    const id = await translate(app);
    // A job of our own API raises job.completed, which a HeyGen receiver could not read.
    await createJob(app);
    await advance(clock, A_WHILE);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(RECEIVER);
    expect(payloadOf(endpoint.secret!, sent[0]!)).toEqual({
      event_type: "video_translate.success",
      event_data: {
        video_translate_id: id,
        url: expect.stringContaining(id),
        callback_id: "order-Spanish",
        output_language: "Spanish",
      },
    });
  });

  it("an endpoint hears only the event types it subscribed to", async () => {
    const { app, clock, sent } = webhookApp();
    await createEndpoint(app, { url: RECEIVER, events: ["video_translate.fail"] });
    await translate(app);
    await advance(clock, A_WHILE);
    expect(sent).toHaveLength(0);
  });

  it("an endpoint scoped to a running translation hears it, and no other", async () => {
    const { app, clock, sent } = webhookApp();
    const id = await translate(app, "French");
    await translate(app, "German");
    await advance(clock, 1_000);
    // Registered after the job was created: an unscoped endpoint would not hear it.
    const endpoint = await createEndpoint(app, { url: RECEIVER, entity_id: id });
    await advance(clock, A_WHILE);
    expect(sent.map((request) => payloadOf(endpoint.secret!, request).event_data)).toEqual([
      expect.objectContaining({ video_translate_id: id, output_language: "French" }),
    ]);
  });
});

describe("HeyGen's list of events sent", () => {
  it("lists each event once, newest first, from the deliveries, failed ones included", async () => {
    // The receiver refuses everything for one endpoint and takes everything for the other.
    const { app, clock, sent } = webhookApp({}, (_, request) =>
      request.url.endsWith("/down") ? 500 : 204,
    );
    const up = await createEndpoint(app);
    await createEndpoint(app, { url: `${RECEIVER}/down` });
    const first = await translate(app, "French");
    await pass(clock, 30_000);
    const second = await translate(app, "German");
    await pass(clock, 30_000);
    // Two events, each to two endpoints, the failing one five times.
    expect(sent).toHaveLength(2 * (1 + 5));

    const response = await app.inject("/v3/webhooks/events");
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      data: Array<{ event_id: string; event_type: string; event_data: object; created_at: string }>;
      has_more: boolean;
      next_token: string | null;
    }>();
    expect(body).toMatchObject({ has_more: false, next_token: null });
    const delivered = sent.filter((request) => request.url === RECEIVER);
    expect(body.data).toEqual(
      [...delivered].reverse().map((request) => ({
        event_id: request.headers["webhook-id"],
        event_type: "video_translate.success",
        event_data: payloadOf(up.secret!, request).event_data,
        created_at: new Date(request.at).toISOString(),
      })),
    );
    expect(
      body.data.map(
        (event) => (event.event_data as { video_translate_id: string }).video_translate_id,
      ),
    ).toEqual([second, first]);

    const one = (await app.inject("/v3/webhooks/events?limit=1")).json();
    expect(one.data).toEqual([body.data[0]]);
    expect(one.has_more).toBe(true);
    const next = (await app.inject(`/v3/webhooks/events?limit=1&token=${one.next_token}`)).json();
    expect(next).toEqual({ data: [body.data[1]], has_more: false, next_token: null });

    const byEntity = (await app.inject(`/v3/webhooks/events?entity_id=${first}`)).json();
    expect(byEntity.data).toEqual([body.data[1]]);
    const byType = (await app.inject("/v3/webhooks/events?event_type=video_translate.fail")).json();
    expect(byType.data).toEqual([]);
    expectHeygenError(
      await app.inject("/v3/webhooks/events?event_type=job.completed"),
      400,
      "validation_error",
    );
  });

  it("leaves out the events sent to endpoints of our own API", async () => {
    const { app, clock } = webhookApp();
    await register(app, { url: RECEIVER });
    await translate(app);
    await advance(clock, A_WHILE);
    // Sent to an endpoint of our own API, not to a HeyGen one.
    expect((await app.inject("/v3/webhooks/events")).json()).toEqual({
      data: [],
      has_more: false,
      next_token: null,
    });
  });
});
