import fp from "fastify-plugin";
import type { JobService } from "../jobs/service.js";
import { jobRoutes } from "./jobs.js";
import type { LiveOptions } from "./live.js";
import { statusRoutes } from "./status.js";

export interface CorePluginOptions {
  service: JobService;
  live: LiveOptions;
  now: () => number;
  /** Largest page `GET /jobs` serves. */
  maxListLimit: number;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The jobs every API serves, for the API profiles' routes (registered after the core). */
    jobs: JobService;
    /** What routes need to hold requests (`Prefer: wait`) and stream events. */
    live: LiveOptions;
  }
}

/**
 * The simulator's own API: the original `/status` job, and `/jobs` (create, read or wait for,
 * batch reads, streams, list, cancel). Decorates the app with the job service (`app.jobs`,
 * `app.live`), which the API profiles registered after it serve in their own shapes.
 */
export const corePlugin = fp<CorePluginOptions>(
  async (app, { service, live, now, maxListLimit }) => {
    app.decorate("jobs", service);
    app.decorate("live", live);
    await app.register(statusRoutes, { service, live });
    await app.register(jobRoutes, { service, live, now, maxListLimit });
  },
  { name: "core" },
);
