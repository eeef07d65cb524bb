// Two builds of the simulator, measured in turns: this working tree and a git revision.
//
//   npx tsx bench/scale/compare-builds.ts REF [--rounds=10] [--seconds=2] [--batch]
//   npx tsx bench/scale/compare-builds.ts REF --in-process [--rounds=10] [--requests=N] [--batch]
//
// Each is bundled from its own server sources (this tree's bench drives both) and runs as the
// throughput bench runs the simulator (logging at info to /dev/null, schemas on, a pending job),
// in a process of its own; wrk (or autocannon, see generators.ts) loads one, then the other,
// round after round. Printed: each build's requests/s and CPU per request, and this tree ÷ REF
// per round (median and spread), on `GET /jobs/:id` and, with `--batch`, on a batch read of 100
// ids. For judging a change on a shared, noisy machine: the ratio is taken within each round, so
// a slow minute slows both builds. `--in-process` loads each build over fake sockets in its own
// process instead (fake-sockets.ts): CPU per request of the server's code alone, the steadier
// figure when other work takes the cores.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Child } from "./child.js";
import { pickGenerator } from "./generators.js";
import { cpuRatio, inTurns, median, turnRatio, type LoadRun, type TurnRatio } from "./load.js";
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
    if (args.includes("--in-process")) {
      await inProcess(route, [
        [here, "this tree", await pathOf(here)],
        [there, sha.slice(0, 10), await pathOf(there)],
      ]);
      continue;
    }
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

/**
 * Each build loads itself over fake sockets (fake-sockets.ts), in turns, `--requests` requests a
 * round: CPU per request without the kernel or a load generator, readable on a busy machine.
 */
async function inProcess(route: string, builds: Array<[Server, string, string]>): Promise<void> {
  const batch = route.includes("ids=");
  const requests = option("requests", batch ? 500 : 5_000);
  const ask = ([server, , path]: [Server, string, string]) =>
    server.call("inProcess", { path, requests, connections: settings.connections });
  for (const build of builds) await ask(build); // warm-up
  const us: number[][] = builds.map(() => []);
  for (let round = 0; round < rounds; round++) {
    // Alternating who goes first: a machine that speeds up or slows down favours neither.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) us[i]!.push(await ask(builds[i]!));
  }
  const ratios = us[0]!.map((value, round) => value / us[1]![round]!);
  const sorted = [...ratios].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!.toFixed(3);
  console.log(`${route}, in process, ${rounds} rounds of ${requests} requests in turns:`);
  for (const [i, [, name]] of builds.entries()) {
    console.log(`  ${name}: ${median(us[i]!).toFixed(1)} µs CPU/request (median of the rounds)`);
  }
  console.log(
    `  this tree ÷ ${sha.slice(0, 10)}, CPU per request: ${at(0.5)}× (quartiles ${at(0.25)}–${at(0.75)})`,
  );
}

type Server = Child<ServerHandlers, ServerInfo>;

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
    const paths = ["packages/server/src", "packages/client/src", "tsconfig.base.json"];
    const tar = execFileSync("git", ["archive", "--format=tar", revision, ...paths], {
      cwd: root,
      maxBuffer: 256 * 1_048_576,
    });
    execFileSync("tar", ["-x", "-C", fileURLToPath(dir)], { input: tar });
  }
  // This tree's bench drives both builds: only the server's sources differ.
  cpSync(new URL("../", import.meta.url), new URL("bench/", dir), { recursive: true });
  return dir;
}
