import "./style.css";
import { AuthenticationError, HttpError } from "@translation-status/client";
import { Api, type JobStatus, type JobTimelineView, type JobView } from "./api.js";
import { clock, duration, escape, STATUS_LABEL } from "./format.js";
import { summaryHtml } from "./summary-chart.js";
import { timelineSvg } from "./timeline-chart.js";

const LIST_EVERY_MS = 5_000;
const TIMELINE_EVERY_MS = 1_000;
const SUMMARY_EVERY_MS = 2_000;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const api = new Api(location.origin);
const jobs = new Map<string, JobView>();
let filter: "all" | JobStatus = "all";
let selected: string | undefined;
let shownTimeline: JobTimelineView | undefined;
/** The open multiplexed stream and the pending jobs it follows. */
let live: { ids: Set<string>; controller: AbortController } | undefined;

function announce(text: string): void {
  $("announcer").textContent = text;
}

function setConnection(text: string, ok: boolean): void {
  const element = $("connection");
  element.textContent = text;
  element.dataset.ok = String(ok);
}

// The list: newest first, filtered by status, progress estimated between events.
function renderJobs(): void {
  const now = Date.now();
  const all = [...jobs.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const shown = all.filter((job) => filter === "all" || job.status === filter);
  const pending = all.filter((job) => job.status === "pending").length;
  $("jobs-count").textContent =
    `${shown.length} shown of ${all.length} job${all.length === 1 ? "" : "s"}; ${pending} pending`;
  const rows = shown.map((job) => {
    const progress =
      job.status === "pending"
        ? estimatedProgress(job, now)
        : job.status === "completed"
          ? 1
          : job.progress;
    const percent = Math.round(progress * 100);
    const isSelected = job.id === selected;
    return (
      `<tr data-job="${escape(job.id)}"${isSelected ? ' class="selected" aria-current="true"' : ""}>` +
      `<td><code>${escape(job.id)}</code></td>` +
      `<td><span class="status s-${job.status}">${STATUS_LABEL[job.status] ?? job.status}</span>` +
      (job.error ? `<span class="why">${escape(job.error.code)}</span>` : "") +
      `</td>` +
      `<td><div class="progress"><progress max="100" value="${percent}" aria-label="Progress of ${escape(job.id)}">${percent}%</progress><span>${percent}%</span></div></td>` +
      `<td>${clock(job.createdAt)}</td>` +
      `<td>${job.completedAt ? `${clock(job.completedAt)} <span class="muted">(${duration(Date.parse(job.completedAt) - Date.parse(job.createdAt))})</span>` : "–"}</td>` +
      `<td class="actions">` +
      `<button type="button" data-action="timeline" aria-label="Timeline of ${escape(job.id)}">Timeline</button>` +
      (job.status === "pending"
        ? `<button type="button" data-action="cancel" class="danger" aria-label="Cancel ${escape(job.id)}">Cancel</button>`
        : "") +
      `</td></tr>`
    );
  });
  const body = $("job-rows");
  // Keep focus on the button it was on across re-renders (keyboard users).
  const focused = document.activeElement as HTMLElement | null;
  const focusKey =
    focused && body.contains(focused)
      ? [focused.closest("tr")?.dataset.job, focused.dataset.action]
      : undefined;
  body.innerHTML =
    rows.join("") ||
    `<tr><td colspan="6" class="empty">${all.length === 0 ? "No jobs yet: create one above." : "No job with this status."}</td></tr>`;
  if (focusKey?.[0] !== undefined) {
    const again = body.querySelector<HTMLElement>(
      `tr[data-job="${CSS.escape(focusKey[0])}"] [data-action="${focusKey[1]}"]`,
    );
    (again ?? $("jobs")).focus();
  }
}

function estimatedProgress(job: JobView, now: number): number {
  const start = Date.parse(job.createdAt);
  const eta = Date.parse(job.estimatedCompletionAt);
  if (!(eta > start)) return job.progress;
  return Math.max(job.progress, Math.min(0.99, (now - start) / (eta - start)));
}

function update(job: JobView): void {
  const before = jobs.get(job.id);
  jobs.set(job.id, job);
  if (before?.status === "pending" && job.status !== "pending") {
    announce(`Job ${job.id}: ${job.status}`);
  }
}

// Live: one multiplexed stream follows every pending job; reopened when a new one appears.
function follow(): void {
  const pending = [...jobs.values()].filter((j) => j.status === "pending").map((j) => j.id);
  if (pending.length === 0) return;
  if (live && pending.every((id) => live!.ids.has(id))) return;
  live?.controller.abort();
  const controller = new AbortController();
  const ids = new Set(pending.slice(-100));
  live = { ids, controller };
  api
    .followJobs(ids, controller.signal, ({ event, data }) => {
      if (event !== "progress" && event !== "done") return;
      const job = JSON.parse(data) as JobView;
      update(job);
      renderJobs();
      if (event === "done") void refreshSummary();
      if (selected !== undefined && ids.has(selected)) void refreshTimeline();
    })
    .catch((error: unknown) => {
      if (controller.signal.aborted) return;
      setConnection(`Live updates interrupted: ${message(error)}`, false);
    })
    .finally(() => {
      if (live?.controller === controller) live = undefined;
      // Jobs still pending (the stream was cut): follow them again.
      if (!controller.signal.aborted) setTimeout(follow, 1_000);
    });
}

async function refreshList(): Promise<void> {
  try {
    const list = await api.listJobs();
    for (const job of list) update(job);
    setConnection(`Live · ${location.host}`, true);
    renderJobs();
    follow();
  } catch (error) {
    if (error instanceof AuthenticationError) {
      setConnection("This server needs an API key: enter it above.", false);
    } else {
      setConnection(`Cannot reach the server: ${message(error)}`, false);
    }
  }
}

async function refreshTimeline(): Promise<void> {
  if (selected === undefined) return;
  const id = selected;
  try {
    const timeline = await api.timeline(id);
    if (id !== selected) return;
    $("timeline-job").innerHTML =
      `<code>${escape(id)}</code> · <span class="status s-${timeline.status}">${STATUS_LABEL[timeline.status]}</span>`;
    const start = Date.parse(timeline.createdAt);
    const facts = [
      [
        "Requests",
        String(timeline.requestCount) +
          (timeline.droppedCount ? ` (${timeline.droppedCount} oldest not shown)` : ""),
      ],
      [
        "Completed",
        timeline.completedAt
          ? `${clock(timeline.completedAt)} (+${duration(Date.parse(timeline.completedAt) - start)})`
          : "not yet",
      ],
      [
        "Client learned",
        timeline.learned
          ? `${clock(timeline.learned.at)}, ${duration(timeline.learned.delayMs)} later, by ${escape(timeline.learned.client)} (${timeline.learned.mode})`
          : "not yet",
      ],
    ];
    $("timeline-facts").innerHTML = facts
      .map(
        ([name, value]) =>
          `<div><dt>${name}</dt><dd data-fact="${name!.toLowerCase().replace(" ", "-")}">${value}</dd></div>`,
      )
      .join("")
      .replace(/^/, "<dl>")
      .concat("</dl>");
    shownTimeline = timeline;
    drawTimeline();
    $("timeline-rows").innerHTML = timeline.entries
      .map(
        (e) =>
          `<tr><td>${clock(e.at)}</td><td>${escape(e.client)}</td><td><code>${escape(e.endpoint)}</code></td>` +
          `<td>${e.mode}</td><td>${e.statusCode}</td><td>${e.result ?? "–"}${e.terminalAt ? " (end)" : ""}</td>` +
          `<td>${e.endedAt ? clock(e.endedAt) : "open"}</td></tr>`,
      )
      .join("");
  } catch (error) {
    $("timeline-facts").textContent = `Cannot load the timeline: ${message(error)}`;
  }
}

function drawTimeline(): void {
  if (shownTimeline === undefined) return;
  const chart = $("timeline-chart");
  chart.innerHTML = timelineSvg(shownTimeline, Date.now(), chart.clientWidth);
}

async function refreshSummary(): Promise<void> {
  try {
    $("summary-chart").innerHTML = summaryHtml(await api.summary());
  } catch {
    // The list reports connection problems; the chart keeps what it had.
  }
}

/** The server's own words when it gave some, else what went wrong. */
function message(error: unknown): string {
  if (error instanceof HttpError && error.serverMessage !== undefined) return error.serverMessage;
  return error instanceof Error ? error.message : String(error);
}

// Controls.
$("create-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const seconds = Number(($("duration") as HTMLInputElement).value);
  const probability = Number(($("error-probability") as HTMLInputElement).value);
  const out = $("create-message");
  api
    .createJob(Math.round(seconds * 1_000), probability)
    .then((job) => {
      update(job);
      out.textContent = `Created ${job.id}.`;
      out.dataset.ok = "true";
      renderJobs();
      follow();
      void refreshSummary();
    })
    .catch((error: unknown) => {
      out.textContent = `Not created: ${message(error)}`;
      out.dataset.ok = "false";
    });
});

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  // Kept in this page only: never stored.
  try {
    api.useKey(($("api-key") as HTMLInputElement).value.trim());
  } catch (error) {
    setConnection(`Not a usable API key: ${message(error)}`, false);
    return;
  }
  jobs.clear();
  live?.controller.abort();
  live = undefined;
  selected = undefined;
  void refreshList();
  void refreshSummary();
});

$("status-filter").addEventListener("change", (event) => {
  filter = (event.target as HTMLSelectElement).value as typeof filter;
  renderJobs();
});

$("job-rows").addEventListener("click", (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-action]");
  const id = button?.closest("tr")?.dataset.job;
  if (button === null || button === undefined || id === undefined) return;
  if (button.dataset.action === "timeline") {
    selected = id;
    renderJobs();
    void refreshTimeline();
    $("timeline").scrollIntoView({ behavior: "smooth", block: "start" });
  } else if (button.dataset.action === "cancel") {
    button.disabled = true;
    api
      .cancelJob(id)
      .then((job) => {
        update(job);
        renderJobs();
      })
      .catch((error: unknown) => announce(`Not cancelled: ${message(error)}`));
  }
});

window.addEventListener("resize", drawTimeline);
void refreshList();
void refreshSummary();
setInterval(() => void refreshList(), LIST_EVERY_MS);
setInterval(() => void refreshSummary(), SUMMARY_EVERY_MS);
setInterval(() => {
  if (selected !== undefined) void refreshTimeline();
}, TIMELINE_EVERY_MS);
// Progress bars move between events.
setInterval(() => {
  if ([...jobs.values()].some((j) => j.status === "pending")) renderJobs();
}, 500);
