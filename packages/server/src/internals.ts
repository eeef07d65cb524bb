import type { FastifyInstance } from "fastify";
import type { EventStreams } from "./events/event-streams.js";
import type { JobWatch } from "./events/job-watch.js";
import type { LongPolls } from "./events/long-polls.js";
import type { MultiplexedStreams } from "./events/multiplexed-streams.js";
import type { Scheduler } from "./events/scheduler.js";
import type { Faults } from "./faults/plugin.js";
import type { WebhookDispatcher } from "./webhooks/dispatcher.js";
import type { Metrics } from "./metrics/metrics.js";
import type { ChangeBus } from "./store/change-bus.js";

/** The live machinery behind an app, for tests and benchmarks; not part of the public API. */
export interface AppInternals {
  scheduler: Scheduler;
  watch: JobWatch;
  longPolls: LongPolls;
  streams: EventStreams;
  multiplexed: MultiplexedStreams;
  /** Injected faults: `faults.counter` counts them by kind; hangs, delays and slow answers. */
  faults: Faults;
  /** Webhook deliveries: `pending` counts those under way. */
  webhooks: WebhookDispatcher;
  /** The app's Prometheus registry and counters (`metrics.webhookDelivery(outcome)`). */
  metrics: Metrics;
  /** New and cancelled jobs, from this server and every other sharing its store. */
  changes: ChangeBus;
}

const internals = new WeakMap<FastifyInstance, AppInternals>();

export function setAppInternals(app: FastifyInstance, value: AppInternals): void {
  internals.set(app, value);
}

/** What `buildApp` wired into `app`. Throws for an app it did not build. */
export function appInternals(app: FastifyInstance): AppInternals {
  const value = internals.get(app);
  if (value === undefined) throw new TypeError("Not an app built by buildApp");
  return value;
}
