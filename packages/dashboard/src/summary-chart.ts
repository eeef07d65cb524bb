import type { ClientSummary } from "./api.js";
import { duration, escape } from "./format.js";

const WIDTH = 420;
const LEFT = 130;
const RIGHT = 70;
const ROW = 30;

/**
 * Two bar charts side by side: requests per job, and the mean delay from a job's end to the
 * client knowing. Values are written beside the bars; a table below says the same in words.
 */
export function summaryHtml(clients: ClientSummary[]): string {
  if (clients.length === 0) {
    return `<p class="muted">No client has asked about a job yet.</p>`;
  }
  const requests = panel(
    "Requests per job",
    clients.map((c) => ({
      client: c.client,
      value: c.requestsPerJob,
      label: c.requestsPerJob.toFixed(1),
    })),
    1,
  );
  const delays = panel(
    "Mean delay to learn the end",
    clients.map((c) => ({
      client: c.client,
      value: c.meanDelayMs ?? 0,
      label: c.meanDelayMs === null ? "–" : duration(c.meanDelayMs),
    })),
    // A scale of at least a quarter second: 1 ms against 0 ms is no difference worth a bar.
    250,
  );
  const rows = clients
    .map(
      (c) =>
        `<tr><th scope="row">${escape(c.client)}</th><td>${c.jobs}</td><td>${c.requests}</td>` +
        `<td>${c.requestsPerJob.toFixed(1)}</td><td>${c.detections}</td>` +
        `<td>${c.meanDelayMs === null ? "–" : duration(c.meanDelayMs)}</td>` +
        `<td>${c.maxDelayMs === null ? "–" : duration(c.maxDelayMs)}</td></tr>`,
    )
    .join("");
  return (
    `<div class="panels">${requests}${delays}</div>` +
    `<div class="table-wrap"><table class="summary-table"><thead><tr><th scope="col">Client</th>` +
    `<th scope="col">Jobs</th><th scope="col">Requests</th><th scope="col">Per job</th>` +
    `<th scope="col">Ends learned</th><th scope="col">Mean delay</th><th scope="col">Max delay</th>` +
    `</tr></thead><tbody>${rows}</tbody></table></div>`
  );
}

function panel(
  title: string,
  bars: Array<{ client: string; value: number; label: string }>,
  floor: number,
): string {
  const max = Math.max(...bars.map((b) => b.value), floor);
  const height = 28 + bars.length * ROW;
  const plot = WIDTH - LEFT - RIGHT;
  const body = bars
    .map((bar, i) => {
      const y = 28 + i * ROW;
      const w = Math.max(2, (bar.value / max) * plot);
      return (
        `<text class="lane-label" x="${LEFT - 8}" y="${y + 15}" text-anchor="end">${escape(bar.client.slice(0, 18))}</text>` +
        `<rect class="bar bar-${i % 6}" x="${LEFT}" y="${y + 4}" width="${w}" height="16" rx="3" />` +
        `<text class="bar-value" x="${LEFT + w + 6}" y="${y + 16}">${escape(bar.label)}</text>`
      );
    })
    .join("");
  const summary = `${title}: ${bars.map((b) => `${b.client} ${b.label}`).join(", ")}`;
  return (
    `<figure class="panel"><svg viewBox="0 0 ${WIDTH} ${height}" style="max-width:${WIDTH}px" role="img" aria-label="${escape(summary)}">` +
    `<text class="panel-title" x="0" y="16">${escape(title)}</text>${body}</svg></figure>`
  );
}
