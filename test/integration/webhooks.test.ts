import type { RequestListener } from "node:http";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { webhookHandler, type ReceivedEvent } from "../../examples/webhook-receiver/receiver.js";
import { rawServer, simulator } from "../support/servers.js";

/** A receiver on an ephemeral port whose handler is set once the secret is known. */
async function receiverSlot() {
  const slot: { handle?: RequestListener } = {};
  const { url } = await rawServer((request, response) => {
    if (slot.handle) slot.handle(request, response);
    else response.writeHead(503).end();
  });
  return { url: `${url}/webhook`, slot };
}

async function registerEndpoint(base: string, url: string) {
  const response = await fetch(`${base}/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; secret: string };
}

/** Resolves with the first `count` events the receiver hands on. */
function collector(count = 1) {
  const events: ReceivedEvent[] = [];
  let done!: (events: ReceivedEvent[]) => void;
  const all = new Promise<ReceivedEvent[]>((resolve) => (done = resolve));
  return {
    events,
    all,
    onEvent: (event: ReceivedEvent) => {
      events.push(event);
      if (events.length === count) done(events);
    },
  };
}

describe("webhooks over real HTTP", () => {
  it("a job ends and the example receiver gets a verified event", async () => {
    const server = await simulator({ errorProbability: 0 });
    const { url, slot } = await receiverSlot();
    const endpoint = await registerEndpoint(server.url, url);
    const received = collector();
    const rejections: string[] = [];
    slot.handle = webhookHandler({
      secret: endpoint.secret,
      onEvent: received.onEvent,
      onReject: (reason) => rejections.push(reason),
    });

    const created = await fetch(`${server.url}/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pendingDurationMs: 200 }),
    });
    const job = (await created.json()) as { id: string };
    const [event] = await received.all;
    expect(event!.id).toMatch(/^msg_/);
    expect(event!.payload).toMatchObject({
      type: "job.completed",
      data: { id: job.id, status: "completed", progress: 1 },
    });
    expect(rejections).toEqual([]);

    const deliveries = (await (
      await fetch(`${server.url}/webhooks/${endpoint.id}/deliveries`)
    ).json()) as { data: Array<Record<string, unknown>> };
    expect(deliveries.data).toEqual([
      expect.objectContaining({
        eventId: event!.id,
        jobId: job.id,
        attempt: 1,
        statusCode: 204,
        outcome: "delivered",
      }),
    ]);
  });

  it("a HeyGen v2 job with a callback_url sends video_translate.success to it", async () => {
    const server = await simulator({ pendingDurationMs: 200, errorProbability: 0 });
    const { url, slot } = await receiverSlot();
    const { secret } = (await (await fetch(`${server.url}/webhooks/secret`)).json()) as {
      secret: string;
    };
    const received = collector();
    slot.handle = webhookHandler({ secret, onEvent: received.onEvent });

    const created = await fetch(`${server.url}/v2/video_translate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        video_url: "https://example.com/talk.mp4",
        output_language: "French",
        title: "Talk",
        callback_id: "cb-7",
        callback_url: url,
      }),
    });
    expect(created.status).toBe(200);
    const { data } = (await created.json()) as { data: { video_translate_id: string } };
    const [event] = await received.all;
    expect(event!.payload).toEqual({
      event_type: "video_translate.success",
      event_data: {
        video_translate_id: data.video_translate_id,
        url: expect.stringMatching(/^https:\/\/.+\.mp4$/),
        callback_id: "cb-7",
        output_language: "French",
      },
    });
  });

  it("retries a receiver that answered 500, with the same webhook-id", async () => {
    const server = await simulator({ errorProbability: 0, webhookRetryDelayMs: 20 });
    const ids: string[] = [];
    const { url } = await rawServer((request, response) => {
      ids.push(String(request.headers["webhook-id"]));
      request.resume();
      response.writeHead(ids.length === 1 ? 500 : 204).end();
    });
    const callbackUrl = `${url}/callback`;
    const created = await fetch(`${server.url}/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pendingDurationMs: 50, callbackUrl }),
    });
    const job = (await created.json()) as { id: string };
    let attempts: Array<{ outcome: string; statusCode: number }> = [];
    for (let i = 0; i < 200 && attempts.at(-1)?.outcome !== "delivered"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const response = await fetch(`${server.url}/jobs/${job.id}/deliveries`);
      attempts = ((await response.json()) as { data: typeof attempts }).data;
    }
    expect(attempts.map((a) => [a.statusCode, a.outcome])).toEqual([
      [500, "retrying"],
      [204, "delivered"],
    ]);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
  });

  it("the receiver refuses tampered, stale and unsigned requests, and hands a duplicate on once", async () => {
    const secret = `whsec_${Buffer.alloc(32, 3).toString("base64")}`;
    const received = collector();
    const rejections: string[] = [];
    const { url } = await rawServer(
      webhookHandler({ secret, onEvent: received.onEvent, onReject: (r) => rejections.push(r) }),
    );
    const signer = new Webhook(secret);
    const body = JSON.stringify({ type: "job.completed", data: { id: "job_1" } });
    const send = (id: string, at: Date, payload = body, signed = body) =>
      fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": String(Math.floor(at.getTime() / 1_000)),
          "webhook-signature": signer.sign(id, at, signed),
        },
        body: payload,
      });

    expect((await send("msg_1", new Date())).status).toBe(204);
    const duplicate = await send("msg_1", new Date());
    expect(duplicate.status).toBe(200);
    expect(await duplicate.json()).toEqual({ duplicate: true });
    expect((await send("msg_2", new Date(), body.replace("job_1", "job_2"), body)).status).toBe(
      400,
    );
    const stale = await send("msg_3", new Date(Date.now() - 600_000));
    expect(stale.status).toBe(400);
    expect(await stale.json()).toEqual({ error: "Message timestamp too old" });
    expect((await fetch(url, { method: "POST", body })).status).toBe(400);

    expect(await received.all).toEqual([{ id: "msg_1", payload: JSON.parse(body) }]);
    expect(rejections).toEqual([
      "duplicate msg_1",
      "No matching signature found",
      "Message timestamp too old",
      "Missing required headers",
    ]);
  });
});
