// Two builds of the simulator, measured in turns: this working tree and a git revision.
//
//   npx tsx bench/scale/compare-builds.ts REF [--rounds=10] [--seconds=2] [--batch]
//
// Each is bundled from its own sources and runs as the throughput bench runs the simulator
// (logging at info to /dev/null, schemas on, a pending job), in a process of its own; wrk (or
// autocannon, see generators.ts) loads one, then the other, round after round. Printed: each build's requests/s and CPU per
// request, and this tree ÷ REF per round (median and spread), on `GET /jobs/:id` and, with
// `--batch`, on a batch read of 100 ids. For judging a change on a shared, noisy machine: the
// ratio is taken within each round, so a slow minute slows both builds.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Child } from "./child.js";
import { pickGenerator } from "./generators.js";
import { cpuRatio, inTurns, turnRatio, type LoadRun, type TurnRatio } from "./load.js";
import type { ServerHandlers, ServerInfo } from "./server-process.js";
import { BATCH_IDS, batchPath, SERVER_PROCESS, target } from "./throughput.js";

const args = process.argv.slice(2);
const ref = args.find((arg) => !arg.startsWith("--"));
const option = (name: string, fallback: number) => {
  const raw = args.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!(Number.isFinite(value) && value > 0)) {
    throw new TypeError(`Expected --${name}=N with N > 0, got ${raw}`);
  }
  return value;
};
if (ref === undefined) {
  throw new TypeError("Usage: compare-builds.ts REF [--rounds=10] [--seconds=2] [--batch]");
}
const rounds = option("rounds", 10);
const roundS = option("seconds", 2);
const root = fileURLToPath(new URL("../../", import.meta.url));
const sha = execFileSync("git", ["rev-parse", ref], { cwd: root, encoding: "utf8" }).trim();

const other = new URL("bench/scale/server-process.ts", tree(sha));
const settings = { connections: 50, rounds, roundS, warmUpS: 1, generator: pickGenerator() };
console.log(
  `load: ${settings.generator.name}${settings.generator.fallback ? ` (${settings.generator.fallback})` : ""}`,
);
const spawn = (file: URL) =>
  Child.spawn<ServerHandlers, ServerInfo>(file, {
    config: { kind: "simulator", logging: true, seed: "compare-builds" },
  });
const [here, there] = [await spawn(SERVER_PROCESS), await spawn(other)];
try {
  const routes: Array<[string, (server: typeof here) => Promise<string>]> = [
    ["GET /jobs/:id", async (server) => `/jobs/${(await jobs(server, 1))[0]}`],
  ];
  if (args.includes("--batch")) {
    routes.push([
      `GET /jobs?ids= (${BATCH_IDS} ids)`,
      async (s) => batchPath(await jobs(s, BATCH_IDS)),
    ]);
  }
  for (const [route, pathOf] of routes) {
    const [mine, theirs] = await inTurns(
      [
        { target: target(here), name: "this tree", path: await pathOf(here) },
        { target: target(there), name: sha.slice(0, 10), path: await pathOf(there) },
      ],
      settings,
    );
    const rate = turnRatio(mine!, theirs!);
    const cpu = cpuRatio(mine!, theirs!);
    const span = ({ median, min, max }: TurnRatio) =>
      `${median.toFixed(3)}× (rounds ${min.toFixed(3)}–${max.toFixed(3)})`;
    console.log(`${route}, ${rounds} rounds of ${roundS} s in turns:`);
    for (const run of [mine!, theirs!]) console.log(`  ${line(run)}`);
    console.log(`  this tree ÷ ${sha.slice(0, 10)}, medians of the rounds' ratios:`);
    console.log(`    requests/s ${span(rate)}; CPU per request ${span(cpu)}`);
  }
} finally {
  await Promise.all([here.stop(), there.stop()]);
}

/** `count` jobs pending for an hour in `server`, their ids. */
async function jobs(server: Child<ServerHandlers, ServerInfo>, count: number): Promise<string[]> {
  const lengthsMs = Array.from({ length: count }, () => 3_600_000);
  return (await server.call("create", { lengthsMs })).map((job) => job.id);
}

function line(run: LoadRun): string {
  const rps = run.roundRps.map((r) => Math.round(r)).join(" ");
  const cpu = run.roundCpuUs.map((us) => us.toFixed(0)).join(" ");
  return `${run.server}: ${Math.round(run.requestsPerSecond)} requests/s (rounds: ${rps}), ${run.cpuUsPerRequest.toFixed(1)} µs CPU/request (rounds: ${cpu}), other load ${Math.max(0, run.otherCores).toFixed(2)} cores`;
}

/**
 * The sources of `revision` that the simulator's bundle needs, extracted once beside the bundles
 * (under node_modules: no linter or formatter looks there, and packages resolve from there).
 */
function tree(revision: string): URL {
  const dir = new URL(
    `../../packages/server/node_modules/.cache/scale/trees/${revision}/`,
    import.meta.url,
  );
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    const paths = ["bench", "packages/server/src", "packages/client/src", "tsconfig.base.json"];
    const tar = execFileSync("git", ["archive", "--format=tar", revision, ...paths], {
      cwd: root,
      maxBuffer: 256 * 1_048_576,
    });
    execFileSync("tar", ["-x", "-C", fileURLToPath(dir)], { input: tar });
  }
  return dir;
}
