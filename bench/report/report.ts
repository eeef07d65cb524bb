import type { HttpCell, HttpResults } from "../http/run-http.js";
import { AWS_WAITER, HEYGEN_CLI } from "../virtual/peers.js";
import type { MixResult, StrategyResult, VirtualResults } from "../virtual/run-virtual.js";
import { checkPeers, type SanityRow } from "../virtual/sanity.js";
import { optimumAt } from "../virtual/frontier.js";
import { COLD, LEARNED, REUSED } from "../virtual/strategies.js";
import type { ScheduleCpu } from "../virtual/schedule-cpu.js";
import { count, duration, markdownTable, percent, ratio, type Column } from "./table.js";
import type { TargetResult } from "./targets.js";

export interface RunInfo {
  date: Date;
  node: string;
  cores: number;
  cpu: string;
  quick: boolean;
  seed: string;
  jobsPerMix: number;
  jobsPerCell: number;
  elapsedMs: number;
}

/** Mixes whose sample job's requests are listed request by request. */
const TIMELINE_MIXES = ["2s", "15min", "30min"];
/** Longer timelines keep their first and last requests only. */
const TIMELINE_MAX = 40;

export function renderReport(
  info: RunInfo,
  virtual: VirtualResults,
  http: HttpResults,
  targets: readonly TargetResult[],
  cpu: readonly ScheduleCpu[],
): string {
  const parts = [
    "# translation-status: efficiency benchmark",
    `${info.date.toISOString()} · Node ${info.node} · ${info.cores} cores (${info.cpu}) · ${info.quick ? "quick run" : "full run"}, seed "${info.seed}" · took ${(info.elapsedMs / 1_000).toFixed(1)} s`,
    "Detection delay: from the job's real completion to the moment `waitForCompletion` resolved (peers: to the request that saw it). A stream counts as one request per connection.",
    `## Part 1: virtual time`,
    `The real client (\`TranslationStatusClient\`) on a virtual clock against a simulated backend built on the server's own job logic; peers are their schedules replayed on the same jobs. ${info.jobsPerMix} measured jobs per mix, ${virtual.waits} client waits in ${(virtual.elapsedMs / 1_000).toFixed(1)} s. Ratios are against the AWS waiter (requests) and HeyGen's CLI (delay) on the same jobs. "optimum" is the fewest requests per job any schedule can make at that row's mean delay (the optimal checking schedule for the law the mix is drawn from, a dynamic programme; on the sized mix it knows each job's size and the delay is a share of the length), plus one for the first request; "÷ optimum" is the row's requests over it. Rows with hints have no optimum: the server told them when to ask.`,
    ...virtual.mixes.flatMap((m) => [`### ${m.mix.title}`, mixTable(m)]),
    "### CPU per scheduled poll",
    "The learned schedule alone, replayed outside the client on the jobs of a mix (20 warm-up jobs, then the measured ones), one sample learned per job as the client does: every plan is computed once per kind and target level, and again after each new sample.",
    cpuTable(cpu),
    "### Sanity: peers on 15 min ±10% against the figures measured from their source",
    sanityTable(checkPeers(virtual.mixes.find((m) => m.mix.id === "15min")!)),
    ...virtual.mixes
      .filter((m) => TIMELINE_MIXES.includes(m.mix.id))
      .flatMap((m) => [
        `### Requests of one job: ${m.mix.title}, the job nearest the median (${duration(m.sampleLengthMs)})`,
        "Seconds since the job's creation: `12.3` a poll, `60.0~120.0` a request held, `[0.0~900.0]` a stream.",
        m.rows.map((r) => `- **${r.strategy}**: ${shorten(r.timeline)}`).join("\n"),
      ]),
    "## Part 2: real HTTP on loopback",
    `The real server (\`startServer\`, port 0) and the real client over real HTTP, ${info.jobsPerCell} jobs per row, all rows at once (${http.jobs} jobs in ${(http.elapsedMs / 1_000).toFixed(1)} s, after one throwaway job per mode to warm the process up; the event loop, shared by server and client, ran timers up to ${duration(http.eventLoopDelayMs.max)} late, p99 ${duration(http.eventLoopDelayMs.p99)}). "no hints" is the same server behind a fetch wrapper that strips Poll-After-Ms, Retry-After, Link, estimatedCompletionAt and completedAt. The learned client waited on 20 warm-up jobs first, in waves of 5.`,
    httpTable(http.cells),
    "## Targets",
    targets.map((t) => `- **${t.pass ? "PASS" : "FAIL"}** ${t.target}. ${t.evidence}.`).join("\n"),
  ];
  return `${parts.join("\n\n")}\n`;
}

/** The rows an optimum applies to: those that got no hint from the server. */
const HINT_FREE = [COLD, LEARNED, REUSED];

/** The row beside ours: what the optimum needs at the learned client's own delay. */
export const OPTIMAL_ROW = "optimal at the learned delay";

function mixTable(mix: MixResult): string {
  const aws = mix.rows.find((r) => r.strategy === AWS_WAITER)!.summary;
  const heygen = mix.rows.find((r) => r.strategy === HEYGEN_CLI)!.summary;
  const learned = mix.rows.find((r) => r.strategy === LEARNED)!;
  const optimum = (r: StrategyResult) =>
    r.peer || HINT_FREE.includes(r.strategy)
      ? optimumAt(mix.mix, mix.frontier, r.summary)
      : undefined;
  const optimalRow: StrategyResult = {
    ...learned,
    strategy: OPTIMAL_ROW,
    summary: { ...learned.summary, meanRequests: optimum(learned)! },
  };
  const rows = [...mix.rows];
  rows.splice(rows.indexOf(learned) + 1, 0, optimalRow);
  const columns: Column<StrategyResult>[] = [
    { header: "strategy", align: "left", cell: (r) => r.strategy },
    { header: "requests/job", cell: (r) => count(r.summary.meanRequests) },
    { header: "mean delay", cell: (r) => duration(r.summary.meanDelayMs) },
    { header: "p95 delay", cell: (r) => duration(r.summary.p95DelayMs) },
    { header: "delay/length", cell: (r) => percent(r.summary.meanDelayPct) },
    { header: "req ÷ AWS", cell: (r) => ratio(r.summary.meanRequests / aws.meanRequests) },
    { header: "delay ÷ HeyGen", cell: (r) => ratio(r.summary.meanDelayMs / heygen.meanDelayMs) },
    {
      header: "optimum",
      cell: (r) => {
        const o = r.strategy === OPTIMAL_ROW ? undefined : optimum(r);
        return o === undefined ? "" : count(o);
      },
    },
    {
      header: "÷ optimum",
      cell: (r) => {
        const o = r.strategy === OPTIMAL_ROW ? undefined : optimum(r);
        return o === undefined ? "" : ratio(r.summary.meanRequests / o);
      },
    },
  ];
  return markdownTable(columns, rows);
}

function cpuTable(rows: readonly ScheduleCpu[]): string {
  const columns: Column<ScheduleCpu>[] = [
    { header: "mix", align: "left", cell: (r) => r.mixId },
    { header: "scheduled polls", cell: (r) => String(r.polls) },
    { header: "plans computed", cell: (r) => String(r.plans) },
    { header: "CPU per plan", cell: (r) => `${r.msPerPlan.toFixed(2)} ms` },
    { header: "CPU per scheduled poll", cell: (r) => `${r.usPerPoll.toFixed(0)} µs` },
  ];
  return markdownTable(columns, rows);
}

function sanityTable(rows: readonly SanityRow[]): string {
  const columns: Column<SanityRow>[] = [
    { header: "peer", align: "left", cell: (r) => r.peer },
    { header: "requests (source)", cell: (r) => count(r.sourceRequests) },
    { header: "requests (here)", cell: (r) => count(r.requests) },
    { header: "delay (source)", cell: (r) => duration(r.sourceDelayMs) },
    { header: "delay (here)", cell: (r) => duration(r.delayMs) },
    { header: "agrees", align: "left", cell: (r) => (r.agrees ? "yes" : "NO") },
  ];
  return markdownTable(columns, rows);
}

function httpTable(cells: readonly HttpCell[]): string {
  const columns: Column<HttpCell>[] = [
    { header: "strategy", align: "left", cell: (c) => c.strategy },
    { header: "server", align: "left", cell: (c) => (c.hints ? "hints" : "no hints") },
    { header: "job length", cell: (c) => c.lengthLabel },
    { header: "jobs", cell: (c) => String(c.summary.jobs) },
    { header: "requests/job", cell: (c) => count(c.summary.meanRequests) },
    { header: "mean delay", cell: (c) => duration(c.summary.meanDelayMs) },
    { header: "p95 delay", cell: (c) => duration(c.summary.p95DelayMs) },
    { header: "max delay", cell: (c) => duration(c.summary.maxDelayMs) },
    { header: "delay/length", cell: (c) => percent(c.summary.meanDelayPct) },
  ];
  return markdownTable(columns, cells);
}

function shorten(timeline: string): string {
  const [requests = "", ...rest] = timeline.split("; ");
  const times = requests.split(" ");
  if (times.length <= TIMELINE_MAX) return timeline;
  const kept = [...times.slice(0, 12), `… (${times.length - 15} more) …`, ...times.slice(-3)];
  return [`${kept.join(" ")} = ${times.length} requests`, ...rest].join("; ");
}
