import { describe, expect, it } from "vitest";
import { startServer } from "../src/index.js";

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
});
