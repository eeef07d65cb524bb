import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { startServer } from "../src/index.js";
import { appInternals } from "../src/internals.js";
import { eventually } from "./helpers.js";

describe("startServer", () => {
  it("serves over a real socket on an ephemeral port and closes", async () => {
    const server = await startServer({ port: 0, pendingDurationMs: 0, errorProbability: 0 });
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);

      const status = await fetch(`${server.url}/status`);
      expect(status.status).toBe(200);
      expect(status.headers.get("x-request-id")).toEqual(expect.any(String));
      expect(await status.json()).toMatchObject({ result: "completed" });

      const created = await fetch(`${server.url}/jobs`, { method: "POST" });
      expect(created.status).toBe(201);
      expect(created.headers.get("location")).toMatch(/^\/jobs\/job_/);

      const missing = await fetch(`${server.url}/nope`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({
        error: { code: "route_not_found", message: "No route for GET /nope" },
      });
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/status`)).rejects.toThrow();
  });

  it("rejects a bad port before listening", async () => {
    await expect(startServer({ port: 70_000 })).rejects.toThrow("`port`");
    await expect(startServer({ port: -1 })).rejects.toThrow(TypeError);
  });

  it("closes at once despite a connection that never sent a request", async () => {
    const server = await startServer({ port: 0, pendingDurationMs: 60_000 });
    // Clients open these (a pool warming up, a request given up while connecting); Node alone
    // would wait for its headers timeout, a minute.
    const idle = connect(server.port, "127.0.0.1");
    const idleClosed = new Promise((resolve) => idle.on("close", resolve));
    idle.on("error", () => {});
    await new Promise((resolve) => idle.on("connect", resolve));
    const held = fetch(`${server.url}/status`, { headers: { prefer: "wait=60" } });
    await eventually(() => appInternals(server.app).longPolls.size === 1, "a held request");
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await idleClosed;
    // The request in flight still got its answer.
    expect((await held).status).toBe(200);
  });
});
