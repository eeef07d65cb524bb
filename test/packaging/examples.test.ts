import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { simulator } from "../support/servers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const exec = promisify(execFile);
const tsx = (file: string, ...args: string[]) =>
  exec(process.execPath, ["--import", "tsx", file, ...args], { cwd: root });

describe("examples", () => {
  it("embedded.ts reports an outcome for each of its three jobs", async () => {
    const { stdout } = await tsx("examples/embedded.ts");
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^(fr|de|ja) \(job_\w+\): (completed|error)/);
  });

  it("original-usage.ts waits on /status and prints the final status", async () => {
    // Long enough to still be pending once tsx has started, even on a busy machine.
    const server = await simulator({ pendingDurationMs: 3_000, errorProbability: 0 });
    const { stdout } = await tsx("examples/original-usage.ts", `${server.url}/status`);
    expect(stdout).toMatch(/^poll 1 at \d+ ms: pending, next in \d+ ms$/m);
    expect(stdout.trim().split("\n").at(-1)).toBe("Job final status: completed");
  });
});
