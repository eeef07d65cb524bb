import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { simulator } from "../support/servers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

// A wait must leave nothing behind that keeps a process alive: no timer, no listener, no open
// stream. The child settles its wait, notes the time, and should exit straight after.
const script = `
import { TranslationStatusClient } from "@translation-status/client";
const [baseUrl, jobId, mode] = process.argv.slice(1);
const client = new TranslationStatusClient({ baseUrl });
const controller = new AbortController();
const result = await client.waitForCompletion({ jobId, mode, signal: controller.signal });
process.stdout.write(JSON.stringify({ status: result.status, settledAt: Date.now() }));
`;

describe("a process that waited", () => {
  it.each(["poll", "long-poll", "stream"])("exits at once after a %s wait", async (mode) => {
    const server = await simulator({ errorProbability: 0 });
    const created = await fetch(`${server.url}/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pendingDurationMs: 300 }),
    });
    const { id } = (await created.json()) as { id: string };
    const child = spawn(
      process.execPath,
      ["--input-type=module", "-e", script, server.url, id, mode],
      { cwd: root },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = await once(child, "exit");
    const exitedAt = Date.now();
    expect(code).toBe(0);
    const { status, settledAt } = JSON.parse(stdout) as { status: string; settledAt: number };
    expect(status).toBe("completed");
    expect(exitedAt - settledAt).toBeLessThan(1_000);
  });
});
