import type { FastifyInstance } from "fastify";
import type { SetTimer } from "../src/index.js";

/**
 * What an app is holding, read the way an operator would: its `GET /metrics`. Series are keyed
 * as written, `long_polls_held` or `event_streams_open{kind="job"}`.
 */
export async function scrape(app: FastifyInstance): Promise<Map<string, number>> {
  const response = await app.inject({ url: "/metrics" });
  if (response.statusCode !== 200) throw new Error(`GET /metrics: ${response.statusCode}`);
  const series = new Map<string, number>();
  for (const line of response.body.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

/** The app's live work right now: held long-polls, open streams, webhook deliveries. */
export async function held(app: FastifyInstance) {
  const series = await scrape(app);
  const read = (name: string) => {
    const value = series.get(name);
    if (value === undefined) throw new Error(`No series ${name} in /metrics`);
    return value;
  };
  return {
    longPolls: read("long_polls_held"),
    jobStreams: read('event_streams_open{kind="job"}'),
    multiplexedStreams: read('event_streams_open{kind="multiplexed"}'),
    webhookDeliveries: read("webhook_deliveries_pending"),
  };
}

/** Faults injected so far, of one kind or (without `kind`) of all. */
export async function faultsInjected(app: FastifyInstance, kind?: string): Promise<number> {
  let total = 0;
  for (const [name, value] of await scrape(app)) {
    if (!name.startsWith("faults_injected_total{")) continue;
    if (kind === undefined || name === `faults_injected_total{kind="${kind}"}`) total += value;
  }
  return total;
}

export type Held = Awaited<ReturnType<typeof held>>;

/** Waits, turn by turn of the event loop (no sleeping), until what the app holds passes `test`. */
export async function untilHeld(
  app: FastifyInstance,
  test: (now: Held) => boolean,
  what: string,
): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (test(await held(app))) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** As `untilHeld`, on real time in short steps, for real-socket tests. */
export async function eventuallyHeld(
  app: FastifyInstance,
  test: (now: Held) => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!test(await held(app))) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Real timers (unref'd, as the app's default) that count how many are armed: the app's
 * scheduler arms one only while it has something to wake, so 0 means nothing is waiting.
 */
export function countedTimers(): { setTimer: SetTimer; readonly armed: number } {
  let armed = 0;
  return {
    setTimer: (callback, delayMs) => {
      armed++;
      let live = true;
      const timer = setTimeout(() => {
        live = false;
        armed--;
        callback();
      }, delayMs);
      timer.unref();
      return () => {
        if (!live) return;
        live = false;
        armed--;
        clearTimeout(timer);
      };
    },
    get armed() {
      return armed;
    },
  };
}
