import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  HttpError,
  NetworkError,
  TranslationStatusClient,
} from "@translation-status/client";
import { VirtualClock } from "../../../test/support/virtual-clock.js";
import { scriptedFetch, type Step } from "../../../test/support/scripted-fetch.js";

function client(steps: Step[], api: "jobs" | "heygen-v3" = "jobs") {
  const clock = new VirtualClock();
  const { fetch, calls } = scriptedFetch(steps, () => clock.now());
  const c = new TranslationStatusClient({
    baseUrl: "http://sim.test",
    api,
    fetch,
    clock,
    random: () => 0.5,
  });
  return { client: c, calls, clock };
}

async function failureOf(step: Step): Promise<HttpError> {
  const { client: c } = client([step]);
  return (await c.getStatus("job_1").catch((e: unknown) => e)) as HttpError;
}

describe("errors carry the server's words", () => {
  it("reads our envelope (and HeyGen's, which is the same)", async () => {
    const error = await failureOf({
      json: {
        error: { code: "invalid_request", message: 'body has unknown field "pendingDuration"' },
        data: null,
      },
      status: 400,
    });
    expect(error).toMatchObject({
      code: "invalid_request",
      serverMessage: 'body has unknown field "pendingDuration"',
    });
    expect(error.message).toBe(
      'GET http://sim.test/jobs/job_1 failed with HTTP 400 (invalid_request): body has unknown field "pendingDuration"',
    );
  });

  it("reads a 401's explanation", async () => {
    const error = await failureOf({
      json: { error: { code: "unauthorized", message: "Send an API key in X-Api-Key" } },
      status: 401,
    });
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain("Send an API key in X-Api-Key");
  });

  it.each([
    [{ detail: { status: "quota_exceeded", message: "This request exceeds your quota" } }],
    [{ detail: "This request exceeds your quota" }],
    [{ detail: [{ loc: ["body"], msg: "This request exceeds your quota" }] }],
    [{ code: "quota_exceeded", message: "This request exceeds your quota" }],
    [{ error: "This request exceeds your quota" }],
  ])("reads ElevenLabs' and other shapes: %j", async (body) => {
    const error = await failureOf({ json: body, status: 422 });
    expect(error.serverMessage).toBe("This request exceeds your quota");
    expect(error.message).toMatch(
      /HTTP 422( \(quota_exceeded\))?: This request exceeds your quota$/,
    );
  });

  it("keeps the plain message for a body without words", async () => {
    const error = await failureOf(new Response("<html>oops</html>", { status: 418 }));
    expect(error.message).toBe("GET http://sim.test/jobs/job_1 failed with HTTP 418");
    expect(error.bodyExcerpt).toContain("oops");
  });
});

describe("a NetworkError names its root cause and host", () => {
  const refused = () =>
    Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.9:8443"), {
        code: "ECONNREFUSED",
      }),
    });

  it("digs the code out of fetch's cause", async () => {
    const { client: c, clock } = client([refused()]);
    const error = (await clock.run(c.getStatus("job_1")).catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: "ECONNREFUSED", host: "sim.test:80" });
    expect(error.message).toBe(
      "GET http://sim.test/jobs/job_1 failed before any response: connection refused (ECONNREFUSED) at sim.test:80",
    );
  });

  it("looks inside an AggregateError of one attempt per address", async () => {
    const aggregate = Object.assign(new TypeError("fetch failed"), {
      cause: new AggregateError([
        Object.assign(new Error("a"), { code: "ENOTFOUND" }),
        Object.assign(new Error("b"), { code: "ENOTFOUND" }),
      ]),
    });
    const { client: c, clock } = client([aggregate]);
    const error = (await clock.run(c.getStatus("job_1")).catch((e: unknown) => e)) as NetworkError;
    expect(error.code).toBe("ENOTFOUND");
    expect(error.message).toContain("host name not found (ENOTFOUND) at sim.test:80");
  });

  it("says a wait's refused first request looks like a wrong URL, and does not retry it", async () => {
    const { client: c, calls, clock } = client([refused()]);
    const error = (await clock
      .run(c.waitForCompletion("job_1"))
      .catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toMatch(/configuration problem: check baseUrl/);
    expect(calls).toHaveLength(1);
  });

  it("says a wait's first 401 looks like a wrong key", async () => {
    const { client: c, calls, clock } = client([{ json: {}, status: 401 }]);
    const error = (await clock.run(c.waitForCompletion("job_1")).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/check apiKey/);
    expect(calls).toHaveLength(1);
  });
});

describe("409 request_in_progress on a creation", () => {
  const inProgress: Step = {
    json: {
      error: { code: "request_in_progress", message: "A request with this key is in progress" },
    },
    status: 409,
  };
  const created: Step = { json: { data: { video_translation_ids: ["vt_5"] } } };

  it("is asked again shortly with the same Idempotency-Key, never thrown", async () => {
    // More in-progress answers than maxRetries (2): they are not failures and do not count.
    const {
      client: c,
      calls,
      clock,
    } = client([inProgress, inProgress, inProgress, inProgress, created], "heygen-v3");
    const job = await clock.run(
      c.createJob({
        video: { type: "url", url: "https://e.test/a.mp4" },
        output_languages: ["French"],
        idempotencyKey: "k-7",
      }),
    );
    expect(job.jobId).toBe("vt_5");
    expect(calls.map((call) => call.headers["idempotency-key"])).toEqual(Array(5).fill("k-7"));
    // Short pauses: 250 ms doubling (minus a tenth of jitter), capped at 2 s.
    expect(calls.map((call) => call.at)).toEqual([0, 225, 675, 1_575, 3_375]);
  });

  it("gives a 409 of another kind to the caller at once", async () => {
    const conflict: Step = {
      json: { error: { code: "idempotency_key_reused", message: "different body" } },
      status: 409,
    };
    const { client: c, calls } = client([conflict, created], "heygen-v3");
    const error = await c
      .createJob({ video: { type: "url", url: "https://e.test/a.mp4" }, output_languages: ["de"] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(calls).toHaveLength(1);
  });
});
