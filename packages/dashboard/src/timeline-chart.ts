import type { JobTimelineView, TimelineEntryView } from "./api.js";
import { duration, escape } from "./format.js";

const LEFT = 132;
const RIGHT = 24;
const TOP = 40;
const LANE = 36;
const BOTTOM = 34;

/** Steps the axis may use, in ms: about six ticks whatever the span. */
const STEPS = [
  50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
];

const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/**
 * The requests about a job on a time axis, one lane per client: when each arrived (and how long
 * a long-poll or stream was held), the moment the job really ended, and the moment a client was
 * first told.
 */
export function timelineSvg(timeline: JobTimelineView, now: number, width: number): string {
  const WIDTH = Math.max(300, Math.round(width));
  const start = Date.parse(timeline.createdAt);
  const completedAt = ms(timeline.completedAt);
  const learnedAt = ms(timeline.learned?.at);
  const open = (entry: TimelineEntryView) => entry.endedAt === undefined && entry.mode === "stream";
  let end = Math.max(start + 1_000, completedAt ?? start, learnedAt ?? start);
  for (const entry of timeline.entries) {
    end = Math.max(end, ms(entry.endedAt) ?? ms(entry.at)!, ms(entry.terminalAt) ?? start);
    if (open(entry)) end = Math.max(end, now);
  }
  if (timeline.status === "pending") end = Math.max(end, now);
  const span = (end - start) * 1.04;
  const plot = WIDTH - LEFT - RIGHT;
  const x = (t: number) => LEFT + (Math.max(0, t - start) / span) * plot;

  const clients = [...new Set(timeline.entries.map((e) => e.client))];
  const height = TOP + Math.max(1, clients.length) * LANE + BOTTOM;
  const laneY = (client: string) => TOP + clients.indexOf(client) * LANE + LANE / 2;
  const parts: string[] = [];

  // Lanes and their client names.
  clients.forEach((client, i) => {
    const y = TOP + i * LANE;
    parts.push(
      `<rect class="lane${i % 2 ? " odd" : ""}" x="${LEFT}" y="${y}" width="${plot}" height="${LANE}" />`,
      `<text class="lane-label" x="${LEFT - 10}" y="${y + LANE / 2 + 4}" text-anchor="end">${escape(truncate(client, 18))}</text>`,
    );
  });

  // The axis: time since the job was created.
  const step =
    STEPS.find((s) => span / s <= Math.max(3, Math.floor(plot / 110))) ?? STEPS[STEPS.length - 1]!;
  const axisY = height - BOTTOM;
  parts.push(
    `<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${axisY}" y2="${axisY}" />`,
  );
  for (let t = 0; t <= span; t += step) {
    const tx = x(start + t);
    parts.push(
      `<line class="tick" x1="${tx}" x2="${tx}" y1="${TOP}" y2="${axisY + 4}" />`,
      `<text class="tick-label" x="${tx}" y="${axisY + 18}" text-anchor="middle">+${escape(duration(t))}</text>`,
    );
  }

  // Held requests first, so the point marks (create, poll, cancel) stay visible on top.
  const held = (e: TimelineEntryView) => e.mode === "long-poll" || e.mode === "stream";
  const ordered = [...timeline.entries.filter(held), ...timeline.entries.filter((e) => !held(e))];
  for (const entry of ordered) parts.push(mark(entry, x, laneY(entry.client), now));

  if (completedAt !== undefined) {
    const label = `${timeline.status} +${duration(completedAt - start)}`;
    parts.push(line("completed", x(completedAt), label, 14, height, WIDTH));
  }
  if (learnedAt !== undefined && timeline.learned !== undefined) {
    const { client, mode, delayMs } = timeline.learned;
    const label = `learned ${duration(delayMs)} later (${client}, ${mode})`;
    parts.push(line("learned", x(learnedAt), label, 30, height, WIDTH));
  }

  const summary =
    `Timeline of ${timeline.jobId}: ${timeline.requestCount} requests from ${clients.length} ` +
    `client${clients.length === 1 ? "" : "s"}` +
    (completedAt === undefined
      ? ", still pending"
      : `, ${timeline.status} after ${duration(completedAt - start)}`) +
    (timeline.learned === undefined
      ? ""
      : `, first learned ${duration(timeline.learned.delayMs)} later`);
  return (
    `<svg class="timeline-svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escape(summary)}">` +
    parts.join("") +
    `</svg>`
  );
}

function mark(entry: TimelineEntryView, x: (t: number) => number, y: number, now: number): string {
  const at = Date.parse(entry.at);
  const ended = ms(entry.endedAt);
  const failed = entry.statusCode >= 400;
  const told = entry.terminalAt !== undefined;
  const classes = `m-${entry.mode}${failed ? " failed" : ""}${told ? " told" : ""}`;
  const title =
    `${entry.endpoint} (${entry.mode}) from ${entry.client}: HTTP ${entry.statusCode}` +
    (entry.result === undefined ? "" : `, ${entry.result}`) +
    (ended === undefined ? ", open" : `, held ${duration(ended - at)}`);
  const x0 = x(at);
  let shape: string;
  switch (entry.mode) {
    case "create":
      shape = `<rect class="${classes}" x="${x0 - 5}" y="${y - 5}" width="10" height="10" rx="2" />`;
      break;
    case "cancel":
      shape = `<path class="${classes}" d="M${x0 - 5} ${y - 5} L${x0 + 5} ${y + 5} M${x0 + 5} ${y - 5} L${x0 - 5} ${y + 5}" />`;
      break;
    case "long-poll":
    case "stream": {
      const x1 = Math.max(x0 + 3, x(ended ?? now));
      const terminal = ms(entry.terminalAt);
      shape =
        `<rect class="${classes}" x="${x0}" y="${y - 4}" width="${x1 - x0}" height="8" rx="4" />` +
        (terminal === undefined
          ? ""
          : `<path class="done-tick" d="M${x(terminal)} ${y - 9} l5 9 l-5 9 l-5 -9 z" />`);
      break;
    }
    default:
      shape = `<circle class="${classes}" cx="${x0}" cy="${y}" r="5" />`;
  }
  return `<g data-mark="request" data-mode="${entry.mode}"><title>${escape(title)}</title>${shape}</g>`;
}

function line(
  kind: "completed" | "learned",
  lx: number,
  label: string,
  labelY: number,
  height: number,
  width: number,
) {
  const anchor = lx > width * 0.55 ? "end" : "start";
  const dx = anchor === "end" ? -6 : 6;
  return (
    `<g data-mark="${kind}"><title>${escape(label)}</title>` +
    `<line class="l-${kind}" x1="${lx}" x2="${lx}" y1="${labelY - 10}" y2="${height - BOTTOM}" />` +
    `<text class="line-label l-${kind}-text" x="${lx + dx}" y="${labelY}" text-anchor="${anchor}">${escape(label)}</text></g>`
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
