import type { Random } from "../../packages/server/src/jobs/random.js";

/**
 * Another client's polling schedule, as its source code has it. Every peer asks once at the
 * start, then waits `delayMs(n)` before request n + 1, until it sees the job finished.
 */
export interface PeerSchedule {
  name: string;
  /** Where the schedule comes from, for the README and the report. */
  source: string;
  /** Delay in ms after the n-th request (n = 1 after the first). */
  delayMs(n: number, random: Random): number;
}

const AWS_MIN_S = 2;
const AWS_MAX_S = 120;
// smithy-typescript util-waiter poller.ts: past this attempt the delay is maxDelay exactly.
const AWS_ATTEMPT_CEILING = Math.log(AWS_MAX_S / AWS_MIN_S) / Math.log(2) + 1;

export const ORIGINAL = "original (2 s ×1.5)";
export const AWS_WAITER = "AWS SDK waiter";
export const HEYGEN_CLI = "HeyGen CLI";

export const PEERS: readonly PeerSchedule[] = [
  {
    name: ORIGINAL,
    source: "the original design: 2 s, ×1.5 after each poll, no cap, no jitter",
    delayMs: (n) => 2_000 * 1.5 ** (n - 1),
  },
  {
    name: AWS_WAITER,
    source:
      "smithy util-waiter (minDelay 2 s, maxDelay 120 s): uniform in [min, min·2^(n−1)], max once n > log2(max/min)+1",
    delayMs: (n, random) => {
      if (n > AWS_ATTEMPT_CEILING) return AWS_MAX_S * 1_000;
      const upper = AWS_MIN_S * 2 ** (n - 1);
      return (AWS_MIN_S + random() * (upper - AWS_MIN_S)) * 1_000;
    },
  },
  {
    name: HEYGEN_CLI,
    source: "HeyGen CLI: 2 s, ×2, capped at 30 s, then ×U[0.75, 1.25]",
    delayMs: (n, random) => Math.min(2_000 * 2 ** (n - 1), 30_000) * (0.75 + 0.5 * random()),
  },
  {
    name: "fixed 5 s",
    source: "OpenAI's SDK polling helpers: every 5 s (without a poll-after header)",
    delayMs: () => 5_000,
  },
  {
    name: "fixed 3 s",
    source: "a fixed 3 s interval",
    delayMs: () => 3_000,
  },
];

export interface PeerWait {
  requests: number;
  delayMs: number;
  /** When each request was made, in ms since the job started. */
  times: number[];
}

/** The requests a peer makes on a job of `lengthMs` that it starts waiting on at its creation. */
export function simulatePeer(peer: PeerSchedule, lengthMs: number, random: Random): PeerWait {
  const times = [0];
  let t = 0;
  while (t < lengthMs) {
    t += peer.delayMs(times.length, random);
    times.push(t);
  }
  return { requests: times.length, delayMs: t - lengthMs, times };
}
