import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { TranslationStatusClient, type WaitOptions } from "@translation-status/client";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import { completed, hang, scriptedFetch } from "../../../test/support/scripted-fetch.js";
import { identityHeaders } from "../src/internal/identity.js";

const packageJson = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
) as { version: string };

const typeError = (run: () => unknown): TypeError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
  throw new Error("expected a TypeError");
};

describe("the constructor's forms", () => {
  it("takes a status URL followed by options, and uses those options", async () => {
    const clock = new VirtualClock();
    const { fetch, calls } = scriptedFetch([hang, completed], () => clock.now());
    const client = new TranslationStatusClient("http://sim.test/status", {
      fetch,
      clock,
      apiKey: "k-1",
      requestTimeoutMs: 400,
    });
    expect(client.statusUrl).toBe("http://sim.test/status");
    expect(client.baseUrl).toBe("http://sim.test");
    // The hung first request times out after the given 400 ms, not the default 30 s.
    const status = await clock.run(client.getStatus());
    expect(status.status).toBe("completed");
    expect(calls.map((c) => c.url)).toEqual(["http://sim.test/status", "http://sim.test/status"]);
    expect(calls[1]!.at).toBeGreaterThanOrEqual(400);
    expect(calls[1]!.at).toBeLessThan(1_500);
    expect(calls[0]!.headers["x-api-key"]).toBe("k-1");
  });

  it("identifies itself: User-Agent with the version on Node, X-Client-Name from clientName", async () => {
    const { fetch, calls } = scriptedFetch([completed, completed]);
    await new TranslationStatusClient({ fetch, clientName: "billing-sync" }).getStatus();
    expect(calls[0]!.headers["user-agent"]).toBe(`translation-status/${packageJson.version}`);
    expect(calls[0]!.headers["x-client-name"]).toBe("billing-sync");
    // Without a name, no X-Client-Name; the caller's own headers still win over the defaults.
    const named = { "user-agent": "acme/2" };
    await new TranslationStatusClient({ fetch, headers: named }).getStatus();
    expect(calls[1]!.headers["x-client-name"]).toBeUndefined();
    expect(calls[1]!.headers["user-agent"]).toBe("acme/2");
  });

  it("leaves User-Agent to the runtime where it is not Node", () => {
    const realProcess = globalThis.process;
    // A browser has no `process`; restored at once, before anything else runs.
    vi.stubGlobal("process", undefined);
    let headers: Record<string, string>;
    try {
      headers = identityHeaders("web-app");
    } finally {
      vi.stubGlobal("process", realProcess);
      vi.unstubAllGlobals();
    }
    expect(headers).toEqual({ "x-client-name": "web-app" });
  });

  it("reads jobs beside the status URL", async () => {
    const { fetch, calls } = scriptedFetch([{ json: { id: "j", status: "completed" } }]);
    const client = new TranslationStatusClient("http://sim.test/status", { fetch });
    await client.getStatus("j");
    expect(calls[0]!.url).toBe("http://sim.test/jobs/j");
  });

  it.each([
    [() => new TranslationStatusClient("http://x.test/status", 400 as never), /got 400/],
    [
      () => new TranslationStatusClient({ baseUrl: "http://x.test" } as never, {} as never),
      /second argument/,
    ],
    [() => new TranslationStatusClient(42 as never), /options object or a status URL/],
    [() => new TranslationStatusClient(null as never), /got null/],
    [
      () => new TranslationStatusClient("http://x.test/status", { statusUrl: "http://y" } as never),
      /"statusUrl"/,
    ],
  ])("refuses any other call form (%#)", (make, message) => {
    expect(typeError(make).message).toMatch(message);
  });

  it.each([
    [{ baseURL: "http://x.test" }, "baseURL", "baseUrl"],
    [{ apikey: "k" }, "apikey", "apiKey"],
    [{ timeout: 5_000 }, "timeout", "requestTimeoutMs"],
    [{ maxRetry: 3 }, "maxRetry", "maxRetries"],
  ])("names an unknown option %o and suggests the close one", (options, name, close) => {
    const error = typeError(() => new TranslationStatusClient(options as never));
    expect(error.message).toContain(`"${name}"`);
    expect(error.message).toContain(`did you mean \`${close}\`?`);
  });

  it("suggests nothing for a name close to none", () => {
    const error = typeError(() => new TranslationStatusClient({ colour: "blue" } as never));
    expect(error.message).toBe('Unknown client option "colour"');
  });

  it.each([
    [
      { requestTimeoutMs: "400" },
      /"requestTimeoutMs" must be a number >= 1, got a string \("400"\)/,
    ],
    [{ maxRetries: 1.5 }, /"maxRetries" must be an integer between 0 and 100, got 1.5/],
    [{ fetch: "fetch" }, /"fetch" must be a function, got a string/],
    [{ headers: ["x"] }, /"headers" must be an object, got an array/],
    [{ clientName: "" }, /"clientName" must be a non-empty string/],
    [
      { api: "heygen" },
      /"api" must be one of "jobs", "heygen-v2", "heygen-v3", "elevenlabs", got a string/,
    ],
    [{ baseUrl: 8000 }, /"baseUrl" must be a string, got 8000/],
    [{ maxConcurrentRequests: null }, /"maxConcurrentRequests" must be an integer >= 1, got null/],
  ])("says what type a wrong value has: %o", (options, message) => {
    expect(typeError(() => new TranslationStatusClient(options as never)).message).toMatch(message);
  });

  it("takes an option set to undefined as its default", () => {
    // What a caller's spread of optional settings produces.
    const settings = { baseUrl: undefined, requestTimeoutMs: undefined } as object;
    const client = new TranslationStatusClient(settings);
    expect(client.baseUrl).toBe("http://localhost:8000");
  });
});

describe("wait options", () => {
  const setup = () => {
    const clock = new VirtualClock();
    const { fetch, calls } = scriptedFetch([{ json: { id: "job_1", status: "completed" } }]);
    const client = new TranslationStatusClient({ baseUrl: "http://sim.test", fetch, clock });
    return { client, calls, clock };
  };

  it("takes a string as the job id, as getStatus does", async () => {
    const { client, calls, clock } = setup();
    const result = await clock.run(client.waitForCompletion("job_1"));
    expect(result.status).toBe("completed");
    expect(calls[0]!.url).toBe("http://sim.test/jobs/job_1");
  });

  it.each([
    [42, /must be an object, got 42/],
    [null, /must be an object, got null/],
    [["job_1"], /must be an object, got an array/],
    ["", /"jobId" must be a non-empty string/],
  ])("refuses %o as the argument", async (argument, message) => {
    const { client, calls } = setup();
    const error = await client.waitForCompletion(argument as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    expect(calls).toHaveLength(0);
  });

  it.each([
    [{ jobId: "job_1", timeout: 60_000 }, "timeout", "maxWaitMs"],
    [{ jobId: "job_1", maxWait: 60_000 }, "maxWait", "maxWaitMs"],
    [{ jobID: "job_1" }, "jobID", "jobId"],
    [{ jobId: "job_1", interval: 1_000 }, "interval", "pollIntervalMs"],
    [{ jobId: "job_1", onprogress: () => {} }, "onprogress", "onProgress"],
  ])("names an unknown wait option %o and suggests the close one", async (options, name, close) => {
    const { client, calls } = setup();
    const error = (await client
      .waitForCompletion(options as WaitOptions)
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`Unknown wait option "${name}": did you mean \`${close}\`?`);
    expect(calls).toHaveLength(0);
  });

  it("says a number given as a string is a string", async () => {
    const { client } = setup();
    await expect(
      client.waitForCompletion({ jobId: "job_1", maxWaitMs: "60000" as never }),
    ).rejects.toThrow('Option "maxWaitMs" must be a number >= 0, got a string ("60000")');
  });

  it("checks waitForAll's options by the same table", async () => {
    const { client } = setup();
    await expect(client.waitForAll(["job_1"], { timeout: 5 } as never)).rejects.toThrow(
      'Unknown wait option "timeout": did you mean `maxWaitMs`?',
    );
    await expect(client.waitForAll(["job_1"], { batchSize: 0 })).rejects.toThrow(
      /"batchSize" must be an integer >= 1, got 0/,
    );
    // onPoll belongs to a single wait.
    await expect(client.waitForAll(["job_1"], { onPoll: () => {} } as never)).rejects.toThrow(
      /Unknown wait option "onPoll"/,
    );
  });

  it("keeps minIntervalMs at most maxIntervalMs", async () => {
    const { client } = setup();
    await expect(
      client.waitForCompletion({ jobId: "job_1", minIntervalMs: 5_000, maxIntervalMs: 1_000 }),
    ).rejects.toThrow(/"minIntervalMs" must be at most maxIntervalMs/);
  });
});
