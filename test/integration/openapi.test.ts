import { describe, expect, it } from "vitest";
import type { RouteOptions } from "fastify";
import { buildApp } from "@translation-status/server";
import { contractProblems, openApiDocument } from "../support/contract/check.js";
import { simulator } from "../support/servers.js";

interface Operation {
  summary?: string;
  responses: Record<string, unknown>;
}

describe("the OpenAPI document", () => {
  it("is served at /openapi.json and describes every route the server has", async () => {
    const server = await simulator({ apiKeys: ["secret"] });
    // Public, like the health check: no key needed to read how to use the API.
    const response = await fetch(`${server.url}/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
    };
    expect(doc.openapi).toBe("3.1.0");

    // Every route an app registers, as it registers them.
    const app = buildApp({ logger: false });
    const registered: RouteOptions[] = [];
    app.addHook("onRoute", (route) => void registered.push(route));
    await app.ready();
    await app.close();
    // Pages and files (the document itself, its reference page, the dashboard) are hidden: their
    // plugins mark them after this hook saw them, hence the filter once all are registered.
    const routes = registered
      .filter((route) => route.schema?.hide !== true)
      .flatMap((route) => [route.method].flat().map((method) => `${method} ${route.url}`))
      .filter((route) => !route.startsWith("HEAD "));
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    expect(routes.length).toBeGreaterThan(5);
    expect(new Set(documented)).toEqual(new Set(routes));
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const operation of Object.values(operations)) {
        expect(operation.summary).toEqual(expect.any(String));
        // Probes are public; everything else may meet a 401 when keys are on.
        if (!["/healthz", "/readyz", "/metrics"].includes(path)) {
          expect(operation.responses).toHaveProperty("401");
        }
      }
    }
  });

  it("has a reference page that works offline", async () => {
    const server = await simulator();
    const page = await fetch(`${server.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("swagger-ui");
    // Everything it loads comes from the server itself.
    expect(html).not.toMatch(/(?:src|href)="https?:/);
  });
});

describe("the contract check", () => {
  const record = (status: number, body: unknown, path = "/jobs/job_1", method = "GET") => ({
    method,
    path,
    status,
    contentType: "application/json",
    body: JSON.stringify(body),
  });

  it("passes a real answer and flags a wrong body or an undocumented status", async () => {
    const server = await simulator({ pendingDurationMs: 10_000 });
    const created = await fetch(`${server.url}/jobs`, { method: "POST" });
    const job: unknown = await created.json();
    expect(await contractProblems([record(201, job, "/jobs", "POST")])).toEqual([]);

    const problems = await contractProblems([
      record(200, { ...(job as object), status: "done" }),
      record(200, { id: "job_1" }),
      record(418, { error: { code: "internal_error", message: "teapot" } }),
      record(200, { status: "ok" }, "/jobs/job_1", "PATCH"),
    ]);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/GET \/jobs\/job_1 → 200: .*status/);
    expect(problems[1]).toMatch(/must have required property/);
    expect(problems[2]).toMatch(/status not documented/);
    expect(problems[3]).toMatch(/no PATCH/);
  });

  it("judges only paths the document has: unknown routes' 404s are not its to describe", async () => {
    const doc = await openApiDocument();
    expect(doc.paths).not.toHaveProperty("/nope");
    expect(await contractProblems([record(404, { anything: 1 }, "/nope")])).toEqual([]);
  });
});
