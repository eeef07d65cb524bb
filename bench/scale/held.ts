import { Child } from "./child.js";
import type { HolderConfig, HolderHandlers, OpenResult } from "./holder-process.js";
import type { Memory, ServerHandlers, ServerInfo } from "./server-process.js";
import { SERVER_PROCESS } from "./throughput.js";

/** The server's memory with many requests held open at once, of one kind. */
export interface HeldScenario {
  kind: "long-poll" | "stream";
  /** Requests opened. */
  opened: number;
  /** What the server itself counted as held (long-polls) or open (streams) at the peak. */
  held: number;
  failed: number;
  firstError?: string;
  openMs: number;
  /** After a GC, before the requests were opened. */
  before: Memory;
  /** After a GC, with every request held, a progress tick or more after the last one opened. */
  during: Memory;
  /** After a GC, once they were all closed. */
  after: Memory;
  /** The server's count of held requests and open sockets once the client dropped them all. */
  leftOpen: { held: number; sockets: number };
}

export interface HeldResults {
  connections: number;
  /** The server before any job existed. */
  fresh: Memory;
  scenarios: HeldScenario[];
  elapsedMs: number;
}

const HOLDER_PROCESS = new URL("./holder-process.ts", import.meta.url);
/** Pending far longer than the test: every request stays held until it is dropped. */
const LONG_JOB_MS = 3_600_000;
/** Connections opened at once; the server's accept backlog is 511. */
export const HELD_WAVE = 250;
/** How long the requests stay open before memory is read: a progress tick or two for streams. */
const SETTLE_MS = 1_500;

/**
 * `connections` long-polls (`Prefer: wait=60`) and then as many event streams, one per job,
 * opened by a child process against a fresh simulator in another; the simulator reports its
 * memory over IPC before, during and after.
 */
export async function runHeld(connections: number, seed: string): Promise<HeldResults> {
  const started = performance.now();
  const server = await Child.spawn<ServerHandlers, ServerInfo>(SERVER_PROCESS, {
    config: { kind: "simulator", logging: true, seed },
    nodeFlags: ["--expose-gc"],
  });
  const holder = await Child.spawn<HolderHandlers>(HOLDER_PROCESS, {
    config: { url: server.info.url } satisfies HolderConfig,
  });
  const scenarios: HeldScenario[] = [];
  try {
    const fresh = await server.call("memory", { gc: true });
    const jobs = await server.call("create", {
      lengthsMs: Array.from({ length: connections }, () => LONG_JOB_MS),
    });
    for (const kind of ["long-poll", "stream"] as const) {
      const paths = jobs.map((job) =>
        kind === "stream" ? `/jobs/${job.id}/events` : `/jobs/${job.id}`,
      );
      const before = await server.call("memory", { gc: true });
      const count = async () => {
        const live = await server.call("live", undefined);
        return { held: kind === "stream" ? live.streams : live.longPolls, sockets: live.sockets };
      };
      // A wave at a time, the next once the server holds this one: connections that pile up
      // unaccepted overflow the backlog, and a dropped SYN costs a second before its retry.
      const openStarted = performance.now();
      let opened: OpenResult = { sent: 0, failed: 0, bytes: 0, elapsedMs: 0 };
      let held = { held: 0, sockets: 0 };
      for (let i = 0; i < paths.length; i += HELD_WAVE) {
        const wave = paths.slice(i, i + HELD_WAVE);
        opened = await holder.call("open", { paths: wave, kind, wave: HELD_WAVE }, 60_000);
        held = await until(count, (c) => c.held >= opened.sent - opened.failed, 30_000);
      }
      const openMs = performance.now() - openStarted;
      await sleep(SETTLE_MS);
      const during = await server.call("memory", { gc: true });
      await holder.call("closeAll", undefined);
      const leftOpen = await until(count, (c) => c.held === 0 && c.sockets === 0, 30_000);
      const after = await server.call("memory", { gc: true });
      scenarios.push({
        kind,
        opened: opened.sent,
        held: held.held,
        failed: opened.failed,
        ...(opened.firstError !== undefined && { firstError: opened.firstError }),
        openMs,
        before,
        during,
        after,
        leftOpen,
      });
    }
    return { connections, fresh, scenarios, elapsedMs: performance.now() - started };
  } finally {
    await holder.stop();
    await server.stop();
  }
}

/** Polls `read` every 20 ms until `done` holds or `timeoutMs` passes; the last reading. */
async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || performance.now() > deadline) return value;
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
