import cliProgress from "cli-progress";
import type { PollEvent, ProgressEvent } from "@translation-status/client";
import { formatDuration } from "../duration.js";
import type { Io } from "../io.js";

/** Shows a wait as it happens. Separate from the waiting logic, which only reports events. */
export interface LiveView {
  poll(event: PollEvent): void;
  progress(event: ProgressEvent): void;
  stop(): void;
}

/**
 * On a terminal: one line redrawn in place: a progress bar, the status, how the client is
 * watching (poll, long-poll, stream), time elapsed, requests made, the server's estimate and
 * a countdown to the next poll. Elsewhere (CI logs, pipes): a plain line per request and per
 * tenth of progress, since redrawing would only litter the log.
 */
export function createLiveView(io: Io, label: string): LiveView {
  return io.stderr.isTTY ? new BarView(io, label) : new LineView(io, label);
}

class BarView implements LiveView {
  readonly #bar: cliProgress.SingleBar;
  readonly #started = Date.now();
  readonly #ticker: ReturnType<typeof setInterval>;
  #nextPollAt: number | undefined;
  #estimate: number | undefined;
  #status = "starting";
  #mode = "";
  #attempts = 0;
  #progress = 0;

  constructor(io: Io, label: string) {
    this.#bar = new cliProgress.SingleBar(
      {
        format: `${label} {bar} {percentage}% | {status} | {mode} | elapsed {elapsed} | requests {attempts} | {next} | {estimate}`,
        stream: io.stderr as NodeJS.WritableStream,
        barsize: 20,
        hideCursor: true,
        clearOnComplete: true,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(100, 0, this.#payload());
    // The countdown and elapsed time move between polls too.
    this.#ticker = setInterval(() => this.#render(), 200);
  }

  poll(event: PollEvent): void {
    this.#attempts = event.attempt;
    if (!event.snapshot) this.#status = `retrying (${errorName(event.error)})`;
    this.#nextPollAt =
      event.nextPollInMs === undefined ? undefined : Date.now() + event.nextPollInMs;
    this.#render();
  }

  progress(event: ProgressEvent): void {
    this.#status = event.snapshot.status;
    this.#mode = event.mode;
    this.#estimate = event.estimatedCompletionAt;
    if (event.progress !== undefined) this.#progress = event.progress * 100;
    if (event.mode === "stream") this.#nextPollAt = undefined;
    this.#render();
  }

  stop(): void {
    clearInterval(this.#ticker);
    this.#bar.stop();
  }

  #render(): void {
    this.#bar.update(this.#progress, this.#payload());
  }

  #payload() {
    const now = Date.now();
    const next =
      this.#mode === "stream"
        ? "streaming"
        : this.#nextPollAt === undefined
          ? "next poll -"
          : `next poll in ${formatDuration(Math.max(0, this.#nextPollAt - now))}`;
    // Not `eta`: cli-progress fills `{eta}` with its own guess, in seconds, over this one.
    const estimate =
      this.#estimate === undefined
        ? "no estimate"
        : `done in ~${formatDuration(Math.max(0, this.#estimate - now))}`;
    return {
      status: this.#status,
      mode: this.#mode || "-",
      elapsed: formatDuration(now - this.#started),
      attempts: this.#attempts,
      next,
      estimate,
    };
  }
}

class LineView implements LiveView {
  readonly #io: Io;
  readonly #label: string;
  #lastTenth = -1;

  constructor(io: Io, label: string) {
    this.#io = io;
    this.#label = label;
  }

  poll(event: PollEvent): void {
    const seen = event.snapshot
      ? `${event.snapshot.status}${percent(event.snapshot.progress)}`
      : `failed (${errorName(event.error)}), retrying`;
    const next =
      event.nextPollInMs === undefined
        ? ""
        : `, next ${event.mode === "stream" ? "connection" : "poll"} in ${formatDuration(event.nextPollInMs)} (${event.delaySource})`;
    this.#write(
      `request ${event.attempt} (${event.mode}) at ${formatDuration(event.elapsedMs)}: ${seen}${next}`,
    );
  }

  progress(event: ProgressEvent): void {
    // Polls are reported by poll(); a stream reports itself here, a line per tenth.
    if (event.mode !== "stream" || event.progress === undefined) return;
    const tenth = Math.floor(event.progress * 10);
    if (tenth === this.#lastTenth && event.snapshot.status === "pending") return;
    this.#lastTenth = tenth;
    this.#write(`stream: ${event.snapshot.status}${percent(event.progress)}`);
  }

  stop(): void {}

  #write(text: string): void {
    this.#io.stderr.write(`${this.#label} ${text}\n`);
  }
}

function percent(progress: number | undefined): string {
  return progress === undefined ? "" : ` ${Math.round(progress * 100)}%`;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "error";
}
