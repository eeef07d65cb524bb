import { describe, expect, it } from "vitest";
import {
  HttpError,
  NetworkError,
  RequestTimeoutError,
  TranslationStatusClient,
  UnexpectedResponseError,
} from "@translation-status/client";
import { closedPortUrl, rawServer } from "../support/servers.js";

// Each broken backend must end the wait with a clear typed error well before its deadline.
const options = { maxWaitMs: 30_000, initialIntervalMs: 20, maxIntervalMs: 100 };

async function waitOn(url: string, requestTimeoutMs = 5_000) {
  const client = new TranslationStatusClient({ baseUrl: url, requestTimeoutMs });
  const started = Date.now();
  const error = await client.waitForCompletion(options).then(
    (result) => {
      throw new Error(`expected a failure, got ${result.status}`);
    },
    (e: unknown) => e,
  );
  return { error, elapsed: Date.now() - started };
}

describe("a client pointed at a broken server", () => {
  it("rejects garbage at once", async () => {
    let hits = 0;
    const { url } = await rawServer((_req, res) => {
      hits += 1;
      res.end("%PDF-1.4 \u0000\u0007 definitely not json");
    });
    const { error } = await waitOn(url);
    expect(error).toBeInstanceOf(UnexpectedResponseError);
    expect(hits).toBe(1);
  });

  it("gives up on an HTML error page after the failure bound, with the page in the error", async () => {
    let hits = 0;
    const { url } = await rawServer((_req, res) => {
      hits += 1;
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html><h1>502 Bad Gateway</h1><p>nginx</p></html>");
    });
    const { error, elapsed } = await waitOn(url);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ status: 502, attempts: 5 });
    expect((error as HttpError).bodyExcerpt).toContain("Bad Gateway");
    expect(hits).toBe(5);
    expect(elapsed).toBeLessThan(options.maxWaitMs);
  });

  it("times out a server that accepts and never answers", async () => {
    const { url } = await rawServer(() => {
      // Never respond.
    });
    const { error, elapsed } = await waitOn(url, 150);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 150, attempts: 5 });
    expect(elapsed).toBeLessThan(5_000);
  });

  it("times out a body that starts and stalls", async () => {
    const { url } = await rawServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"result":"pen');
    });
    const { error } = await waitOn(url, 150);
    expect(error).toBeInstanceOf(RequestTimeoutError);
  });

  it("reports a refused connection as a NetworkError with its cause", async () => {
    const { error } = await waitOn(await closedPortUrl());
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).cause).toBeDefined();
  });

  it("reports a connection dropped mid-response as a NetworkError", async () => {
    const { url } = await rawServer((req) => req.socket.destroy());
    const { error } = await waitOn(url);
    expect(error).toBeInstanceOf(NetworkError);
  });
});
