import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { runHttp } from "./http/run-http.js";
import { renderReport } from "./report/report.js";
import { evaluateTargets } from "./report/targets.js";
import { runVirtual } from "./virtual/run-virtual.js";
import { AUTO } from "./virtual/strategies.js";

// `npm run bench` (full) or `npm run bench -- --quick` (fewer jobs, for a fast check).
const quick = process.argv.includes("--quick");
const seed = "translation-status";
const jobsPerMix = quick ? 50 : 400;
const jobsPerCell = quick ? 5 : 15;

const started = performance.now();
const progress = (line: string) => process.stderr.write(`${line}\n`);

progress(`Part 1: virtual time, ${jobsPerMix} jobs per mix…`);
const virtual = await runVirtual({
  jobsPerMix,
  seed,
  onStep: (mix, strategy) => {
    if (strategy === AUTO) progress(`  ${mix.title}: done`);
  },
});
progress(`Part 2: real HTTP on loopback, ${jobsPerCell} jobs per row…`);
const http = await runHttp({ jobsPerCell, seed });
const targets = evaluateTargets(virtual, http);

const cpu = cpus();
const report = renderReport(
  {
    date: new Date(),
    node: process.version,
    cores: cpu.length,
    cpu: cpu[0]?.model.trim() ?? "unknown CPU",
    quick,
    seed,
    jobsPerMix,
    jobsPerCell,
    elapsedMs: performance.now() - started,
  },
  virtual,
  http,
  targets,
);
console.log(report);

const results = new URL("./results/", import.meta.url);
await mkdir(results, { recursive: true });
const file = new URL(quick ? "quick.md" : "latest.md", results);
await writeFile(file, report);
progress(`Written to ${file.pathname}`);
