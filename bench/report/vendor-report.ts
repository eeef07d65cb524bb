import type { VendorCell, VendorResults } from "../http/run-vendor.js";
import { count, duration, markdownTable, type Column } from "./table.js";

const API_NAMES = {
  "heygen-v3": "HeyGen v3",
  elevenlabs: "ElevenLabs",
  jobs: "jobs API (reference)",
} as const;

/** The vendor routes' section: its heading level fits under Part 2 or alone. */
export function vendorSection(vendor: VendorResults, jobsPerCell: number, level = "###"): string {
  return [
    `${level} Vendor routes, with and without the simulator's hints`,
    `The real client, default options, creating a job through each API and waiting on it, on the real simulator over real HTTP: HeyGen v3 and ElevenLabs as the real APIs answer (no hints, the default) and with \`vendorHints: true\` (\`VENDOR_HINTS=1\`: Poll-After-Ms, Retry-After, a long-poll Link, \`Prefer: wait\`), beside the jobs API. ${jobsPerCell} jobs per row, a fresh client per job, all rows at once (${vendor.jobs} jobs in ${(vendor.elapsedMs / 1_000).toFixed(1)} s; the event loop ran timers up to ${duration(vendor.eventLoopDelayMs.max)} late, p99 ${duration(vendor.eventLoopDelayMs.p99)}). Delay: from the job's \`completedAt\` (read under \`/jobs\`) to the moment \`waitForCompletion\` resolved.`,
    vendorTable(vendor.cells),
  ].join("\n\n");
}

export function vendorTable(cells: readonly VendorCell[]): string {
  const columns: Column<VendorCell>[] = [
    { header: "API", align: "left", cell: (c) => API_NAMES[c.api] },
    { header: "hints", align: "left", cell: (c) => hintsLabel(c) },
    { header: "mode", align: "left", cell: (c) => c.modes.join(", ") },
    { header: "job length", cell: (c) => c.lengthLabel },
    { header: "jobs", cell: (c) => String(c.summary.jobs) },
    { header: "requests/job", cell: (c) => count(c.summary.meanRequests) },
    { header: "mean delay", cell: (c) => duration(c.summary.meanDelayMs) },
    { header: "p95 delay", cell: (c) => duration(c.summary.p95DelayMs) },
  ];
  return markdownTable(columns, cells);
}

function hintsLabel(cell: VendorCell): string {
  if (cell.api === "jobs") return "always";
  return cell.hints ? "on (VENDOR_HINTS=1)" : "off (as the vendor)";
}

/** The vendor section spliced into the efficiency report, at the end of Part 2. */
export function withVendor(report: string, vendor: VendorResults, jobsPerCell: number): string {
  const marker = "\n## Targets\n";
  const at = report.lastIndexOf(marker);
  if (at < 0) throw new Error("The efficiency report has no Targets section");
  return `${report.slice(0, at)}\n${vendorSection(vendor, jobsPerCell)}\n${report.slice(at)}`;
}

/** The vendor routes alone (`--only=vendor`), with their own heading. */
export function vendorReport(
  info: { date: Date; node: string; cores: number; cpu: string; quick: boolean },
  vendor: VendorResults,
  jobsPerCell: number,
): string {
  const parts = [
    "# translation-status: vendor routes benchmark",
    `${info.date.toISOString()} · Node ${info.node} · ${info.cores} cores (${info.cpu}) · ${info.quick ? "quick run" : "full run"} · took ${(vendor.elapsedMs / 1_000).toFixed(1)} s`,
    vendorSection(vendor, jobsPerCell, "##"),
  ];
  return `${parts.join("\n\n")}\n`;
}
