import { mkdir, writeFile } from "node:fs/promises";
import type { MixResult, VirtualResults } from "../virtual/run-virtual.js";
import { LEARNED } from "../virtual/strategies.js";

const W = 640;
const H = 400;
const M = { left: 56, right: 170, top: 30, bottom: 44 };

/**
 * One small SVG per mix: requests per job against mean delay, both on log scales, the optimal
 * frontier (+1 for the first request) as a curve and every strategy as a labelled point.
 * Returns the files written.
 */
export async function writeFrontierCharts(virtual: VirtualResults, dir: URL): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const mix of virtual.mixes) {
    const file = new URL(`${mix.mix.id}.svg`, dir);
    await writeFile(file, frontierChart(mix));
    written.push(`docs/bench/${mix.mix.id}.svg`);
  }
  return written;
}

export function frontierChart(mix: MixResult): string {
  const share = mix.mix.law.perSize === true;
  // Delay in seconds, or in % of the length on a sized mix.
  const delayOf = (ms: number, pct: number) => (share ? pct : ms / 1_000);
  const curve = mix.frontier.map((p) => ({
    x: share ? p.delay * 100 : p.delay / 1_000,
    y: p.checks + 1,
  }));
  const points = mix.rows.map((r) => ({
    name: r.strategy,
    x: delayOf(r.summary.meanDelayMs, r.summary.meanDelayPct),
    y: r.summary.meanRequests,
  }));
  const positive = [...curve, ...points].filter((p) => p.x > 0);
  const xMin = Math.min(...positive.map((p) => p.x)) / 1.5;
  const xMax = Math.max(...positive.map((p) => p.x)) * 1.5;
  const yMin = 1;
  const yMax = Math.max(...[...curve, ...points].map((p) => p.y)) * 1.5;
  const sx = (x: number) =>
    M.left +
    ((Math.log(Math.max(x, xMin)) - Math.log(xMin)) / Math.log(xMax / xMin)) *
      (W - M.left - M.right);
  const sy = (y: number) =>
    H -
    M.bottom -
    ((Math.log(y) - Math.log(yMin)) / Math.log(yMax / yMin)) * (H - M.top - M.bottom);
  const visible = curve.filter((p) => p.x >= xMin && p.x <= xMax && p.y <= yMax);
  const path = visible.map((p, i) => `${i ? "L" : "M"}${f(sx(p.x))},${f(sy(p.y))}`).join(" ");
  const unit = share ? "% of length" : "s";
  const ticks = (lo: number, hi: number) =>
    [0.01, 0.1, 1, 10, 100, 1_000]
      .flatMap((d) => [d, Number((3 * d).toPrecision(1))])
      .filter((v) => v >= lo && v <= hi);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="18" font-size="13" font-weight="bold">${esc(mix.mix.title)}</text>`,
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="black"/>`,
    ...ticks(xMin, xMax).map(
      (v) => `<text x="${f(sx(v))}" y="${H - M.bottom + 14}" text-anchor="middle">${v}</text>`,
    ),
    ...ticks(yMin, yMax).map(
      (v) => `<text x="${M.left - 6}" y="${f(sy(v) + 4)}" text-anchor="end">${v}</text>`,
    ),
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">mean delay (${unit}, log scale; 0 drawn at the left edge)</text>`,
    `<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">requests per job (log scale)</text>`,
    `<path d="${path}" fill="none" stroke="#2a7" stroke-width="2"/>`,
    `<text x="${W - M.right + 8}" y="${M.top}" fill="#2a7">— optimal frontier (+1)</text>`,
    ...points.map((p, i) => {
      const ours = p.name.startsWith("ours");
      const color = p.name === LEARNED ? "#d22" : ours ? "#36c" : "#888";
      const cx = f(sx(p.x));
      const cy = f(sy(Math.max(p.y, yMin)));
      const ly = M.top + 16 + i * 14;
      return [
        `<circle cx="${cx}" cy="${cy}" r="4" fill="${color}"/>`,
        `<text x="${Number(cx) + 6}" y="${Number(cy) - 4}" fill="${color}">${i + 1}</text>`,
        `<text x="${W - M.right + 8}" y="${ly}" fill="${color}">${i + 1} ${esc(p.name.replace("ours: ", ""))}</text>`,
      ].join("");
    }),
    "</svg>",
  ];
  return `${parts.join("\n")}\n`;
}

const f = (n: number) => n.toFixed(1);
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
