import { describe, expect, it } from "vitest";
import { MemoryJobStore } from "../src/index.js";
import { expectError, setup } from "./helpers.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("error responses", () => {
  it("answers unknown routes with 404 route_not_found", async () => {
    const { app } = setup();
    for (const url of ["/", "/nope", "/jobs/a/b", "/status/extra"]) {
      const message = expectError(await app.inject({ url }), 404, "route_not_found");
      expect(message).toContain(url);
    }
  });

  it("answers a known path with the wrong method with 405 and an Allow header", async () => {
    const { app } = setup();
    const cases = [
      ["POST", "/status", "GET, HEAD"],
      ["PUT", "/jobs", "GET, HEAD, POST"],
      ["PATCH", "/jobs/job_abc?x=1", "DELETE, GET, HEAD"],
    ] as const;
    for (const [method, url, allow] of cases) {
      const response = await app.inject({ method, url });
      expectError(response, 405, "method_not_allowed");
      expect(response.headers.allow).toBe(allow);
    }
  });

  it("answers a badly encoded URL with 400", async () => {
    const { app } = setup();
    expectError(await app.inject({ url: "/jobs/%E0%A4%A" }), 400, "invalid_request");
  });

  it("hides internal failures behind 500 internal_error", async () => {
    const store = new MemoryJobStore();
    store.get = async () => {
      throw new Error("disk on fire at /var/lib/secret");
    };
    const { app } = setup({ store });
    const response = await app.inject({ url: "/jobs/job_abc" });
    const message = expectError(response, 500, "internal_error");
    expect(response.body).not.toContain("secret");
    expect(response.body).not.toContain("stack");
    expect(message).toBe("Internal server error");
  });
});

describe("x-request-id", () => {
  it("echoes a sane id the client sent", async () => {
    const { app } = setup();
    const response = await app.inject({ url: "/status", headers: { "x-request-id": "abc-123.x" } });
    expect(response.headers["x-request-id"]).toBe("abc-123.x");
  });

  it("replaces a missing or insane id with a fresh UUID, on errors too", async () => {
    const { app } = setup();
    for (const headers of [{}, { "x-request-id": "a b" }, { "x-request-id": "x".repeat(129) }]) {
      const ok = await app.inject({ url: "/status", headers });
      const notFound = await app.inject({ url: "/missing", headers });
      expect(ok.headers["x-request-id"]).toMatch(UUID);
      expect(notFound.headers["x-request-id"]).toMatch(UUID);
      expect(ok.headers["x-request-id"]).not.toBe(notFound.headers["x-request-id"]);
    }
  });

  it("is set on framework errors and validation errors", async () => {
    const { app } = setup();
    const headers = { "x-request-id": "req-1" };
    const badUrl = await app.inject({ url: "/%E0%A4%A", headers });
    const badBody = await app.inject({ method: "POST", url: "/jobs", payload: { x: 1 }, headers });
    expect(badUrl.headers["x-request-id"]).toBe("req-1");
    expect(badBody.headers["x-request-id"]).toBe("req-1");
  });
});
