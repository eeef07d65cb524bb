import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, onTestFinished } from "vitest";
import { REDIS_URL, redisStorage } from "../support/redis.js";
import { rawServer, simulator } from "../support/servers.js";

const MAIN = fileURLToPath(new URL("../../packages/server/src/main.ts", import.meta.url));

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A receiver that records every request and answers 204. */
async function receiver() {
  const received: Received[] = [];
  const { url } = await rawServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push({
        path: request.url ?? "",
        headers: request.headers as Record<string, string>,
        body,
      });
      response.writeHead(204).end();
    });
  });
  return { url, received };
}

/** The server's own entry point in a child process, as deployed; resolves with its URL. */
async function serverProcess(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("exit", () => reject(new Error(`server exited before listening: ${output}`)));
  });
  return { url, child };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function postJson(url: string, body: object): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe.skipIf(REDIS_URL === undefined)("webhooks of several servers on one Redis", () => {
  it("delivers a webhook registered on a server that is killed mid-job, once, from the other", async () => {
    const storage = redisStorage();
    const target = await receiver();
    const a = await serverProcess({ STORE: storage });
    const b = await simulator({ storage });

    const registered = await postJson(`${a.url}/webhooks`, { url: `${target.url}/endpoint` });
    expect(registered.status).toBe(201);
    const endpoint = (await registered.json()) as { id: string; secret: string };
    const created = await postJson(`${a.url}/jobs`, {
      pendingDurationMs: 1_500,
      errorProbability: 0,
      callbackUrl: `${target.url}/callback`,
    });
    expect(created.status).toBe(201);
    const job = (await created.json()) as { id: string };

    // Killed mid-job: no graceful close, nothing flushed, its timers gone with it.
    a.child.kill("SIGKILL");
    await once(a.child, "exit");
    expect(target.received).toHaveLength(0);

    await until(() => target.received.length >= 2, "both deliveries");
    // Two more of the survivor's looks at the store: a second copy would have come by now.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(target.received.map((request) => request.path).sort()).toEqual([
      "/callback",
      "/endpoint",
    ]);

    const callbackSecret = (
      (await (await fetch(`${b.url}/webhooks/secret`)).json()) as {
        secret: string;
      }
    ).secret;
    for (const request of target.received) {
      const secret = request.path === "/endpoint" ? endpoint.secret : callbackSecret;
      const payload = new Webhook(secret).verify(request.body, request.headers);
      expect(payload).toMatchObject({ type: "job.completed", data: { id: job.id } });
    }
    const attempts = (await (
      await fetch(`${b.url}/webhooks/${endpoint.id}/deliveries`)
    ).json()) as { data: Array<{ outcome: string; jobId: string }> };
    expect(attempts.data).toMatchObject([{ outcome: "delivered", jobId: job.id }]);
    const callbacks = (await (await fetch(`${b.url}/jobs/${job.id}/deliveries`)).json()) as {
      data: Array<{ outcome: string }>;
    };
    expect(callbacks.data).toMatchObject([{ outcome: "delivered" }]);
    // A child process started through tsx takes seconds on a busy machine.
  }, 60_000);

  it("sends each event once when both servers are up and race for it", async () => {
    const storage = redisStorage();
    const target = await receiver();
    const a = await simulator({ storage, errorProbability: 0 });
    const b = await simulator({ storage, errorProbability: 0 });
    await postJson(`${a.url}/webhooks`, { url: `${target.url}/endpoint` });
    const jobs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        postJson(`${i % 2 === 0 ? a.url : b.url}/jobs`, { pendingDurationMs: 300 }),
      ),
    );
    expect(jobs.map((response) => response.status)).toEqual(Array(10).fill(201));
    await until(() => target.received.length >= 10, "ten deliveries");
    // Two more looks at the store by each server: a duplicate would have come by now.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const ids = target.received.map((request) => request.headers["webhook-id"]);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
  });
});
