import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRawJob, simulator } from "../support/servers.js";

// The built client (ESM) under Deno and Bun, both from npm (devDependencies), waiting on the real
// simulator with its default options. A runtime that cannot start here skips, saying why.
const root = fileURLToPath(new URL("../..", import.meta.url));
const exec = promisify(execFile);
const CLIENT = pathToFileURL(join(root, "packages/client/dist/index.js")).href;

const SCRIPT = `
import { TranslationStatusClient } from ${JSON.stringify(CLIENT)};
const [baseUrl, jobId] = typeof Deno === "undefined" ? process.argv.slice(2) : Deno.args;
const client = new TranslationStatusClient({ baseUrl });
const result = await client.waitForCompletion({ jobId });
console.log(JSON.stringify({ status: result.status, mode: result.mode, requests: result.requests }));
`;

interface Runtime {
  name: string;
  /** The command that runs `script` with `args`. */
  command: (script: string, args: string[]) => string[];
}

const RUNTIMES: Runtime[] = [
  {
    name: "deno",
    // Network to the simulator only; nothing else is asked for, so nothing can prompt.
    command: (script, args) => {
      const host = new URL(args[0]!).host;
      return ["run", `--allow-net=${host}`, "--no-prompt", script, ...args];
    },
  },
  { name: "bun", command: (script, args) => ["run", script, ...args] },
];

// Neither may look for updates or send telemetry: this machine reaches only the npm registry.
const ENV = {
  ...process.env,
  DENO_NO_UPDATE_CHECK: "1",
  DENO_NO_PROMPT: "1",
  DO_NOT_TRACK: "1",
  BUN_DISABLE_TELEMETRY: "1",
  NO_COLOR: "1",
};

/** The runtime's binary, or why it cannot run here. */
function locate(name: string): { bin: string } | { skip: string } {
  const bin = join(root, "node_modules", ".bin", name);
  const version = spawnSync(bin, ["--version"], { env: ENV, encoding: "utf8", timeout: 30_000 });
  if (version.error !== undefined) {
    return { skip: `${name} is not installed (npm install): ${version.error.message}` };
  }
  if (version.status !== 0) {
    return { skip: `${name} --version failed: ${(version.stderr || version.stdout).trim()}` };
  }
  return { bin };
}

let dir: string;
let script: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "runtimes-"));
  script = join(dir, "wait.mjs");
  await writeFile(script, SCRIPT);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(RUNTIMES)("the built client under $name", ({ name, command }) => {
  const found = locate(name);
  if ("skip" in found) console.warn(`Skipping the ${name} smoke test: ${found.skip}`);

  it.skipIf("skip" in found)(
    "waits for a job on the simulator until it completes",
    async () => {
      const server = await simulator({ errorProbability: 0 });
      const jobId = await createRawJob(server.url, 1_500);
      // Outside the repository, so neither runtime reads its package.json or node_modules.
      const { stdout } = await exec(
        (found as { bin: string }).bin,
        command(script, [server.url, jobId]),
        {
          cwd: dir,
          env: ENV,
          timeout: 60_000,
        },
      );
      const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
      expect(result).toMatchObject({ status: "completed", mode: "stream" });
      expect(result.requests).toBeGreaterThanOrEqual(1);
    },
    90_000,
  );
});
