import { connect } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { MemoryJobStore, startServer } from "../src/index.js";
import { expectError, setup } from "./helpers.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("error responses", () => {
  it("answers unknown routes with 404 route_not_found", async () => {
    const { app } = setup();
    for (const url of ["/nope", "/jobs/a/b", "/status/extra"]) {
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

describe("requests Node's HTTP parser refuses", () => {
  /** Sends raw bytes on a fresh connection; resolves with everything that came back. */
  function raw(port: number, text: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1");
      let received = "";
      socket.on("data", (chunk) => (received += chunk.toString()));
      socket.on("close", () => resolve(received));
      socket.on("error", () => {});
      socket.write(text);
    });
  }

  it("get our JSON error shape, not Fastify's, and the connection is closed", async () => {
    const server = await startServer({ port: 0 });
    onTestFinished(() => server.close());
    const cases = [
      ["HELLO\r\n\r\n", 400],
      ["GET /status HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n", 400],
      [`GET /status HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
      [
        "POST /jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
        400,
      ],
      [
        "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
        400,
      ],
    ] as const;
    for (const [request, status] of cases) {
      const response = await raw(server.port, request);
      const [head = "", body = ""] = response.split("\r\n\r\n");
      expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(head).toContain("Content-Type: application/json; charset=utf-8");
      expect(head).toContain("Connection: close");
      expect(JSON.parse(body)).toEqual({
        error: { code: "invalid_request", message: expect.any(String) },
      });
    }
  });
});
