import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TranslationStatusClient } from "@translation-status/client";
import { createRawJob as create, simulator } from "../support/servers.js";

interface Event {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads a whole SSE response (the server closes it after the terminal event). */
async function readAll(response: Response): Promise<Event[]> {
  const text = await response.text();
  return text
    .split(/\n\n/)
    .filter((block) => block.split("\n").some((line) => line && !line.startsWith(":")))
    .map((block) => {
      const event: Event = {};
      for (const line of block.split("\n")) {
        const [field, ...rest] = line.split(":");
        const value = rest.join(":").trimStart();
        if (field === "id" || field === "event" || field === "data") event[field] = value;
      }
      return event;
    })
    .filter((e) => e.data !== undefined);
}

const closers: Array<() => void> = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

describe("the push stream over real HTTP", () => {
  it("streams the job's changes with increasing ids and closes after the terminal event", async () => {
    const server = await simulator();
    const id = await create(server.url, 1_200);
    const response = await fetch(`${server.url}/jobs/${id}/events`);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await readAll(response);
    expect(events.at(-1)).toMatchObject({ event: "done" });
    expect(JSON.parse(events.at(-1)!.data!)).toMatchObject({ id, status: "completed" });
    expect(events.slice(0, -1).every((e) => e.event === "progress")).toBe(true);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(events.length).toBeGreaterThanOrEqual(2);
  });

  it("answers 204 to a client that resumes after it saw the end", async () => {
    const server = await simulator();
    const id = await create(server.url, 100);
    const events = await readAll(await fetch(`${server.url}/jobs/${id}/events`));
    const lastId = events.at(-1)!.id!;
    const resumed = await fetch(`${server.url}/jobs/${id}/events`, {
      headers: { "last-event-id": lastId },
    });
    expect(resumed.status).toBe(204);
  });

  it("lets the client wait in auto mode with a stream: few requests, no delay", async () => {
    const server = await simulator({ errorProbability: 0 });
    const client = new TranslationStatusClient({ baseUrl: server.url });
    const job = await client.createJob({ pendingDurationMs: 1_000 });
    const result = await client.waitForCompletion({ jobId: job.jobId! });
    const knownAt = Date.now();
    expect(result).toMatchObject({ status: "completed", mode: "stream", requests: 2 });
    expect(knownAt - Date.parse(result.snapshot.completedAt!)).toBeLessThan(500);
  });

  it("falls back and still finds the truth when a proxy keeps cutting the stream", async () => {
    const server = await simulator({ errorProbability: 1 });
    const target = new URL(server.url);
    let cuts = 0;
    // A proxy that passes everything through, but cuts every event stream after its first bytes.
    const proxy = createServer((req, res) => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          if (req.url?.endsWith("/events")) {
            answer.once("data", (chunk: Buffer) => {
              res.write(chunk);
              cuts += 1;
              setTimeout(() => res.destroy(), 50);
            });
          } else {
            answer.pipe(res);
          }
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    closers.push(() => {
      proxy.closeAllConnections();
      proxy.close();
    });
    const { port } = proxy.address() as AddressInfo;
    const client = new TranslationStatusClient({ baseUrl: `http://127.0.0.1:${port}` });
    const job = await client.createJob({ pendingDurationMs: 2_500 });
    const result = await client.waitForCompletion({ jobId: job.jobId!, mode: "stream" });
    expect(result.status).toBe("error");
    expect(result.snapshot.error?.code).toMatch(/^[a-z_]+$/);
    expect(cuts).toBeGreaterThanOrEqual(1);
    expect(result.mode).not.toBe("stream");
  });
});
