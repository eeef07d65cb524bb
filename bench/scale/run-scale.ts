import { loadavg } from "node:os";
import { runClientScale, type ClientScaleResults } from "./client-scale.js";
import { runHeld, type HeldResults } from "./held.js";
import { runThroughput, type ThroughputResults } from "./throughput.js";

export interface ScaleOptions {
  quick: boolean;
  seed: string;
  onStep?: (line: string) => void;
}

export interface ScaleResults {
  throughput: ThroughputResults;
  held: HeldResults;
  clients: ClientScaleResults;
  /** The machine's 1-minute load average when the part began: other work skews every figure. */
  loadAverage: number;
  elapsedMs: number;
}

/** The ratio of the simulator's throughput to the floor's below which it is diagnosed. */
export const FLOOR_TARGET = 0.8;
/** The simulator's single read against the original design's FastAPI server, at least. */
export const FASTAPI_TARGET = 4;
/** The simulator's single read against Prism's mock of the same route, at least. */
export const PRISM_TARGET = 8;
/** The client's request budget in every client run. */
export const CLIENT_BUDGET = 1_000;

/**
 * Part 3: the server under load (wrk), holding many connections, and one client process
 * waiting on up to 10,000 jobs. Every server and client runs in a child process of its own.
 */
export async function runScale({
  quick,
  seed,
  onStep = () => {},
}: ScaleOptions): Promise<ScaleResults> {
  const started = performance.now();
  const loadAverage = loadavg()[0] ?? Number.NaN;
  const throughput = await runThroughputPart({ quick, seed, onStep });
  const connections = quick ? 2_000 : 10_000;
  onStep(`  ${connections} held long-polls, then ${connections} open event streams…`);
  const held = await runHeld(connections, seed);
  const sizes = quick ? [100, 1_000] : [100, 1_000, 10_000];
  onStep(`  client waits on ${sizes.join(", ")} jobs…`);
  const clients = await runClientScale({
    sizes,
    lengthRangeMs: quick ? [1_000, 5_000] : [1_000, 10_000],
    maxRequestsPerSecond: CLIENT_BUDGET,
    seed,
    onRun: (row) => onStep(`    ${row.jobs} jobs, ${row.strategy}: ${row.requests.total} requests`),
  });
  return { throughput, held, clients, loadAverage, elapsedMs: performance.now() - started };
}

/** The server throughput alone (`--only=throughput`), as Part 3 runs it. */
export function runThroughputPart({
  quick,
  seed,
  onStep = () => {},
}: ScaleOptions): Promise<ThroughputResults> {
  onStep("  server throughput…");
  return runThroughput({
    connections: 50,
    rounds: quick ? 2 : 5,
    roundS: quick ? 1 : 2,
    warmUpS: 1,
    floorTarget: FLOOR_TARGET,
    profileS: quick ? 2 : 3,
    seed,
    onStep,
  });
}
