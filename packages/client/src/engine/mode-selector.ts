import type { ServerHints } from "../hints.js";
import type { ScheduledDelay } from "../schedule.js";
import type { SseState } from "../transport/sse.js";
import type { WaitMode } from "../types.js";
import type { ResolvedOptions } from "../wait-options.js";

export type Mode = Exclude<WaitMode, "auto">;

/** Stream drops tolerated in one wait before falling back to requests. */
const MAX_STREAM_DROPS = 3;

/**
 * Whether a dropped stream is worth opening again: one that delivered something is, a few
 * times; one that delivered nothing (refused, not a stream, buffered by a proxy) is not.
 */
export function worthReopening(delivered: boolean, drops: number): boolean {
  return delivered && drops < MAX_STREAM_DROPS;
}

/** The pause before reopening a dropped stream: what the server asked for, within bounds. */
export function reopenPauseMs(state: SseState, o: ResolvedOptions, remainingMs: number): number {
  const pause = Math.max(state.retryMs ?? 1_000, o.minIntervalMs);
  return Math.min(pause, o.maxIntervalMs, remainingMs);
}

/**
 * How a wait observes its job(s), best first: the push stream, then long-polls, then plain
 * polls. `auto` starts with one poll, whose answer says what the server offers; a mode that
 * does not work out steps down to the next one. A wait on many jobs uses it too, with the
 * multiplexed stream and batch polls (which cannot be held).
 */
export class ModeSelector {
  #mode: Mode;
  #discovering: boolean;
  #canLongPoll: boolean;
  #streamDrops = 0;
  /** The server's ceiling on a long-poll's hold, from its `max-wait`. */
  #longPollMaxMs: number | undefined;
  /**
   * Whether the last request was a long-poll the server really held: only then may the next
   * one follow at once without breaking minIntervalMs.
   */
  #lastHeld = false;
  readonly #o: ResolvedOptions;
  /** Where the stream is, the single job's by default. */
  eventsUrl: string | undefined;
  /** The stream's reconnection state, kept across its connections. */
  readonly sse: SseState = { lastEventId: undefined, retryMs: undefined };

  constructor(o: ResolvedOptions, eventsUrl?: string) {
    this.#o = o;
    this.#discovering = o.mode === "auto";
    this.#mode = o.mode === "auto" ? "poll" : o.mode;
    this.#canLongPoll = o.mode === "long-poll";
    this.eventsUrl = eventsUrl;
  }

  get mode(): Mode {
    return this.#mode;
  }

  /**
   * In `auto`, takes what the first answer offers: a stream first, else long-polls. A wait on
   * many jobs gives `stream: true` for a multiplexed stream, which has no URL of its own here.
   */
  discover(offers: {
    stream?: boolean;
    eventsUrl?: string | undefined;
    longPoll?: { maxWaitMs: number | undefined } | undefined;
  }): void {
    if (!this.#discovering) return;
    this.#discovering = false;
    if (offers.longPoll) {
      this.#canLongPoll = true;
      this.#longPollMaxMs = offers.longPoll.maxWaitMs;
    }
    if (offers.eventsUrl !== undefined || offers.stream) {
      this.eventsUrl = offers.eventsUrl ?? this.eventsUrl;
      this.#mode = "stream";
    } else if (offers.longPoll) {
      this.#mode = "long-poll";
    }
  }

  /** Steps down one mode: stream to long-poll (if offered) or poll, long-poll to poll. */
  stepDown(): void {
    this.#mode = this.#mode === "stream" && this.#canLongPoll ? "long-poll" : "poll";
  }

  /** How long to ask the server to hold the next request; undefined for a plain poll. */
  holdMs(remainingMs: number): number | undefined {
    this.#lastHeld = false;
    if (this.#mode !== "long-poll") return undefined;
    return Math.min(
      this.#o.longPollWaitMs,
      this.#longPollMaxMs ?? Infinity,
      Math.max(0, remainingMs),
    );
  }

  /**
   * After a long-poll answered "still pending": true when the server did not hold it (it did
   * not say it held it, or answered well before it said), so it cannot long-poll, and asking
   * again at once would be a tight loop.
   */
  heldTooShort(holdMs: number | undefined, heldMs: number, appliedMs: number | undefined): boolean {
    if (this.#mode !== "long-poll" || holdMs === undefined || holdMs < 1_000) return false;
    if (appliedMs === undefined || (appliedMs > 0 && heldMs < appliedMs / 2)) return true;
    this.#lastHeld = true;
    return false;
  }

  /** After a stream ended without a terminal status: true when to stop streaming. */
  streamDropped(delivered: boolean): boolean {
    this.#streamDrops += 1;
    return !worthReopening(delivered, this.#streamDrops);
  }

  /**
   * The delay before the next request, for the mode the wait is now in, given the job's own
   * next poll delay (`pollDelay`, asked only where it applies).
   */
  delay(
    requestMode: Mode,
    failed: boolean,
    remainingMs: number,
    hints: Pick<ServerHints, "estimatedCompletionAt"> | undefined,
    now: number,
    pollDelay: () => ScheduledDelay,
  ): ScheduledDelay {
    const o = this.#o;
    if (requestMode === "stream" && this.#mode !== "stream") {
      // Just stepped down from a stream that gave nothing: ask plainly, at once.
      return { delayMs: Math.min(o.minIntervalMs, remainingMs), source: "backoff" };
    }
    if (!failed && this.#mode === "stream") {
      // Straight into a new stream; after a drop, after the pause the server asked for.
      if (requestMode !== "stream") return { delayMs: 0, source: "stream" };
      const delayMs = reopenPauseMs(this.sse, o, remainingMs);
      return { delayMs, source: delayMs === remainingMs ? "deadline" : "stream" };
    }
    const delay = pollDelay();
    if (!failed && this.#mode === "long-poll" && delay.source !== "deadline") {
      const soonest = this.#lastHeld ? 0 : o.minIntervalMs;
      // A held request paces itself: with nothing better to go on, ask again at once.
      if (delay.source === "backoff") return { delayMs: soonest, source: "backoff" };
      // Start the hold early enough that it spans the estimated completion: a hint meant for
      // polling ("just after the window") would otherwise sleep past a job that ends early.
      const estimated = hints?.estimatedCompletionAt;
      if (estimated !== undefined) {
        const hold = Math.min(o.longPollWaitMs, this.#longPollMaxMs ?? Infinity);
        const spanning = Math.max(soonest, estimated - now - hold / 2);
        if (spanning < delay.delayMs) return { delayMs: spanning, source: "estimate" };
      }
    }
    return delay;
  }
}
