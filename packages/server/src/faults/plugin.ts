import type { Socket } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Scheduler } from "../events/scheduler.js";
import type { Random } from "../jobs/random.js";
import type { JobRecord } from "../jobs/record.js";
import { callerOf, isPublicRequest } from "../plugins/auth.js";
import { routeOf } from "../plugins/public-routes.js";
import { noteError } from "../timeline/hooks.js";
import { decideFault, withOverrides, type FaultSettings } from "./decide.js";
import { Delays } from "./delays.js";
import { Hangs } from "./hangs.js";
import type { FaultKind } from "./kinds.js";
import { pickLatencyMs } from "./latency.js";
import { faultResponse } from "./responses.js";
import { Dribbles, truncate } from "./shape.js";

/** Set on every fault answer that has headers, so integrators can tell it from the truth. */
export const FAULT_HEADER = "x-injected-fault";

// Requests "about a job", and the param naming it: a job's overrides apply to these.
const JOB_ROUTES = new Map([
  ["/jobs/:id", "id"],
  ["/jobs/:id/events", "id"],
  ["/v2/video_translate/:id", "id"],
  ["/v3/video-translations/:id", "id"],
  ["/v1/dubbing/:dubbing_id", "dubbing_id"],
]);

export interface FaultsOptions {
  /** The server's settings; a job's overrides win for the requests about it. */
  settings: FaultSettings;
  /** Two draws per request to a known route: whether it is faulted, and with which kind. */
  random: Random;
  /** One draw per request: its latency within the range. */
  latencyRandom: Random;
  scheduler: Scheduler;
  now: () => number;
  /** The job a request is about, if the caller may see it. */
  findJob: (id: string, owner: string | undefined) => Promise<JobRecord | undefined>;
  /** Told of every fault injected (for metrics). */
  onFault?: (kind: FaultKind) => void;
  /**
   * Whether any job may carry fault overrides. While none may, requests about a job take the
   * server's settings without looking the job up.
   * @default () => true
   */
  mayHaveOverrides?: () => boolean;
}

interface Plan {
  draws: readonly [number, number];
  settings: FaultSettings;
}

/**
 * Faults on demand, as two onRequest hooks around auth and the rate limit:
 * `prepare` (draws, the job's overrides, the added latency) and `inject` (the fault itself).
 * A fault replaces one answer, never a job's record: the replacing kinds and `reset`/`hang`
 * answer before the handler runs, so nothing is created or cancelled; `truncated` and `slow`
 * mangle the real answer in transit.
 */
export class Faults {
  readonly hangs = new Hangs();
  readonly delays: Delays;
  readonly dribbles: Dribbles;
  readonly #options: FaultsOptions;
  readonly #plans = new WeakMap<FastifyRequest, Plan>();

  constructor(options: FaultsOptions) {
    this.#options = options;
    this.delays = new Delays(options.scheduler, options.now);
    this.dribbles = new Dribbles(options.scheduler, options.now);
  }

  /**
   * onRequest, first: takes the request's draws at arrival (so the n-th request's fate depends
   * only on the seed and n, whatever the latency), finds the job's overrides, waits the latency.
   * Every request but health checks is delayed; only known routes can be faulted.
   */
  prepare = async (request: FastifyRequest): Promise<void> => {
    if (isPublicRequest(request)) return;
    const { random, latencyRandom, settings } = this.#options;
    const latencyDraw = latencyRandom();
    const known = routeOf(request).url !== undefined;
    const draws = known ? ([random(), random()] as const) : undefined;
    const overridden = this.#mayBeOverridden(request) ? await this.#settingsFor(request) : settings;
    if (draws !== undefined && overridden.rate > 0) {
      this.#plans.set(request, { draws, settings: overridden });
    }
    const latencyMs = pickLatencyMs(overridden.latency, latencyDraw);
    if (latencyMs > 0) await this.delays.wait(latencyMs);
  };

  /** onRequest, after auth and the rate limit: answers with a fault, or lets the truth through. */
  inject = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const plan = this.#plans.get(request);
    const kind = plan === undefined ? undefined : decideFault(plan.settings, plan.draws);
    // After a fault that answers (or takes the socket), Fastify runs no further hook or handler.
    if (kind !== undefined) this.#inject(request, reply, kind);
  };

  #inject(request: FastifyRequest, reply: FastifyReply, kind: FaultKind): void {
    this.#record(request, kind);
    const canned = faultResponse(kind);
    if (canned !== undefined) {
      noteError(reply, canned.statusCode);
      reply.code(canned.statusCode).headers(canned.headers).header(FAULT_HEADER, kind);
      void reply.send(canned.body);
      return;
    }
    switch (kind) {
      case "reset":
        reply.hijack();
        reset(request, reply);
        return;
      case "hang":
        reply.hijack();
        this.hangs.hold(reply.raw);
        return;
      case "truncated":
        reply.header(FAULT_HEADER, kind);
        truncate(reply.raw);
        return;
      case "slow":
        reply.header(FAULT_HEADER, kind);
        this.dribbles.slow(reply.raw);
        return;
    }
  }

  /** Lets delayed requests through, drops hung ones, sends slow ones at once; for `app.close()`. */
  releaseAll(): void {
    this.delays.releaseAll();
    this.hangs.destroyAll();
    this.dribbles.flushAll();
  }

  /** Whether the request is about a job that may carry overrides. */
  #mayBeOverridden(request: FastifyRequest): boolean {
    const { mayHaveOverrides } = this.#options;
    if (mayHaveOverrides !== undefined && !mayHaveOverrides()) return false;
    const url = routeOf(request).url;
    const param = url === undefined ? undefined : JOB_ROUTES.get(url);
    if (param === undefined || !callerOf(request).authorized) return false;
    return typeof (request.params as Record<string, unknown>)[param] === "string";
  }

  /** The settings for a request `#mayBeOverridden`: the server's, with the job's overrides. */
  async #settingsFor(request: FastifyRequest): Promise<FaultSettings> {
    const param = JOB_ROUTES.get(routeOf(request).url!)!;
    const id = (request.params as Record<string, string>)[param]!;
    const job = await this.#options.findJob(id, callerOf(request).owner);
    return withOverrides(this.#options.settings, job?.faults);
  }

  #record(request: FastifyRequest, kind: FaultKind): void {
    this.#options.onFault?.(kind);
    request.log.info({ fault: kind }, `injected fault: ${kind}`);
  }
}

/** Drops the connection with a TCP RST where there is a real socket (ECONNRESET for the client). */
function reset(request: FastifyRequest, reply: FastifyReply): void {
  const socket = request.raw.socket as Socket | null;
  if (socket !== null && typeof socket.resetAndDestroy === "function" && !socket.destroyed) {
    try {
      socket.resetAndDestroy();
      return;
    } catch {
      // Not a TCP socket after all: destroy the response below.
    }
  }
  reply.raw.destroy();
}
