import type { ClientScaleRow } from "../scale/client-scale.js";
import { HELD_WAVE, type HeldScenario } from "../scale/held.js";
import { CLIENT_BUDGET, type ScaleResults } from "../scale/run-scale.js";
import type { ThroughputResults } from "../scale/throughput.js";
import { duration, markdownTable, type Column } from "./table.js";
import { renderThroughput, throughputTargets, type ScaleTarget } from "./throughput-report.js";

/** Part 3 of the report: server throughput, held connections, the client at scale. */
export function renderScale(scale: ScaleResults): string {
  const { throughput: t, held, clients } = scale;
  const parts = [
    "## Part 3: scale",
    `Every server and client runs in a child process of its own, compiled from the current sources (tsup) as in production, and reports its CPU and memory over IPC; all traffic stays on 127.0.0.1. Took ${seconds(scale.elapsedMs)}: throughput ${seconds(t.elapsedMs)}, held connections ${seconds(held.elapsedMs)}, client runs ${seconds(clients.elapsedMs)}. The machine's load average was ${scale.loadAverage.toFixed(2)} when the part began (2 cores: anything else running skews the figures).`,
    ...renderThroughput(t),
    "### Held connections",
    `A fresh simulator (logging at info) with ${thousands(held.connections)} jobs pending for an hour; a second process opens one request per job, ${thousands(held.connections)} long-polls (\`Prefer: wait=60\`) and then as many event streams (\`GET /jobs/:id/events\`), ${HELD_WAVE} at a time, each wave once the server holds the last (one socket per request, keep-alive off). Memory is the server's own \`process.memoryUsage()\` after a forced GC. Fresh server: RSS ${mb(held.fresh.rssBytes)}, heap ${mb(held.fresh.heapUsedBytes)}.`,
    heldTable(held.scenarios),
    "### Client scale",
    clientIntro(scale),
    clientTable(clients.rows),
  ];
  return parts.join("\n\n");
}

function heldTable(scenarios: readonly HeldScenario[]): string {
  const columns: Column<HeldScenario>[] = [
    {
      header: "held",
      align: "left",
      cell: (s) => (s.kind === "stream" ? "event streams" : "long-polls"),
    },
    { header: "opened", cell: (s) => thousands(s.opened) },
    { header: "server counted", cell: (s) => thousands(s.held) },
    { header: "failed", cell: (s) => String(s.failed) },
    { header: "open time", cell: (s) => duration(s.openMs) },
    { header: "RSS before", cell: (s) => mb(s.before.rssBytes) },
    { header: "RSS held", cell: (s) => mb(s.during.rssBytes) },
    { header: "heap before", cell: (s) => mb(s.before.heapUsedBytes) },
    { header: "heap held", cell: (s) => mb(s.during.heapUsedBytes) },
    {
      header: "per connection",
      cell: (s) =>
        `${((s.during.rssBytes - s.before.rssBytes) / s.opened / 1_024).toFixed(1)} KB RSS, ${((s.during.heapUsedBytes - s.before.heapUsedBytes) / s.opened / 1_024).toFixed(1)} KB heap`,
    },
    { header: "RSS after close", cell: (s) => mb(s.after.rssBytes) },
    {
      header: "left open",
      cell: (s) => `${s.leftOpen.held} held, ${s.leftOpen.sockets} sockets`,
    },
  ];
  const failures = scenarios
    .filter((s) => s.firstError !== undefined)
    .map((s) => `\n\nFirst failure (${s.kind}): ${s.firstError}`);
  return markdownTable(columns, scenarios) + failures.join("");
}

function clientIntro({ clients }: ScaleResults): string {
  const [min, max] = clients.lengthRangeMs;
  const batch =
    clients.batchMissing === undefined
      ? "The server has the batch endpoint (`GET /jobs?ids=`), so waitForAll coalesces."
      : `**waitForAll could not coalesce**: the server has no batch endpoint (${clients.batchMissing}), so it fell back to one wait per job; its coalesced figures need \`GET /jobs?ids=\`.`;
  return [
    `One client process (its RSS, heap and event loop its own) waits on N jobs of ${duration(min)}–${duration(max)}, log-uniform, 10% ending in error; the jobs are created in the server's process just before (longest first, so the shortest are the freshest) and waited on in a seeded random order. The same jobs face \`waitForAll\` (timed as \`waitForEach\` yields each outcome: \`waitForAll\` is that iterator, collected) and one \`waitForCompletion\` per job under \`Promise.all\`, each run against a fresh simulator (logging at info). Both use one client with \`maxRequestsPerSecond: ${thousands(CLIENT_BUDGET)}\` and the default \`maxConcurrentRequests: 6\`: a budget at which waiting on 10,000 jobs one by one, two requests each, can end within seconds of the longest job (the default of 10 per second would take over half an hour). Requests are counted by the server at its HTTP layer, per whole second for the peak; the client's own count of the fetches it started is beside it (a fetch aborted before it reached the server is the only difference). Delay = the moment the client knew − the job's \`completedAt\`. "client CPU" and "server CPU" are each process's CPU time over the run; "other load" as above.`,
    batch,
  ].join(" ");
}

function clientTable(rows: readonly ClientScaleRow[]): string {
  const columns: Column<ClientScaleRow>[] = [
    { header: "jobs", cell: (r) => thousands(r.jobs) },
    { header: "strategy", align: "left", cell: (r) => r.strategy },
    { header: "requests", cell: (r) => thousands(r.requests.total) },
    { header: "client fetches", cell: (r) => thousands(r.client.fetches) },
    { header: "req/job", cell: (r) => r.requestsPerJob.toFixed(r.requestsPerJob < 0.1 ? 3 : 2) },
    { header: "kinds", align: "left", cell: (r) => kinds(r.requests.byKind) },
    { header: "peak req/s", cell: (r) => thousands(r.peakRequestsPerSecond) },
    { header: "p50 delay", cell: (r) => duration(r.p50DelayMs) },
    { header: "p95 delay", cell: (r) => duration(r.p95DelayMs) },
    { header: "max delay", cell: (r) => duration(r.maxDelayMs) },
    { header: "RSS peak", cell: (r) => mb(r.client.peakRssBytes) },
    { header: "heap peak", cell: (r) => mb(r.client.peakHeapUsedBytes) },
    { header: "loop delay p99", cell: (r) => duration(r.client.loopDelayP99Ms) },
    { header: "loop delay max", cell: (r) => duration(r.client.loopDelayMaxMs) },
    { header: "took", cell: (r) => duration(r.client.elapsedMs) },
    {
      header: "client CPU",
      cell: (r) => `${((100 * r.client.cpuMs) / r.client.elapsedMs).toFixed(0)}%`,
    },
    {
      header: "server CPU",
      cell: (r) => `${((100 * r.serverCpuMs) / r.client.elapsedMs).toFixed(0)}%`,
    },
    {
      header: "other load",
      cell: (r) => cores(r.otherCores),
    },
    { header: "failed", cell: (r) => String(r.client.failed) },
  ];
  const failures = rows
    .filter((r) => r.client.firstFailure !== undefined)
    .map(
      (r) =>
        `\n\nFirst failure (${thousands(r.jobs)} jobs, ${r.strategy}): ${r.client.firstFailure}`,
    );
  const largest = Math.max(...rows.map((r) => r.jobs));
  const seconds = rows
    .filter((r) => r.jobs === largest)
    .map((r) => `- ${r.strategy}: ${r.requests.perSecond.map(thousands).join(" ")}`);
  return [
    markdownTable(columns, rows) + failures.join(""),
    `Requests the server received in each second of the runs on ${thousands(largest)} jobs:\n\n${seconds.join("\n")}`,
  ].join("\n\n");
}

/** The scale targets, judged on this run's figures. */
export function evaluateScaleTargets(scale: ScaleResults, quick: boolean): ScaleTarget[] {
  const targets = throughputTargets(scale.throughput);
  const held = scale.held;
  const worst = Math.max(...held.scenarios.map((s) => s.during.rssBytes));
  const clean = held.scenarios.every(
    (s) => s.leftOpen.held === 0 && s.leftOpen.sockets === 0 && s.held >= s.opened,
  );
  targets.push({
    pass: worst <= 300 * 1_048_576 && clean,
    target: `≤ 300 MB server RSS with 10,000 held connections, all held and all closed cleanly${held.connections < 10_000 ? ` (quick run: ${thousands(held.connections)} connections, not judged at 10,000)` : ""}`,
    evidence: held.scenarios
      .map(
        (s) =>
          `${s.kind}: ${mb(s.during.rssBytes)} RSS with ${thousands(s.held)} of ${thousands(s.opened)} held, ${s.leftOpen.held} left after close`,
      )
      .join("; "),
  });

  const rows = scale.clients.rows;
  const largest = Math.max(...rows.map((r) => r.jobs));
  const all = rows.find((r) => r.jobs === largest && r.strategy === "waitForAll")!;
  const each = rows.find((r) => r.jobs === largest && r.strategy === "waitForCompletion each")!;
  const where = `${thousands(largest)} jobs in one process, waitForAll${quick ? " (quick run: judged at 1,000, not 10,000)" : ""}`;
  const fallback =
    scale.clients.batchMissing === undefined
      ? ""
      : " (no batch endpoint: waitForAll fell back to a wait per job)";
  const compare = (format: (r: ClientScaleRow) => string) =>
    `waitForAll ${format(all)}; a wait per job ${format(each)}${fallback}`;
  targets.push(
    {
      pass: all.requestsPerJob <= 2 && all.client.failed === 0,
      target: `${where}: at most 2 requests per job on average, counted at the server, with hints`,
      evidence: compare(
        (r) =>
          `${r.requestsPerJob.toFixed(3)} (${thousands(r.requests.total)} requests, ${r.client.failed} failed)`,
      ),
    },
    {
      pass: all.peakRequestsPerSecond <= CLIENT_BUDGET,
      target: `${where}: peak requests per second at the server within the budget, maxRequestsPerSecond = ${thousands(CLIENT_BUDGET)}`,
      evidence: compare((r) => `${thousands(r.peakRequestsPerSecond)}/s`),
    },
    {
      pass: all.p95DelayMs <= 1_000,
      target: `${where}: p95 detection delay ≤ 1 s`,
      evidence: compare(
        (r) => `${duration(r.p95DelayMs)} (loop delay max ${duration(r.client.loopDelayMaxMs)})`,
      ),
    },
    {
      pass: all.client.peakRssBytes <= 200 * 1_048_576,
      target: `${where}: client RSS ≤ 200 MB`,
      evidence: compare(
        (r) => `${mb(r.client.peakRssBytes)} peak (heap ${mb(r.client.peakHeapUsedBytes)})`,
      ),
    },
  );
  return targets;
}

function kinds(byKind: Record<string, number>): string {
  const short: Record<string, string> = { "multiplexed stream": "mux stream" };
  return Object.entries(byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${thousands(n)} ${short[kind] ?? kind}`)
    .join(", ");
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(0)} MB`;
}

function thousands(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a";
}

/** Other processes' CPU in cores; the three readings it comes from agree to about ±0.1. */
function cores(value: number): string {
  return Number.isFinite(value) ? Math.max(0, value).toFixed(2) : "n/a";
}

function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}

/** The full report with Part 3 before its targets, and the scale targets after the others. */
export function withScale(report: string, scale: ScaleResults, quick: boolean): string {
  const marker = "\n## Targets\n";
  const at = report.lastIndexOf(marker);
  if (at < 0) throw new Error("The efficiency report has no Targets section");
  const lines = evaluateScaleTargets(scale, quick).map(targetLine).join("\n");
  return `${report.slice(0, at)}\n${renderScale(scale)}\n${report.slice(at).trimEnd()}\n${lines}\n`;
}

/** Part 3 alone (`--only=scale`), with its own heading and targets. */
export function scaleReport(
  info: { date: Date; node: string; cores: number; cpu: string; quick: boolean },
  scale: ScaleResults,
): string {
  const parts = [
    "# translation-status: scale benchmark",
    `${info.date.toISOString()} · Node ${info.node} · ${info.cores} cores (${info.cpu}) · ${info.quick ? "quick run" : "full run"} · took ${seconds(scale.elapsedMs)}`,
    renderScale(scale),
    "## Targets",
    evaluateScaleTargets(scale, info.quick).map(targetLine).join("\n"),
  ];
  return `${parts.join("\n\n")}\n`;
}

/** The server throughput alone (`--only=throughput`), with its targets. */
export function throughputReport(
  info: { date: Date; node: string; cores: number; cpu: string; quick: boolean },
  throughput: ThroughputResults,
  loadAverage: number,
): string {
  const parts = [
    "# translation-status: throughput benchmark",
    `${info.date.toISOString()} · Node ${info.node} · ${info.cores} cores (${info.cpu}) · ${info.quick ? "quick run" : "full run"} · took ${seconds(throughput.elapsedMs)} · load average ${loadAverage.toFixed(2)} when it began`,
    ...renderThroughput(throughput),
    "## Targets",
    throughputTargets(throughput).map(targetLine).join("\n"),
  ];
  return `${parts.join("\n\n")}\n`;
}

/** As the efficiency targets print. */
function targetLine(t: ScaleTarget): string {
  const verdict = t.pass === undefined ? "NOT MEASURED" : t.pass ? "PASS" : "FAIL";
  return `- **${verdict}** ${t.target}. ${t.evidence}.`;
}
