import { describe, expect, it } from "vitest";
import { buildApp, ConfigError, loadConfig } from "../src/index.js";
import { createJob, expectError, setup } from "./helpers.js";

const PAGE = "https://app.example";
const KEY = "sk_cors_test";

/** What a browser sends before a cross-origin request with these headers. */
function preflight(url: string, method: string, headers: string, origin = PAGE) {
  return {
    method: "OPTIONS" as const,
    url,
    headers: {
      origin,
      "access-control-request-method": method,
      "access-control-request-headers": headers,
    },
  };
}

const list = (header: string | string[] | number | undefined) =>
  String(header)
    .split(",")
    .map((name) => name.trim().toLowerCase());

describe("CORS, by default", () => {
  it("allows in a preflight every method a route of the app answers", async () => {
    const app = buildApp({ logger: false, dashboardDir: false });
    const methods = new Set<string>();
    app.addHook("onRoute", (route) => {
      for (const method of [route.method].flat()) methods.add(method.toLowerCase());
    });
    await app.ready();
    const response = await app.inject(preflight("/jobs", "POST", "content-type"));
    await app.close();
    const allowed = list(response.headers["access-control-allow-methods"]);
    methods.delete("options");
    expect(methods.has("patch")).toBe(true);
    expect(allowed).toEqual(expect.arrayContaining([...methods]));
  });

  it("answers a preflight from any origin with the methods and headers the client sends", async () => {
    // Auth on and every request faulted: a preflight meets neither.
    const { app } = setup({ apiKeys: [KEY], faultRate: 1, rateLimit: 1 });
    const response = await app.inject(
      preflight("/jobs", "POST", "x-api-key,idempotency-key,content-type"),
    );
    expect(response.statusCode).toBe(204);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
    expect(list(response.headers["access-control-allow-methods"])).toEqual(
      expect.arrayContaining(["get", "post", "delete"]),
    );
    expect(list(response.headers["access-control-allow-headers"])).toEqual(
      expect.arrayContaining([
        "x-api-key",
        "authorization",
        "idempotency-key",
        "prefer",
        "last-event-id",
        "content-type",
      ]),
    );
    expect(Number(response.headers["access-control-max-age"])).toBeGreaterThan(0);
    expect(response.headers["x-injected-fault"]).toBeUndefined();
    // The second request of the second: the rate limit does not count preflights either.
    const again = await app.inject(preflight("/jobs/job_x/events", "GET", "last-event-id"));
    expect(again.statusCode).toBe(204);
    // What the client's event stream sends.
    expect(list(again.headers["access-control-allow-headers"])).toEqual(
      expect.arrayContaining(["last-event-id", "cache-control"]),
    );
  });

  it("exposes the hint headers on answers, so a page reads what Node reads", async () => {
    const { app } = setup({ errorProbability: 0 });
    const created = await app.inject({
      method: "POST",
      url: "/jobs",
      headers: { origin: PAGE, "idempotency-key": "cors-1", prefer: "wait=0" },
      payload: {},
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers["access-control-allow-origin"]).toBe("*");
    const exposed = list(created.headers["access-control-expose-headers"]);
    for (const name of [
      "retry-after",
      "poll-after-ms",
      "link",
      "preference-applied",
      "location",
      "idempotency-replayed",
    ]) {
      expect(exposed).toContain(name);
    }
    // Every header the answer carries that a page needs is in the list.
    for (const name of ["location", "retry-after", "poll-after-ms", "link"]) {
      expect(created.headers[name], name).toBeDefined();
    }
    // No Vary: Origin when one answer fits every origin.
    expect(list(created.headers.vary)).not.toContain("origin");
  });

  it("puts its headers on refusals too: a 401, a 429 and an injected fault", async () => {
    const { app } = setup({ apiKeys: [KEY] });
    const refused = await app.inject({ url: "/jobs", headers: { origin: PAGE } });
    expectError(refused, 401, "unauthorized");
    expect(refused.headers["access-control-allow-origin"]).toBe("*");

    const limited = setup({ rateLimit: 1 }).app;
    await limited.inject({ url: "/jobs", headers: { origin: PAGE } });
    const second = await limited.inject({ url: "/jobs", headers: { origin: PAGE } });
    expectError(second, 429, "rate_limited");
    expect(second.headers["access-control-allow-origin"]).toBe("*");
    expect(list(second.headers["access-control-expose-headers"])).toContain("retry-after");

    const faulty = setup({ faultRate: 1, faultKinds: ["503"] }).app;
    const fault = await faulty.inject({ url: "/jobs", headers: { origin: PAGE } });
    expect(fault.statusCode).toBe(503);
    expect(fault.headers["access-control-allow-origin"]).toBe("*");
  });

  it("answers an OPTIONS without Origin as a preflight, not with an error", async () => {
    const { app } = setup();
    const response = await app.inject({ method: "OPTIONS", url: "/jobs" });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe("");
  });

  it("keeps the preflight route out of the OpenAPI document", async () => {
    const { app } = setup();
    const document = (await app.inject({ url: "/openapi.json" })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    for (const operations of Object.values(document.paths)) {
      expect(Object.keys(operations)).not.toContain("options");
    }
  });
});

describe("CORS restricted by corsOrigins", () => {
  const corsOrigins = [PAGE, "http://localhost:5173"];

  it("allows the listed origins, and says the answer varies by origin", async () => {
    const { app } = setup({ corsOrigins, errorProbability: 0 });
    const job = await createJob(app);
    for (const origin of corsOrigins) {
      const read = await app.inject({ url: `/jobs/${job.id}`, headers: { origin } });
      expect(read.headers["access-control-allow-origin"]).toBe(origin);
      // Routes that vary by Prefer keep Origin in Vary too: a cache must not mix origins.
      expect(list(read.headers.vary)).toEqual(expect.arrayContaining(["origin", "prefer"]));
      const allowed = await app.inject(preflight(`/jobs/${job.id}`, "DELETE", "x-api-key", origin));
      expect(allowed.statusCode).toBe(204);
      expect(allowed.headers["access-control-allow-origin"]).toBe(origin);
    }
  });

  it("gives other origins nothing a browser would accept", async () => {
    const { app } = setup({ corsOrigins });
    const other = "https://evil.example";
    const answer = await app.inject(preflight("/jobs", "POST", "content-type", other));
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    const read = await app.inject({ url: "/jobs", headers: { origin: other } });
    expect(read.statusCode).toBe(200);
    expect(read.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("turns CORS off with an empty list: OPTIONS is then a 405 like any unknown method", async () => {
    const { app } = setup({ corsOrigins: [] });
    const answer = await app.inject(preflight("/jobs", "POST", "content-type"));
    expectError(answer, 405, "method_not_allowed");
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it.each([
    ["a bare host", ["app.example"]],
    ["a path", ["https://app.example/"]],
    ["another scheme", ["ftp://app.example"]],
    ["not a list", "https://app.example"],
    ["a number", [8080]],
  ])("refuses %s with a TypeError naming corsOrigins", (_, corsOrigins) => {
    expect(() => buildApp({ corsOrigins: corsOrigins as string[] })).toThrow(
      /Expected `corsOrigins` to be/,
    );
  });
});

describe("CORS_ORIGINS", () => {
  it("is unset by default (any origin), and reads a comma list or *", () => {
    expect(loadConfig({})).not.toHaveProperty("corsOrigins");
    expect(loadConfig({ CORS_ORIGINS: " https://app.example , http://localhost:5173" })).toEqual(
      expect.objectContaining({ corsOrigins: ["https://app.example", "http://localhost:5173"] }),
    );
    expect(loadConfig({ CORS_ORIGINS: "*" })).toMatchObject({ corsOrigins: ["*"] });
  });

  it.each(["app.example", "https://app.example/", "https://a.example,,https://b.example"])(
    "rejects CORS_ORIGINS=%s with a ConfigError naming it",
    (value) => {
      let caught: unknown;
      try {
        loadConfig({ CORS_ORIGINS: value });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).variable).toBe("CORS_ORIGINS");
    },
  );
});
