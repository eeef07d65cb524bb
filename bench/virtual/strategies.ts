import type { WaitMode } from "../../packages/client/src/index.js";
import type { SimulatedBackendOptions } from "./simulated-backend.js";

/** One way of running the real client against the simulated backend. */
export interface ClientStrategy {
  name: string;
  /** What the backend offers (hints, long-polling, a stream). */
  backend: Omit<SimulatedBackendOptions, "clock">;
  mode: WaitMode;
  /** A new client for every job, so nothing learned carries over from one job to the next. */
  freshClient: boolean;
  /** Jobs of the same mix waited on by the same client before the measured ones. */
  warmUpJobs: number;
  /** Pass the mix as `kind` (and each job's `size` in a sized mix), so the client learns this kind of job. */
  withKind: boolean;
}

export const COLD = "ours: cold";
export const LEARNED = "ours: learned";
export const HINTED_POLL = "ours: hinted poll";
export const LONG_POLL = "ours: long-poll";
export const STREAM = "ours: stream";
export const AUTO = "ours: auto";
export const REUSED = "ours: no hints, reused client";

const NO_HINTS = { hints: false } as const;
const EVERYTHING = { hints: true, longPoll: true, stream: true } as const;

/** By default a strategy gets a new client per job, no warm-up and no `kind`. */
function strategy(
  name: string,
  backend: ClientStrategy["backend"],
  mode: WaitMode,
  overrides: Partial<ClientStrategy> = {},
): ClientStrategy {
  return { name, backend, mode, freshClient: true, warmUpJobs: 0, withKind: false, ...overrides };
}

export const CLIENT_STRATEGIES: readonly ClientStrategy[] = [
  strategy(COLD, NO_HINTS, "poll"),
  strategy(LEARNED, NO_HINTS, "poll", { freshClient: false, warmUpJobs: 20, withKind: true }),
  // What a caller gets by default when one client waits on job after job without a `kind`:
  // every duration is learned under "default".
  strategy(REUSED, NO_HINTS, "poll", { freshClient: false }),
  strategy(HINTED_POLL, EVERYTHING, "poll"),
  strategy(LONG_POLL, EVERYTHING, "long-poll"),
  strategy(STREAM, EVERYTHING, "stream"),
  strategy(AUTO, EVERYTHING, "auto"),
];
