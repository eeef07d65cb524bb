import type { Socket } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Scheduler } from "../events/scheduler.js";
import type { Random } from "../jobs/random.js";
import type { JobRecord } from "../jobs/record.js";
import { callerOf } from "../auth/caller.js";
import { isPublicRoute } from "../plugins/public-routes.js";
import { decideFault, withOverrides, type FaultSettings } from "./decide.js";
import { Delays } from "./delays.js";
import { Hangs } from "./hangs.js";
import type { FaultKind } from "./kinds.js";
import { pickLatencyMs } from "./latency.js";
import { faultResponse } from "./responses.js";
import { Dribbles, truncate } from "./shape.js";

/** Set on every fault answer that has headers, so integrators can tell it from the truth. */
export const FAULT_HEADER = "x-injected-fault";

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
 * Faults on demand, as two hooks around auth and the rate limit (see `faultsPlugin`):
 * `prepare` (draws, the job's overrides, the added latency) and `inject` (the fault itself).
 * A request is about a job, and takes that job's overrides, when its route declares
 * `config.jobParam`.
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
   * onRequest, once the caller is known: takes the request's draws at arrival (so the n-th
   * request's fate depends only on the seed and n, whatever the latency), finds the job's
   * overrides, waits the latency.
   * Every request but health checks is delayed; only known routes can be faulted.
   */
  prepare = async (request: FastifyRequest): Promise<void> => {
    if (isPublicRoute(request)) return;
    const { random, latencyRandom, settings } = this.#options;
    const latencyDraw = latencyRandom();
    const known = request.routeOptions.url !== undefined;
    const draws = known ? ([random(), random()] as const) : undefined;
    const overridden = this.#mayBeOverridden(request) ? await this.#settingsFor(request) : settings;
    if (draws !== undefined && overridden.rate > 0) {
      this.#plans.set(request, { draws, settings: overridden });
    }
    const latencyMs = pickLatencyMs(overridden.latency, latencyDraw);
    if (latencyMs > 0) await this.delays.wait(latencyMs);
  };

  /** After auth and the rate limit (preParsing): answers with a fault, or lets the truth through. */
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
    const param = request.routeOptions.config.jobParam;
    if (param === undefined || !callerOf(request).authorized) return false;
    return typeof (request.params as Record<string, unknown>)[param] === "string";
  }

  /** The settings for a request `#mayBeOverridden`: the server's, with the job's overrides. */
  async #settingsFor(request: FastifyRequest): Promise<FaultSettings> {
    const param = request.routeOptions.config.jobParam!;
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

/**
 * Registers `faults`' hooks for every route: `prepare` as the request arrives (onRequest, after
 * the auth plugin's and before the rate limit's: register it between them) and `inject` once
 * every onRequest hook has run, after the 401 (preParsing, before any body is read). A route whose
 * `config.jobParam` is not one of its path parameters is refused as it is added.
 */
export const faultsPlugin = fp<{ faults: Faults }>(
  async (app, { faults }) => {
    app.addHook("onRoute", ({ method, url, config }) => {
      const param = config?.jobParam;
      if (param !== undefined && !url.split("/").includes(`:${param}`)) {
        throw new TypeError(
          `${String(method)} ${url}: config.jobParam is ${JSON.stringify(param)}, not one of its path parameters`,
        );
      }
    });
    app.addHook("onRequest", faults.prepare);
    app.addHook("preParsing", faults.inject);
  },
  { name: "faults", dependencies: ["auth"] },
);
