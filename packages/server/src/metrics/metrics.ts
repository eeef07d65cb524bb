import type { FastifyReply, FastifyRequest } from "fastify";
import { Counter, Gauge, Registry } from "prom-client";
import { FAULT_KINDS, type FaultKind } from "../faults/kinds.js";
import type { JobStatus } from "../jobs/derive.js";
import { JOB_STATUSES } from "./job-counts.js";
import { RequestStats } from "./request-stats.js";

/** What the gauges read at scrape time. */
export interface MetricsSources {
  /** Long-polls held now (`LongPolls.size`). */
  longPolls: () => number;
  /** Open `/jobs/:id/events` streams (`SseHub.openStreams("job")`). */
  jobStreams: () => number;
  /** Webhook deliveries this server works on: an attempt in flight or a retry scheduled. */
  webhookDeliveries: () => number;
  /** Open `/events?ids=` streams (`SseHub.openStreams("multiplexed")`). */
  multiplexedStreams: () => number;
  /** Jobs in the store by status, now. */
  jobCounts: () => Promise<Record<JobStatus, number>>;
  /** Hears a gauge that could not be read (the store is down): the scrape goes on without it. */
  onError: (error: unknown) => void;
}

/** A webhook delivery's end: a label value, so keep the set small and fixed. */
export type WebhookOutcome = string;

// From a cached answer to a long-poll held a full minute.
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The route label of requests no route matched (404s), so raw URLs never become labels. */
export const UNMATCHED_ROUTE = "unmatched";

/**
 * The app's Prometheus metrics, in a registry of its own so that several apps in one process
 * keep theirs apart. Requests are counted by one `onResponse` hook into plain numbers (see
 * `RequestStats`); everything else is read when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #requests = new RequestStats(DURATION_BUCKETS);
  readonly #faults: Counter<"kind">;
  readonly #webhooks: Counter<"outcome">;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.registry.registerMetric(
      this.#requests.counter(
        "http_requests_total",
        "HTTP requests answered, by method, route pattern and status code",
      ),
    );
    this.registry.registerMetric(
      this.#requests.histogram(
        "http_request_duration_seconds",
        "Time to answer HTTP requests (long-polls included), by method, route pattern and status code",
      ),
    );
    new Gauge({
      name: "translation_jobs",
      help: "Jobs in the store, by status at scrape time",
      labelNames: ["status"],
      registers,
      async collect() {
        this.reset();
        try {
          const counts = await sources.jobCounts();
          for (const status of JOB_STATUSES) this.set({ status }, counts[status]);
        } catch (error) {
          sources.onError(error);
        }
      },
    });
    new Gauge({
      name: "long_polls_held",
      help: "Requests held by Prefer: wait right now",
      registers,
      collect() {
        this.set(sources.longPolls());
      },
    });
    new Gauge({
      name: "event_streams_open",
      help: "Server-Sent Event streams open right now, by kind (job: /jobs/:id/events, multiplexed: /events)",
      labelNames: ["kind"],
      registers,
      collect() {
        this.set({ kind: "job" }, sources.jobStreams());
        this.set({ kind: "multiplexed" }, sources.multiplexedStreams());
      },
    });
    new Gauge({
      name: "webhook_deliveries_pending",
      help: "Webhook deliveries this server works on right now: an attempt in flight or a retry scheduled",
      registers,
      collect() {
        this.set(sources.webhookDeliveries());
      },
    });
    this.#faults = new Counter({
      name: "faults_injected_total",
      help: "Faults injected in place of or into answers, by kind",
      labelNames: ["kind"],
      registers,
    });
    for (const kind of FAULT_KINDS) this.#faults.labels(kind).inc(0);
    this.#webhooks = new Counter({
      name: "webhook_deliveries_total",
      help: "Webhook delivery attempts, by outcome",
      labelNames: ["outcome"],
      registers,
    });
  }

  /** The `onResponse` hook. Streams (hijacked answers) never get here: see `event_streams_open`. */
  onResponse = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    this.#requests.record(
      request.method,
      request.routeOptions.url ?? UNMATCHED_ROUTE,
      reply.statusCode,
      reply.elapsedTime / 1_000,
    );
  };

  /** Counts one injected fault. */
  faultInjected(kind: FaultKind): void {
    this.#faults.labels(kind).inc();
  }

  /** Counts one webhook delivery attempt by its outcome, e.g. `delivered`, `failed`, `retried`. */
  webhookDelivery(outcome: WebhookOutcome): void {
    this.#webhooks.labels(outcome).inc();
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
