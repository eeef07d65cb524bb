// The server's memory after 200,000 created jobs, on the memory store: with the default
// retention (a day: every job is kept) and with retentions short enough to matter. Each run in
// a child process of its own. `npm run bench:memory`; writes bench/results/memory.md.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const JOBS = Number(process.env.JOBS ?? 200_000);
/** Virtual time between creates: 200,000 jobs over 1,000 s, 200 per second. */
const SPACING_MS = 5;
const RUNS: Array<{ label: string; retentionMs?: number }> = [
  { label: "default (24 h)" },
  { label: "10 min", retentionMs: 600_000 },
  { label: "1 min", retentionMs: 60_000 },
];

interface Result {
  before: { rssMb: number; heapMb: number };
  after: { rssMb: number; heapMb: number };
  kept: number;
  seconds: number;
}

const child = fileURLToPath(new URL("./child.ts", import.meta.url));
const run = promisify(execFile);
const load = loadavg()[0]!;
const rows: string[] = [];
const results: Result[] = [];
for (const { label, retentionMs } of RUNS) {
  const config = { jobs: JOBS, spacingMs: SPACING_MS, retentionMs };
  const { stdout } = await run(
    process.execPath,
    ["--expose-gc", "--import", "tsx", child, JSON.stringify(config)],
    { maxBuffer: 1 << 20 },
  );
  const result = JSON.parse(stdout) as Result;
  const { before, after } = result;
  const row = [
    label,
    result.kept.toLocaleString("en-US"),
    `${before.rssMb.toFixed(0)} MB`,
    `${after.rssMb.toFixed(0)} MB`,
    `${before.heapMb.toFixed(0)} MB`,
    `${after.heapMb.toFixed(0)} MB`,
    `${result.seconds.toFixed(1)} s`,
  ];
  results.push(result);
  rows.push(`| ${row.join(" | ")} |`);
  console.log(row.join("  "));
}

// What one more kept job costs: the heap's difference between the runs that keep the most and
// the fewest, over the difference in jobs kept (the rest of the heap is the same in both).
const most = results[0]!;
const fewest = results.at(-1)!;
const perJob =
  ((most.after.heapMb - fewest.after.heapMb) * 2 ** 20) / Math.max(1, most.kept - fewest.kept);

const report = `# Server memory after ${JOBS.toLocaleString("en-US")} created jobs

\`npm run bench:memory\` (\`JOBS=N\` for another count). Each run is a fresh simulator on the
memory store in a child process of its own, on a virtual clock: ${JOBS.toLocaleString("en-US")}
\`POST /jobs\` through the whole request path (\`inject\`), each with an \`Idempotency-Key\` of its
own and a small \`metadata\`, one every ${SPACING_MS} ms of virtual time (${(JOBS * SPACING_MS) / 1_000} s
in all), jobs of the default 10 s. Memory is \`process.memoryUsage()\` after a forced GC, before
the first create and after the last. "kept" is the jobs the store still holds at the end (from
\`/metrics\`). ${cpus().length} cores, load average ${load.toFixed(2)} at the start.

| retention | kept | RSS before | RSS after | heap before | heap after | time |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

A kept job costs about ${perJob.toFixed(0)} B of heap (its frozen record and index entries): the
heap difference between the first and last rows over the difference in jobs kept. RSS is above
the heap by what V8 and the allocator keep from the garbage of the run's requests.
`;
writeFileSync(new URL("../results/memory.md", import.meta.url), report);
