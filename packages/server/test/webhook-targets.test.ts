import type { LookupAddress } from "node:dns";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { loadConfig } from "../src/config.js";
import { ConfigError } from "../src/config-error.js";
import { buildApp, type AppOptions } from "../src/index.js";
import { AddressPolicy, parseAllowList } from "../src/webhooks/address-policy.js";
import { guardedFetch } from "../src/webhooks/guarded-fetch.js";
import { RefusedTargetError } from "../src/webhooks/refused-target-error.js";
import { expectError, fakeClock } from "./helpers.js";
import { webhookApp } from "./webhook-helpers.js";

const KEY = "key-a-1234";
const AUTH = { "x-api-key": KEY };

/** Every refused class, by literal, and IPv6 forms that carry a refused IPv4 address. */
const REFUSED: Array<[address: string, range: string]> = [
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["::1", "loopback"],
  ["10.0.0.1", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["100.100.100.200", "private"],
  ["fec0::1", "private"],
  ["169.254.169.254", "link-local"],
  ["fe80::1", "link-local"],
  ["fc00::1", "unique-local"],
  ["fd00:ec2::254", "unique-local"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["::", "unspecified"],
  ["224.0.0.1", "reserved"],
  ["255.255.255.255", "reserved"],
  ["ff02::1", "reserved"],
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:a9fe:a9fe", "link-local"],
  ["::ffff:10.1.2.3", "private"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["64:ff9b::a9fe:a9fe", "link-local"],
  ["::7f00:1", "loopback"],
];

const PUBLIC = [
  "8.8.8.8",
  "1.1.1.1",
  "172.32.0.1",
  "172.15.255.255",
  "100.128.0.1",
  "169.255.0.1",
  "2606:4700:4700::1111",
  "::ffff:8.8.8.8",
  "64:ff9b::808:808",
];

describe("AddressPolicy", () => {
  const policy = new AddressPolicy();

  it.each(REFUSED)("refuses %s as %s", (address, range) => {
    expect(policy.refusal(address)).toBe(range);
  });

  it.each(PUBLIC)("allows %s", (address) => {
    expect(policy.refusal(address)).toBeUndefined();
  });

  it("allows what the allow-list names, and nothing more", () => {
    const allowing = new AddressPolicy(parseAllowList(["10.1.0.0/16", "fd12::/16", "127.0.0.1"]));
    expect(allowing.refusal("10.1.200.3")).toBeUndefined();
    expect(allowing.refusal("::ffff:10.1.0.5")).toBeUndefined();
    expect(allowing.refusal("fd12::5")).toBeUndefined();
    expect(allowing.refusal("127.0.0.1")).toBeUndefined();
    expect(allowing.refusal("10.2.0.1")).toBe("private");
    expect(allowing.refusal("127.0.0.2")).toBe("loopback");
    expect(allowing.refusal("169.254.169.254")).toBe("link-local");
  });

  it.each([["nope"], ["10.0.0.0/33"], ["10.0.0.0/"], ["10.0.0.0/8/8"], ["::/129"], [""]])(
    "has no allow-list for %j",
    (entry) => {
      expect(parseAllowList([entry])).toBeUndefined();
    },
  );
});

describe("webhook targets at registration, with API keys", () => {
  const literals: Array<[url: string, refused: string]> = [
    ["http://127.0.0.1:8080/hook", "127.0.0.1, a loopback"],
    ["http://[::1]/hook", "::1, a loopback"],
    ["http://10.0.0.5/hook", "10.0.0.5, a private"],
    ["http://172.20.1.1/hook", "172.20.1.1, a private"],
    ["http://192.168.0.10/hook", "192.168.0.10, a private"],
    ["http://169.254.169.254/latest/meta-data/", "169.254.169.254, a link-local"],
    ["http://[fe80::1]/hook", "fe80::1, a link-local"],
    ["http://[fd00::1]/hook", "fd00::1, a unique-local"],
    ["http://0.0.0.0:8000/hook", "0.0.0.0, an unspecified"],
    ["http://[::]/hook", "::, an unspecified"],
    ["http://[::ffff:169.254.169.254]/hook", "::ffff:a9fe:a9fe, a link-local"],
    ["http://[64:ff9b::a9fe:a9fe]/hook", "64:ff9b::a9fe:a9fe, a link-local"],
    ["http://224.0.0.1/hook", "224.0.0.1, a reserved"],
    // Spellings the URL parser turns into 127.0.0.1.
    ["http://2130706433/hook", "127.0.0.1, a loopback"],
    ["http://0x7f.1/hook", "127.0.0.1, a loopback"],
    ["https://127.1/hook", "127.0.0.1, a loopback"],
  ];

  it("answers 400 for an endpoint at an address literal in a refused range", async () => {
    const { app } = webhookApp({ apiKeys: [KEY] });
    for (const [url, refused] of literals) {
      const response = await app.inject({
        method: "POST",
        url: "/webhooks",
        payload: { url },
        headers: AUTH,
      });
      expect(expectError(response, 400, "invalid_request"), url).toBe(
        `body.url points at ${refused} address: this server sends webhooks to public addresses only`,
      );
    }
    expect((await app.inject({ url: "/webhooks", headers: AUTH })).json().data).toEqual([]);
  });

  it("answers 400 for a refused callbackUrl, ours and HeyGen's", async () => {
    const { app } = webhookApp({ apiKeys: [KEY] });
    const ours = await app.inject({
      method: "POST",
      url: "/jobs",
      payload: { callbackUrl: "http://169.254.169.254/latest/meta-data/" },
      headers: AUTH,
    });
    expect(expectError(ours, 400, "invalid_request")).toBe(
      "body.callbackUrl points at 169.254.169.254, a link-local address: this server sends webhooks to public addresses only",
    );
    const heygen = await app.inject({
      method: "POST",
      url: "/v2/video_translate",
      payload: {
        video_url: "https://example.com/a.mp4",
        output_language: "Spanish",
        callback_url: "http://[::1]:9000/cb",
      },
      headers: AUTH,
    });
    expect(heygen.statusCode).toBe(400);
    expect(heygen.body).toContain("::1, a loopback address");
    expect((await app.inject({ url: "/jobs", headers: AUTH })).json().data).toEqual([]);
  });

  it("accepts a name and a public address: a name is checked when it resolves", async () => {
    const { app } = webhookApp({ apiKeys: [KEY] });
    for (const url of ["http://localhost.test/hook", "https://8.8.8.8/hook", "http://[2606::1]/"]) {
      const response = await app.inject({
        method: "POST",
        url: "/webhooks",
        payload: { url },
        headers: AUTH,
      });
      expect(response.statusCode).toBe(201);
    }
    const job = await app.inject({
      method: "POST",
      url: "/jobs",
      payload: { callbackUrl: "http://receiver.test/cb" },
      headers: AUTH,
    });
    expect(job.statusCode).toBe(201);
  });

  it("accepts every address without API keys, as local development needs", async () => {
    const { app } = webhookApp();
    for (const url of ["http://127.0.0.1:8080/hook", "http://169.254.169.254/", "http://[::1]/"]) {
      const response = await app.inject({ method: "POST", url: "/webhooks", payload: { url } });
      expect(response.statusCode).toBe(201);
    }
  });

  it("accepts every address with webhookAllowPrivate: true, and the listed ones with a list", async () => {
    const open = webhookApp({ apiKeys: [KEY], webhookAllowPrivate: true }).app;
    const everything = await open.inject({
      method: "POST",
      url: "/webhooks",
      payload: { url: "http://10.0.0.5/hook" },
      headers: AUTH,
    });
    expect(everything.statusCode).toBe(201);

    const listed = webhookApp({ apiKeys: [KEY], webhookAllowPrivate: ["10.0.0.0/24"] }).app;
    const register = (url: string) =>
      listed.inject({ method: "POST", url: "/webhooks", payload: { url }, headers: AUTH });
    expect((await register("http://10.0.0.5/hook")).statusCode).toBe(201);
    expectError(await register("http://10.0.1.5/hook"), 400, "invalid_request");
    expectError(await register("http://169.254.169.254/"), 400, "invalid_request");
  });
});

/** A receiver on 127.0.0.1 that records what reaches it and closes every connection. */
async function loopbackReceiver(
  answer: (request: IncomingMessage, response: ServerResponse) => void = (_, response) =>
    response.writeHead(204).end(),
) {
  const received: string[] = [];
  const server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    // A new connection, so a new lookup, for every attempt.
    response.setHeader("connection", "close");
    answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, received };
}

/** A resolver that answers from a script, one answer per call (the last one repeats). */
function scriptedLookup(...answers: string[][]) {
  const asked: string[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    asked.push(hostname);
    const addresses: LookupAddress[] = (answers[asked.length - 1] ?? answers.at(-1)!).map(
      (address) => ({ address, family: address.includes(":") ? 6 : 4 }),
    );
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  return { lookup, asked };
}

/**
 * An app with API keys that sends its webhooks for real (no `webhookFetch`), resolving names
 * with `lookup`; its jobs take 1 s on a fake clock.
 */
function guardedApp(lookup: LookupFunction, options: AppOptions = {}) {
  const clock = fakeClock(Date.now());
  const app = buildApp({
    now: clock.now,
    setTimer: clock.setTimer,
    errorProbability: 0,
    pendingDurationMs: 1_000,
    apiKeys: [KEY],
    webhookLookup: lookup,
    webhookRandom: () => 0,
    ...options,
  });
  onTestFinished(() => app.close());
  const attempts = async (id: string) =>
    (await app.inject({ url: `/webhooks/${id}/deliveries`, headers: AUTH })).json<{
      data: Array<{ statusCode: number | null; error: string | null; outcome: string }>;
    }>().data;
  /** Registers an endpoint, creates a job and lets it end; resolves once `count` attempts show. */
  const deliver = async (url: string, count = 1) => {
    const endpoint = await app.inject({
      method: "POST",
      url: "/webhooks",
      payload: { url },
      headers: AUTH,
    });
    expect(endpoint.statusCode).toBe(201);
    const { id } = endpoint.json<{ id: string }>();
    const created = await app.inject({ method: "POST", url: "/jobs", payload: {}, headers: AUTH });
    expect(created.statusCode).toBe(201);
    clock.advance(1_000);
    for (let n = 1; ; n++) {
      const seen = await settled(
        () => attempts(id),
        (list) => list.length >= n,
      );
      if (n === count) return seen;
      // The retry after a failed attempt: the smallest backoff, 500 ms.
      clock.advance(500);
    }
  };
  return { app, deliver };
}

/** Reads on real time, in short steps, until `done` holds; for real-socket tests only. */
async function settled<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error("Timed out waiting for the delivery attempts");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("webhook targets at delivery, with API keys", () => {
  it("refuses a name that resolves to a private address, and records why", async () => {
    const receiver = await loopbackReceiver();
    const { lookup, asked } = scriptedLookup(["10.0.0.7"]);
    const { deliver } = guardedApp(lookup);
    const attempts = await deliver(`http://receiver.test:${receiver.port}/hook`);
    expect(asked).toEqual(["receiver.test"]);
    expect(attempts).toEqual([
      expect.objectContaining({
        statusCode: null,
        error: "refused: receiver.test resolves to 10.0.0.7, a private address",
        outcome: "retrying",
      }),
    ]);
    expect(receiver.received).toEqual([]);
  });

  it("refuses a name with a loopback address among public ones", async () => {
    const receiver = await loopbackReceiver();
    const { lookup } = scriptedLookup(["8.8.8.8", "127.0.0.1"]);
    const { deliver } = guardedApp(lookup);
    const [attempt] = await deliver(`http://receiver.test:${receiver.port}/hook`);
    expect(attempt?.error).toBe("refused: receiver.test resolves to 127.0.0.1, a loopback address");
    expect(receiver.received).toEqual([]);
  });

  it("checks the address of each connection: a name that turns private (DNS rebinding) is refused", async () => {
    // The receiver's own address is allowed, so the first attempt reaches it; then the name
    // resolves to the metadata service.
    const receiver = await loopbackReceiver((_, response) => response.writeHead(500).end());
    const { lookup, asked } = scriptedLookup(["127.0.0.1"], ["169.254.169.254"]);
    const { deliver } = guardedApp(lookup, { webhookAllowPrivate: ["127.0.0.1"] });
    const attempts = await deliver(`http://receiver.test:${receiver.port}/hook`, 2);
    expect(asked).toEqual(["receiver.test", "receiver.test"]);
    expect(attempts.map((a) => [a.statusCode, a.error])).toEqual([
      [500, null],
      [null, "refused: receiver.test resolves to 169.254.169.254, a link-local address"],
    ]);
    expect(receiver.received).toEqual(["POST /hook"]);
  });

  it("delivers to an allowed private address, and counts a redirect as a failure", async () => {
    const receiver = await loopbackReceiver((request, response) => {
      if (request.url === "/moved") response.writeHead(302, { location: "http://10.0.0.7/" }).end();
      else response.writeHead(204).end();
    });
    const options = { webhookAllowPrivate: ["127.0.0.0/8"] };
    const sent = guardedApp(scriptedLookup(["127.0.0.1"]).lookup, options);
    const [delivered] = await sent.deliver(`http://receiver.test:${receiver.port}/hook`);
    expect(delivered).toMatchObject({ statusCode: 204, error: null, outcome: "delivered" });
    const moved = guardedApp(scriptedLookup(["127.0.0.1"]).lookup, options);
    const [redirected] = await moved.deliver(`http://receiver.test:${receiver.port}/moved`);
    expect(redirected).toMatchObject({ statusCode: 302, outcome: "retrying" });
    expect(receiver.received).toEqual(["POST /hook", "POST /moved"]);
  });

  it("delivers to any address with webhookAllowPrivate: true", async () => {
    const receiver = await loopbackReceiver();
    const { deliver } = guardedApp(scriptedLookup(["127.0.0.1"]).lookup, {
      webhookAllowPrivate: true,
    });
    const [attempt] = await deliver(`http://127.0.0.1:${receiver.port}/hook`);
    expect(attempt).toMatchObject({ statusCode: 204, outcome: "delivered" });
    expect(receiver.received).toEqual(["POST /hook"]);
  });
});

describe("guardedFetch", () => {
  it("refuses an address literal before sending anything", async () => {
    const { lookup, asked } = scriptedLookup(["8.8.8.8"]);
    const guarded = guardedFetch(new AddressPolicy(), lookup);
    onTestFinished(guarded.close);
    for (const url of ["http://169.254.169.254/latest", "http://[::ffff:7f00:1]:9/"]) {
      const refused = await guarded.fetch(url, { method: "POST" }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RefusedTargetError);
    }
    expect(asked).toEqual([]);
  });

  it("refuses a resolver's answer it cannot read, instead of throwing in the callback", async () => {
    const { lookup } = scriptedLookup(["not-an-address"]);
    const guarded = guardedFetch(new AddressPolicy(), lookup);
    onTestFinished(guarded.close);
    const failed = await guarded
      .fetch("http://receiver.test:8999/", { method: "POST" })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(TypeError);
    expect((failed as Error).cause).toMatchObject({
      message: "Expected an IP address, got not-an-address",
    });
  });
});

describe("WEBHOOK_ALLOW_PRIVATE", () => {
  it("is 1 or 0, or a list of addresses and ranges", () => {
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: "1" }).webhookAllowPrivate).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: "true" }).webhookAllowPrivate).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: "0" }).webhookAllowPrivate).toBe(false);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: "10.1.0.0/16, fd12::/16" })).toMatchObject({
      webhookAllowPrivate: ["10.1.0.0/16", "fd12::/16"],
    });
    expect(loadConfig({})).not.toHaveProperty("webhookAllowPrivate");
  });

  it.each(["yes", "10.1.0.0/40", "10.1.0.0/16,,"])("refuses %j with a ConfigError", (value) => {
    let caught: unknown;
    try {
      loadConfig({ WEBHOOK_ALLOW_PRIVATE: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe("WEBHOOK_ALLOW_PRIVATE");
  });

  it.each([
    ["webhookAllowPrivate", { webhookAllowPrivate: "1" as unknown as boolean }],
    ["webhookAllowPrivate", { webhookAllowPrivate: ["10.0.0.0/99"] }],
    ["webhookLookup", { webhookLookup: 5 as unknown as LookupFunction }],
  ])("as an app option, a bad %s is a TypeError naming it", (name, options) => {
    expect(() => buildApp(options)).toThrow(TypeError);
    expect(() => buildApp(options)).toThrow(`\`${name}\``);
  });

  it("says a string is a string", () => {
    expect(() => buildApp({ webhookAllowPrivate: "1" as unknown as boolean })).toThrow(
      'got the string "1"',
    );
  });
});
