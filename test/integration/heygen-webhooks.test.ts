import type { IncomingHttpHeaders } from "node:http";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { rawServer, simulator } from "../support/servers.js";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on an ephemeral port that keeps each request's raw body and headers. */
async function receiver() {
  const received: Received[] = [];
  let arrived!: () => void;
  const first = new Promise<void>((resolve) => (arrived = resolve));
  const { url } = await rawServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(204).end();
      arrived();
    });
  });
  return { url: `${url}/heygen`, received, first };
}

async function call<T>(base: string, method: string, path: string, body?: object): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}`).toBe(200);
  return (await response.json()) as T;
}

describe("HeyGen's webhooks over real HTTP", () => {
  it("an endpoint registered the HeyGen way receives a signed video_translate.success", async () => {
    const server = await simulator({ pendingDurationMs: 200, errorProbability: 0 });
    const { url, received, first } = await receiver();
    const created = await call<{ data: { endpoint_id: string; secret: string } }>(
      server.url,
      "POST",
      "/v3/webhooks/endpoints",
      { url, events: ["video_translate.success", "video_translate.fail"] },
    );
    // Rotated before anything is sent: only the new secret may verify what arrives.
    const rotated = await call<{ data: { endpoint_id: string; secret: string } }>(
      server.url,
      "POST",
      `/v3/webhooks/endpoints/${created.data.endpoint_id}/rotate-secret`,
    );
    const translation = await call<{ data: { video_translation_ids: [string] } }>(
      server.url,
      "POST",
      "/v3/video-translations",
      {
        video: { type: "url", url: "https://example.com/talk.mp4" },
        output_languages: ["French"],
        callback_id: "order-7",
      },
    );
    const [id] = translation.data.video_translation_ids;

    await first;
    const [request] = received as [Received];
    const headers = request.headers as Record<string, string>;
    expect(headers["content-type"]).toBe("application/json");
    const payload = new Webhook(rotated.data.secret).verify(request.body, headers);
    expect(payload).toEqual({
      event_type: "video_translate.success",
      event_data: {
        video_translate_id: id,
        url: expect.stringMatching(/^https:\/\/.+\.mp4$/),
        callback_id: "order-7",
        output_language: "French",
      },
    });
    expect(() => new Webhook(created.data.secret).verify(request.body, headers)).toThrow(
      "No matching signature found",
    );
    const tampered = request.body.replace("order-7", "order-8");
    expect(() => new Webhook(rotated.data.secret).verify(tampered, headers)).toThrow();

    // The event is in the list of events sent, under the id it was sent with.
    const events = await call<{ data: unknown[] }>(server.url, "GET", "/v3/webhooks/events");
    expect(events.data).toEqual([
      {
        event_id: headers["webhook-id"],
        event_type: "video_translate.success",
        event_data: (payload as { event_data: unknown }).event_data,
        created_at: expect.any(String),
      },
    ]);
  });
});
