import { METHODS } from "node:http";
import fc from "fast-check";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { expect, it } from "vitest";
import { buildApp, type AppOptions, type ErrorBody } from "../src/index.js";
import { ERROR_STATUS } from "../src/errors.js";
import { FAULT_KINDS } from "../src/faults/kinds.js";
import { held } from "./observe.js";
import { fakeClock, injectOnClock } from "./helpers.js";

// Thousands of odd requests against one app with every safety feature on (auth, idempotency,
// both limits, latency) and faults off: nothing may answer 5xx, every error must be our JSON
// shape, and the app must still answer afterwards. FUZZ_SEED=<n> replays or varies a run.

const KEY = "sk_fuzz_0123456789";
// light-my-request would wait for a hung request forever.
const ANSWERING_KINDS = FAULT_KINDS.filter((kind) => kind !== "hang");
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);

// light-my-request accepts these; Node would refuse other methods before Fastify sees them.
const INJECTABLE = new Set([
  ...["ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK"],
  ...["M-SEARCH", "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS"],
  ...["PATCH", "POST", "PROPFIND", "PROPPATCH", "PURGE", "PUT", "QUERY", "REBIND", "REPORT"],
  ...["SEARCH", "SOURCE", "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE"],
]);

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("GET", "POST", "DELETE", "HEAD") },
  { weight: 1, arbitrary: fc.constantFrom(...METHODS.filter((m) => INJECTABLE.has(m))) },
);

// "{id}" becomes the id of a job the fuzz created, when there is one.
const segment = fc.oneof(
  fc.constantFrom(
    ...["status", "jobs", "events", "healthz", "job_abc", "{id}", "{id}", "..", ".", ""],
    ...["%2e%2e", "%2F", "%00", "%E0%A4%A", "%", "%%", "Status", "JOBS", "ジョブ", "é", "😀"],
    ...["job_" + "A".repeat(64), "job_" + "A".repeat(120), "jobs;x=1", "jobs%20", "\\"],
  ),
  fc.stringMatching(/^[A-Za-z0-9._~%-]{0,20}$/),
  fc.string({ maxLength: 8, unit: "binary" }).map(encodeURIComponent),
);

const path = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      ...["/status", "/status/events", "/jobs", "/jobs", "/jobs/{id}", "/jobs/{id}"],
      ...["/jobs/{id}/events", "/healthz", "/jobs/job_missing", "/"],
    ),
  },
  {
    weight: 3,
    arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => `/${s.join("/")}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...["//jobs", "/jobs/", "/jobs//events", "/../status", "/status/../jobs", "/jobs/./x"],
      ...["/jobs/{id}/events/", "/status#frag", "/jobs/{id}%2Fevents", "/healthz/", "/%2e%2e/"],
      ...[`/${"x".repeat(5_000)}`, `/jobs/${"a".repeat(2_000)}`, `/jobs/job_${"é".repeat(50)}`],
    ),
  },
);

const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));

const query = fc.option(
  fc
    .array(
      fc.tuple(
        fc.constantFrom(
          ...["limit", "cursor", "status", "lastEventId", "x", "__proto__", "constructor"],
          ...["limit[]", "status[x]", ""],
        ),
        fc.oneof(
          fc.constantFrom(
            ...["1", "0", "-1", "20", "100", "101", "1e3", "abc", "", "pending", "done"],
            ...["99999999999999999999", "%", "%ZZ", "é", "am9iX2FiYw", "1000"],
          ),
          fc.stringMatching(/^[\x21-\x7e]{0,30}$/),
        ),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&")),
  { nil: undefined },
);

const headerValue = fc.oneof(printable(40), fc.constantFrom("", " ", "x".repeat(8_000)));

interface FuzzHeaders {
  auth: string;
  prefer?: string;
  lastEventId?: string;
  idempotencyKey?: string;
  contentType?: string;
  requestId?: string;
  accept?: string;
}

interface Fuzzed {
  method: string;
  path: string;
  query: string | undefined;
  headers: FuzzHeaders;
  body: string | undefined;
  pick: number;
}

const headers: fc.Arbitrary<FuzzHeaders> = fc.record(
  {
    auth: fc.constantFrom(
      "key",
      "key",
      "key",
      "key",
      "bearer",
      "wrong",
      "none",
      "mismatch",
      "basic",
    ),
    prefer: fc.oneof(
      fc.constantFrom(
        ...["wait=0", "wait=1", "wait=3", "wait=99999999999999999999", 'WAIT = "2"', "wait"],
        ...["wait=-1", "respond-async, wait=2", "wait=1;x=y", '"', ",,,,", "x".repeat(10_000)],
      ),
      headerValue,
    ),
    lastEventId: fc.oneof(
      fc.constantFrom(
        "0",
        "1000",
        "999999999",
        "999999999",
        "99999999999999999999",
        "-1",
        "",
        " 5 ",
        "1".repeat(5_000),
      ),
      headerValue,
    ),
    idempotencyKey: fc.oneof(
      fc.constantFrom("k1", "k2", "k3", "a b", "", "k".repeat(255), "k".repeat(256)),
      headerValue,
    ),
    contentType: fc.constantFrom(
      ...["application/json", "application/json; charset=utf-8", "text/plain", "APPLICATION/JSON"],
      ...[
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
      ],
      ...["application/merge-patch+json", "", ";;;", "application/json; charset=latin1", "*/*"],
    ),
    requestId: headerValue,
    accept: fc.constantFrom("text/event-stream", "application/json", "*/*", "text/html"),
  },
  { requiredKeys: ["auth"] },
);

const validFields = fc.record(
  {
    pendingDurationMs: fc.integer({ min: 0, max: 3_000 }),
    errorProbability: fc.double({ min: 0, max: 1, noNaN: true }),
    etaError: fc.double({ min: 0, max: 0.99, noNaN: true }),
    metadata: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 5,
    }),
    // Faults stay off: 0 is the only valid rate generated.
    faultRate: fc.constant(0),
    // No hang: a job's kinds apply with the server's rate, and inject would wait forever.
    faultKinds: fc.subarray(ANSWERING_KINDS, { minLength: 1 }),
    latencyMs: fc.oneof(
      fc.integer({ min: 0, max: 200 }),
      fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 100, max: 200 })),
    ),
  },
  { requiredKeys: [] },
);

// One field set to something it must not be.
const badField = fc.oneof(
  fc.tuple(
    fc.constant("pendingDurationMs"),
    fc.constantFrom(-1, 86_400_001, 1.5, "100", null, 1e308),
  ),
  fc.tuple(fc.constant("errorProbability"), fc.constantFrom(-0.1, 2, "0.5", [])),
  fc.tuple(fc.constant("etaError"), fc.constantFrom(1, -1, true)),
  fc.tuple(fc.constant("metadata"), fc.jsonValue({ maxDepth: 1 })),
  fc.tuple(fc.constant("faultRate"), fc.constantFrom(1.5, -1, "1")),
  fc.tuple(fc.constant("faultKinds"), fc.constantFrom([], ["504"], "hang", [1], ["hang", "hang"])),
  fc.tuple(fc.constant("latencyMs"), fc.constantFrom(-1, 60_001, "5", [1], [200, 20], null)),
  fc.tuple(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })),
);

const createBody = fc.oneof(
  { weight: 4, arbitrary: validFields.map((fields) => JSON.stringify(fields)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validFields, badField)
      .map(([fields, [name, value]]) => JSON.stringify({ ...fields, [name]: value })),
  },
);

const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
const NASTY_BODIES = [
  ...["{", "[", "null", "1", '"x"', "", " ", "\u0000", "\ufeff{}", '{"a":1}garbage', "[]"],
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"metadata":{"__proto__":{"polluted":1}}}',
  '{"metadata":{"constructor":{"prototype":{"polluted":1}}}}',
  '{"metadata":{"a":"\\ud800"}}',
  '{"pendingDurationMs":1,"pendingDurationMs":2}',
  deep(30_000),
  `{"metadata":${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}}`,
  `{"metadata":${deep(20)}}`,
  `{"metadata":${'{"a":'.repeat(17)}1${"}".repeat(17)}}`,
  `{"metadata":{"k":"${"x".repeat(20_000)}"}}`,
  `{"metadata":{"k":"${"x".repeat(70_000)}"}}`,
];

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: createBody },
  { weight: 1, arbitrary: fc.json() },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 50 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_BODIES) },
);

// Past the gates: a valid key, everything else still fuzzed.
const keyed = headers.map((h) => ({ ...h, auth: h.auth === "bearer" ? "bearer" : "key" }));
const pick = fc.nat();

const request: fc.Arbitrary<Fuzzed> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ method, path, query, headers, body, pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      method: fc.constant("POST"),
      path: fc.constant("/jobs"),
      query: fc.constant(undefined),
      // Few idempotency keys, so retries and reuses with another body happen.
      headers: fc
        .tuple(keyed, fc.option(fc.constantFrom("k1", "k2", "k3"), { nil: undefined }))
        .map(([h, idempotencyKey]): FuzzHeaders => {
          const { idempotencyKey: _, ...rest } = h;
          return {
            ...rest,
            contentType: "application/json",
            ...(idempotencyKey !== undefined && { idempotencyKey }),
          };
        }),
      body: fc.option(createBody, { nil: undefined }),
      pick,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      method: fc.constantFrom("GET", "GET", "DELETE", "HEAD"),
      path: fc.constantFrom("/jobs/{id}", "/jobs/{id}/events", "/jobs", "/status/events"),
      query,
      headers: keyed,
      body: fc.constant(undefined),
      pick,
    }),
  },
);

function toInject(input: Fuzzed, ids: string[]): InjectOptions {
  const id = ids.length === 0 ? "job_none" : ids[input.pick % ids.length]!;
  const url =
    input.path.replaceAll("{id}", id) + (input.query === undefined ? "" : `?${input.query}`);
  const h = input.headers;
  const out: Record<string, string> = {};
  if (h.auth === "key") out["x-api-key"] = KEY;
  if (h.auth === "bearer") out.authorization = `Bearer ${KEY}`;
  if (h.auth === "wrong") out["x-api-key"] = "sk_wrong";
  if (h.auth === "mismatch") Object.assign(out, { "x-api-key": KEY, authorization: "Bearer x" });
  if (h.auth === "basic") out.authorization = "Basic Zm9vOmJhcg==";
  if (h.prefer !== undefined) out.prefer = h.prefer;
  if (h.lastEventId !== undefined) out["last-event-id"] = h.lastEventId;
  if (h.idempotencyKey !== undefined) out["idempotency-key"] = h.idempotencyKey;
  if (h.contentType !== undefined) out["content-type"] = h.contentType;
  if (h.requestId !== undefined) out["x-request-id"] = h.requestId;
  if (h.accept !== undefined) out.accept = h.accept;
  const options: InjectOptions = {
    method: input.method as NonNullable<InjectOptions["method"]>,
    url,
    headers: out,
  };
  if (input.body !== undefined) options.payload = input.body;
  return options;
}

const CODES = new Set(Object.keys(ERROR_STATUS));

/** Not a fault, or a fault that delivers the real answer: the rules every answer keeps. */
function expectWellFormed(response: LightMyRequestResponse, method: string, where: string): void {
  const { statusCode } = response;
  expect(statusCode, where).toBeLessThan(500);
  expect(response.headers["x-request-id"], where).toEqual(expect.any(String));
  if (statusCode === 204 || method === "HEAD") {
    expect(response.body, where).toBe("");
    return;
  }
  if (statusCode < 300) return;
  expect(response.headers["content-type"], where).toMatch(/^application\/json/);
  const error = response.json<ErrorBody>();
  expect(Object.keys(error), where).toEqual(["error"]);
  expect(Object.keys(error.error).sort(), where).toEqual(["code", "message"]);
  expect(CODES.has(error.error.code), where).toBe(true);
  expect(error.error.message, where).toEqual(expect.any(String));
  expect(error.error.message, where).not.toBe("");
  expect(response.body, where).not.toMatch(/ at .*\.(ts|js):\d+/);
}

/**
 * Sends `runs` fuzzed requests to an app on a fake clock; `check` judges each answer, or the
 * error when `inject` itself fails (a dropped connection). Returns how often each status came.
 */
async function fuzz(
  options: AppOptions,
  runs: number,
  check: (outcome: LightMyRequestResponse | Error, method: string, where: string) => void,
): Promise<Map<number, number>> {
  const clock = fakeClock();
  const app = buildApp({ now: clock.now, setTimer: clock.setTimer, ...options });
  try {
    const ids: string[] = [];
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const sent = toInject(input, ids);
        // What light-my-request cannot even send (e.g. "/\\x" reads as a host) proves nothing.
        fc.pre(URL.canParse(String(sent.url), "http://localhost"));
        clock.advance(25);
        const outcome = await injectOnClock(app, clock, sent, 10).catch((error: Error) => error);
        const status = outcome instanceof Error ? 0 : outcome.statusCode;
        seen.set(status, (seen.get(status) ?? 0) + 1);
        const where = `${sent.method} ${String(sent.url).slice(0, 200)} -> ${status}`;
        check(outcome, String(sent.method), where);
        if (status === 201) ids.push((outcome as LightMyRequestResponse).json<{ id: string }>().id);
      }),
      { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? 20_250_101) },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Still answering (through the faults, if any), and nothing left behind.
    clock.advance(10_000);
    let answer: LightMyRequestResponse | Error | undefined;
    for (
      let i = 0;
      i < 50 && (answer === undefined || answer instanceof Error || answer.statusCode !== 200);
      i++
    ) {
      answer = await injectOnClock(app, clock, {
        url: "/status",
        headers: { "x-api-key": KEY },
      }).catch((error: Error) => error);
    }
    expect((answer as LightMyRequestResponse).json().result).toEqual(expect.any(String));
    // Nothing held: no long-poll or stream, and no delay or slow answer left on the clock.
    expect(await held(app)).toMatchObject({ longPolls: 0, jobStreams: 0, multiplexedStreams: 0 });
    expect(clock.timers).toBe(0);
    return seen;
  } finally {
    await app.close();
  }
}

// Every safety feature on: auth, idempotency, both limits, latency.
const guarded: AppOptions = {
  seed: 1,
  apiKeys: [KEY, "sk_other"],
  rateLimit: 20,
  maxConcurrentJobs: 3,
  latencyMs: [0, 20],
  pendingDurationMs: 2_000,
  maxWaitSeconds: 3,
};

it(`survives ${RUNS} odd requests: no 5xx, every error our JSON shape`, async () => {
  const seen = await fuzz({ ...guarded, faultRate: 0 }, RUNS, (outcome, method, where) => {
    expect(outcome, where).not.toBeInstanceOf(Error);
    expectWellFormed(outcome as LightMyRequestResponse, method, where);
  });
  // The fuzz reached past the gates, not only into 401s and 404s.
  for (const status of [200, 201, 204, 400, 401, 404, 405, 409, 415, 422, 429]) {
    expect(seen.get(status) ?? 0, `answers with status ${status}`).toBeGreaterThan(2);
  }
});

it(`keeps faults well-formed under ${RUNS / 4} odd requests`, async () => {
  // No hang: light-my-request would wait for it forever.
  const faultKinds = FAULT_KINDS.filter((kind) => kind !== "hang");
  const seen = await fuzz(
    { ...guarded, faultRate: 0.3, faultKinds },
    RUNS / 4,
    (outcome, method, where) => {
      if (outcome instanceof Error) {
        // reset and truncated drop the connection, which is all inject can report.
        expect(outcome.message, where).toMatch(/destroyed/);
        return;
      }
      const fault = outcome.headers["x-injected-fault"];
      if (fault === undefined || fault === "slow") return expectWellFormed(outcome, method, where);
      expect(String(outcome.statusCode), where).toBe(fault);
    },
  );
  expect(seen.get(0) ?? 0).toBeGreaterThan(10);
});
