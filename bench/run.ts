import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { runHttp } from "./http/run-http.js";
import { runVendor, type VendorResults } from "./http/run-vendor.js";
import { renderReport } from "./report/report.js";
import { scaleReport, throughputReport, withScale } from "./report/scale-report.js";
import { evaluateTargets } from "./report/targets.js";
import { vendorReport, withVendor } from "./report/vendor-report.js";
import { runScale, runThroughputPart, type ScaleResults } from "./scale/run-scale.js";
import type { ThroughputResults } from "./scale/throughput.js";
import { runVirtual } from "./virtual/run-virtual.js";
import { AUTO } from "./virtual/strategies.js";
import { MIXES } from "./virtual/jobs.js";
import { measureScheduleCpu } from "./virtual/schedule-cpu.js";
import { writeFrontierCharts } from "./report/frontier-chart.js";

// `npm run bench` (full) or `npm run bench -- --quick` (fewer jobs, for a fast check); add
// `--only=efficiency` (Parts 1 and 2), `--only=vendor` (the vendor routes of Part 2),
// `--only=scale` (Part 3) or `--only=throughput` (Part 3's server throughput) to run one part
// alone.
const quick = process.argv.includes("--quick");
const PARTS = ["efficiency", "vendor", "scale", "throughput"] as const;
const onlyArg = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
const only = PARTS.find((part) => part === onlyArg);
if (onlyArg !== undefined && only === undefined) {
  throw new TypeError(`Expected --only=${PARTS.join(" or --only=")}, got --only=${onlyArg}`);
}
const seed = "translation-status";
const jobsPerMix = quick ? 50 : 400;
const jobsPerCell = quick ? 5 : 15;
/** Jobs per row of the vendor table: its rows wait 10 and 30 s, so few keep the part short. */
const vendorJobsPerCell = quick ? 3 : 5;
/** A quick run skips the 30 s jobs, which would set its duration. */
const vendorLengthsMs = quick ? [10_000] : undefined;
/** Mixes whose learned schedule is timed: narrow, wide, sized. */
const CPU_MIXES = ["15min", "heygen", "sized"];

const started = performance.now();
const progress = (line: string) => process.stderr.write(`${line}\n`);
const cpu = cpus();
const machine = {
  date: new Date(),
  node: process.version,
  cores: cpu.length,
  cpu: cpu[0]?.model.trim() ?? "unknown CPU",
  quick,
};

const efficiency = only === undefined || only === "efficiency" ? await runEfficiency() : undefined;
let vendor: VendorResults | undefined;
if (only === undefined || only === "vendor") {
  progress(`Vendor routes: real HTTP, ${vendorJobsPerCell} jobs per row…`);
  vendor = await runVendor({
    jobsPerCell: vendorJobsPerCell,
    seed,
    ...(vendorLengthsMs && { lengthsMs: vendorLengthsMs }),
  });
}
let scale: ScaleResults | undefined;
let throughput: ThroughputResults | undefined;
let loadAverage = Number.NaN;
if (only === "throughput") {
  progress("Part 3: server throughput alone…");
  loadAverage = loadavg()[0] ?? Number.NaN;
  throughput = await runThroughputPart({ quick, seed, onStep: progress });
} else if (only === undefined || only === "scale") {
  progress("Part 3: scale…");
  scale = await runScale({ quick, seed, onStep: progress });
}
const elapsedMs = performance.now() - started;
let report: string;
if (efficiency) {
  const info = { ...machine, seed, jobsPerMix, jobsPerCell, elapsedMs };
  report = renderReport(
    info,
    efficiency.virtual,
    efficiency.http,
    efficiency.targets,
    efficiency.cpu,
  );
  if (vendor) report = withVendor(report, vendor, vendorJobsPerCell);
  if (scale) report = withScale(report, scale, quick);
} else if (vendor) {
  report = vendorReport(machine, vendor, vendorJobsPerCell);
} else if (throughput) {
  report = throughputReport(machine, throughput, loadAverage);
} else {
  report = scaleReport(machine, scale!);
}
console.log(report);

const results = new URL("./results/", import.meta.url);
await mkdir(results, { recursive: true });
const name = only === undefined ? (quick ? "quick" : "latest") : `${only}${quick ? "-quick" : ""}`;
const file = new URL(`${name}.md`, results);
await writeFile(file, report);
progress(`Written to ${file.pathname}`);

/** Parts 1 and 2 and their targets. */
async function runEfficiency() {
  progress(`Part 1: virtual time, ${jobsPerMix} jobs per mix…`);
  const virtual = await runVirtual({
    jobsPerMix,
    seed,
    onStep: (mix, strategy) => {
      if (strategy === AUTO) progress(`  ${mix.title}: done`);
    },
  });
  const cpu = MIXES.filter((m) => CPU_MIXES.includes(m.id)).map((m) =>
    measureScheduleCpu(m, jobsPerMix, seed),
  );
  const charts = await writeFrontierCharts(virtual, new URL("../docs/bench/", import.meta.url));
  progress(`  charts: ${charts.join(", ")}`);
  progress(`Part 2: real HTTP on loopback, ${jobsPerCell} jobs per row…`);
  const http = await runHttp({ jobsPerCell, seed });
  return { virtual, http, cpu, targets: evaluateTargets(virtual, http) };
}
