import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { rawServer, simulator } from "../support/servers.js";

const KEY = "integration-key-1";
const HEADERS = { "content-type": "application/json", "x-api-key": KEY };

/** A receiver on 127.0.0.1 that keeps what reaches it. */
async function receiver() {
  const received: Array<{ body: string; headers: Record<string, string> }> = [];
  const { url } = await rawServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push({ body, headers: request.headers as Record<string, string> });
      response.writeHead(204).end();
    });
  });
  return { url: `${url}/webhook`, received };
}

async function post(url: string, body: object) {
  return fetch(url, { method: "POST", headers: HEADERS, body: JSON.stringify(body) });
}

/** The endpoint's attempts once there are some, polled on real time. */
async function firstAttempts(base: string, id: string) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const response = await fetch(`${base}/webhooks/${id}/deliveries`, { headers: HEADERS });
    const { data } = (await response.json()) as { data: Array<Record<string, unknown>> };
    if (data.length > 0) return data;
    if (Date.now() > deadline) throw new Error("no delivery attempt within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("where a server with API keys sends webhooks, over real HTTP", () => {
  it("refuses a loopback literal at registration, and localhost when it resolves", async () => {
    const server = await simulator({ apiKeys: [KEY], errorProbability: 0 });
    const { url, received } = await receiver();

    const literal = await post(`${server.url}/webhooks`, { url });
    expect(literal.status).toBe(400);
    expect(await literal.json()).toEqual({
      error: {
        code: "invalid_request",
        message:
          "body.url points at 127.0.0.1, a loopback address: this server sends webhooks to public addresses only",
      },
    });

    // A name passes registration; the system resolver turns it into loopback at delivery.
    const named = await post(`${server.url}/webhooks`, {
      url: url.replace("127.0.0.1", "localhost"),
    });
    expect(named.status).toBe(201);
    const { id } = (await named.json()) as { id: string };
    expect((await post(`${server.url}/jobs`, { pendingDurationMs: 100 })).status).toBe(201);
    const [attempt] = await firstAttempts(server.url, id);
    expect(attempt).toMatchObject({ attempt: 1, statusCode: null, outcome: "retrying" });
    expect(attempt!.error).toMatch(/^refused: localhost resolves to \S+, a loopback address$/);
    expect(received).toEqual([]);
  });

  it("delivers to an address WEBHOOK_ALLOW_PRIVATE lists, signed as usual", async () => {
    const server = await simulator({
      apiKeys: [KEY],
      errorProbability: 0,
      webhookAllowPrivate: ["127.0.0.0/8"],
    });
    const { url, received } = await receiver();
    const registered = await post(`${server.url}/webhooks`, { url });
    expect(registered.status).toBe(201);
    const { id, secret } = (await registered.json()) as { id: string; secret: string };
    expect((await post(`${server.url}/jobs`, { pendingDurationMs: 100 })).status).toBe(201);

    const [attempt] = await firstAttempts(server.url, id);
    expect(attempt).toMatchObject({ statusCode: 204, error: null, outcome: "delivered" });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(new Webhook(secret).verify(request!.body, request!.headers)).toMatchObject({
      type: "job.completed",
    });
  });
});
