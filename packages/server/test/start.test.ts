import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { startServer } from "../src/index.js";
import { eventuallyHeld } from "./observe.js";

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

  it("closes at once despite connections without a request in flight", async () => {
    const server = await startServer({ port: 0, pendingDurationMs: 60_000 });
    const open = async (send?: string) => {
      const socket = connect(server.port, "127.0.0.1");
      const closed = new Promise((resolve) => socket.on("close", resolve));
      socket.on("error", () => {});
      socket.resume();
      await new Promise((resolve) => socket.on("connect", resolve));
      if (send !== undefined) socket.write(send);
      return { closed };
    };
    // Clients open these (a pool warming up, a request given up while connecting, a client
    // stalled halfway through its headers); Node alone would wait for its headers timeout, a
    // minute.
    const never = await open();
    const partial = await open("GET /status HTTP/1.1\r\nHost: x\r\n");
    // And a keep-alive connection whose request was answered.
    const used = await open("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const held = fetch(`${server.url}/status`, { headers: { prefer: "wait=60" } });
    await eventuallyHeld(server.app, (now) => now.longPolls === 1, "a held request");
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await Promise.all([never.closed, partial.closed, used.closed]);
    // The request in flight still got its answer.
    expect((await held).status).toBe(200);
  });
});
