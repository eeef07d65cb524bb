import cliProgress from "cli-progress";
import type { PollEvent } from "@translation-status/client";
import { formatDuration } from "../duration.js";
import type { Io } from "../io.js";

/** Shows a wait as it happens. Separate from the waiting logic, which only reports events. */
export interface LiveView {
  poll(event: PollEvent): void;
  stop(): void;
}

/**
 * On a terminal: one line redrawn in place, a progress bar with the status, time elapsed,
 * requests made and a countdown to the next poll. Elsewhere (CI logs, pipes): a plain line per
 * poll, since redrawing would only litter the log.
 */
export function createLiveView(io: Io, label: string): LiveView {
  return io.stderr.isTTY ? new BarView(io, label) : new LineView(io, label);
}

class BarView implements LiveView {
  readonly #bar: cliProgress.SingleBar;
  readonly #started = Date.now();
  readonly #ticker: ReturnType<typeof setInterval>;
  #nextPollAt: number | undefined;
  #status = "starting";
  #attempts = 0;
  #progress = 0;

  constructor(io: Io, label: string) {
    this.#bar = new cliProgress.SingleBar(
      {
        format: `${label} {bar} {percentage}% | {status} | elapsed {elapsed} | requests {attempts} | next poll {next}`,
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
    this.#ticker = setInterval(() => this.#bar.update(this.#progress, this.#payload()), 200);
  }

  poll(event: PollEvent): void {
    this.#attempts = event.attempt;
    if (event.snapshot) {
      this.#status = event.snapshot.status;
      if (event.snapshot.progress !== undefined) this.#progress = event.snapshot.progress * 100;
    } else {
      this.#status = `retrying (${errorName(event.error)})`;
    }
    this.#nextPollAt =
      event.nextPollInMs === undefined ? undefined : Date.now() + event.nextPollInMs;
    this.#bar.update(this.#progress, this.#payload());
  }

  stop(): void {
    clearInterval(this.#ticker);
    this.#bar.stop();
  }

  #payload() {
    const next =
      this.#nextPollAt === undefined
        ? "-"
        : `in ${formatDuration(Math.max(0, this.#nextPollAt - Date.now()))}`;
    return {
      status: this.#status,
      elapsed: formatDuration(Date.now() - this.#started),
      attempts: this.#attempts,
      next,
    };
  }
}

class LineView implements LiveView {
  constructor(
    private readonly io: Io,
    private readonly label: string,
  ) {}

  poll(event: PollEvent): void {
    const seen = event.snapshot
      ? `${event.snapshot.status}${event.snapshot.progress === undefined ? "" : ` ${Math.round(event.snapshot.progress * 100)}%`}`
      : `failed (${errorName(event.error)}), retrying`;
    const next =
      event.nextPollInMs === undefined
        ? ""
        : `, next poll in ${formatDuration(event.nextPollInMs)}`;
    this.io.stderr.write(
      `${this.label} request ${event.attempt} at ${formatDuration(event.elapsedMs)}: ${seen}${next}\n`,
    );
  }

  stop(): void {}
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "error";
}
