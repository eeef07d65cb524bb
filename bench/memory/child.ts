// One measured run in a process of its own (its RSS is its own): an app on the memory store,
// on a virtual clock, takes N creates through its whole request path (`inject`), each with an
// Idempotency-Key of its own, and reports its memory after a forced GC, as JSON on stdout.
import { buildApp } from "../../packages/server/src/index.js";

interface Run {
  jobs: number;
  /** Undefined: the app's default. */
  retentionMs?: number;
  /** Virtual time between two creates, in ms. */
  spacingMs: number;
}

const run = JSON.parse(process.argv[2]!) as Run;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");

function memory() {
  gc!();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssMb: rss / 2 ** 20, heapMb: heapUsed / 2 ** 20 };
}

let time = Date.UTC(2026, 0, 1);
const app = buildApp({
  now: () => time,
  errorProbability: 0.1,
  seed: 1,
  dashboardDir: false,
  ...(run.retentionMs !== undefined && { retentionMs: run.retentionMs }),
});
await app.ready();
const before = memory();
const started = performance.now();
const BATCH = 100;
for (let done = 0; done < run.jobs; done += BATCH) {
  const batch = [];
  for (let i = done; i < Math.min(done + BATCH, run.jobs); i++) {
    batch.push(
      app.inject({
        method: "POST",
        url: "/jobs",
        headers: { "idempotency-key": `key-${i}` },
        payload: { metadata: { n: i } },
      }),
    );
    time += run.spacingMs;
  }
  for (const response of await Promise.all(batch)) {
    if (response.statusCode !== 201) throw new Error(`create: ${response.statusCode}`);
  }
}
const seconds = (performance.now() - started) / 1_000;
const after = memory();
const metrics = (await app.inject({ url: "/metrics" })).body;
const kept = [...metrics.matchAll(/^translation_jobs\{status="\w+"\} (\d+)$/gm)].reduce(
  (sum, match) => sum + Number(match[1]),
  0,
);
await app.close();
process.stdout.write(JSON.stringify({ before, after, kept, seconds }));
