import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { simulator } from "../support/servers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const exec = promisify(execFile);

// Each example runs in both of its forms: the TypeScript one through tsx, against the sources,
// and the plain JavaScript one with node alone, against the built packages (`npm test` builds
// first), as a newcomer who copies it into a .mjs file runs it.
const FORMS = [
  { ext: "ts", run: ["--import", "tsx"] },
  { ext: "mjs", run: [] },
] as const;

// Each test starts a node process (tsx compiles on start): slow on a busy machine, so more
// than the default 20 s per test.
const PROCESS_TIMEOUT_MS = 60_000;

const run = (runner: readonly string[], file: string, ...args: string[]) =>
  exec(process.execPath, [...runner, file, ...args], { cwd: root });

describe("examples", () => {
  it("every TypeScript example has a plain JavaScript form beside it", async () => {
    const files = (await readdir(`${root}/examples`, { recursive: true })).map(String);
    const typescript = files.filter((file) => file.endsWith(".ts"));
    expect(typescript.length).toBeGreaterThanOrEqual(5);
    for (const file of typescript) expect(files).toContain(file.replace(/\.ts$/, ".mjs"));
  });

  for (const { ext, run: runner } of FORMS) {
    describe(`.${ext}`, () => {
      it(
        `embedded.${ext} reports an outcome for each of its three jobs`,
        async () => {
          const { stdout } = await run(runner, `examples/embedded.${ext}`);
          const lines = stdout.trim().split("\n");
          expect(lines).toHaveLength(3);
          for (const line of lines) {
            expect(line).toMatch(/^(fr|de|ja) \(job_\w+\): (completed|error)/);
          }
        },
        PROCESS_TIMEOUT_MS,
      );

      it(
        `original-usage.${ext} waits on /status and prints the final status`,
        async () => {
          // Long enough to still be pending once the example has started, even on a busy machine.
          const server = await simulator({ pendingDurationMs: 6_000, errorProbability: 0 });
          const { stdout } = await run(
            runner,
            `examples/original-usage.${ext}`,
            `${server.url}/status`,
          );
          expect(stdout).toMatch(/^poll 1 at \d+ ms: pending, next in \d+ ms$/m);
          expect(stdout.trim().split("\n").at(-1)).toBe("Job final status: completed");
        },
        PROCESS_TIMEOUT_MS,
      );

      it(
        `heygen.${ext} creates a v3 translation and reads HeyGen's own answer`,
        async () => {
          const { stdout } = await run(runner, `examples/heygen.${ext}`);
          const [first, second] = stdout.trim().split("\n");
          const id = /^(job_\w+): completed after \d+ requests$/.exec(first ?? "")?.[1];
          expect(id).toBeDefined();
          expect(second).toBe(
            `HeyGen status "completed", video at https://videos.simulator.invalid/translations/${id}.mp4`,
          );
        },
        PROCESS_TIMEOUT_MS,
      );
    });
  }
});
