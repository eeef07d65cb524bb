import type { FastifyPluginAsync } from "fastify";
import type { JobService } from "../jobs/service.js";
import type { LiveOptions } from "../routes/live.js";
import type { VendorHints } from "../vendor/hints.js";
import { installV2Errors, installV3Errors } from "./errors.js";
import { heygenV2Routes } from "./v2-routes.js";
import { heygenV3BatchRoutes } from "./v3-batches.js";
import { heygenV3EditRoutes } from "./v3-edit.js";
import { heygenV3LanguagesRoutes } from "./v3-languages.js";
import { heygenV3ListRoutes } from "./v3-list.js";
import { heygenV3Routes } from "./v3-routes.js";
import { heygenV3StatusesRoutes } from "./v3-statuses.js";
import { heygenWebhookRoutes, type HeygenWebhookRoutesOptions } from "./webhooks/routes.js";
import type { VideoTiming } from "./video-length.js";

export interface HeygenOptions {
  service: JobService;
  live: LiveOptions;
  /**
   * Whether these routes add the simulator's hints (`Poll-After-Ms`, `Retry-After` while
   * pending, a long-poll `Link`, `Idempotency-Replayed`) and honour `Prefer: wait`; HeyGen does
   * none of these.
   * @default false
   */
  vendorHints?: boolean;
  /** How a v3 translation's length follows its video. */
  timing: VideoTiming;
  /** The webhook machinery behind `/v3/webhooks/...`. */
  webhooks: Omit<HeygenWebhookRoutesOptions, "service">;
}

/** What every HeyGen route file takes. */
export interface HeygenRouteOptions {
  service: JobService;
  hints: VendorHints;
  timing: VideoTiming;
}

/**
 * HeyGen's video-translation API, v2 and v3, over the simulator's own jobs (see
 * docs/heygen.md). Each version answers errors in its own envelope and HeyGen's codes.
 */
export const heygenRoutes: FastifyPluginAsync<HeygenOptions> = async (app, options) => {
  const { service, live, vendorHints = false, timing, webhooks } = options;
  const routeOptions: HeygenRouteOptions = {
    service,
    hints: { enabled: vendorHints, live },
    timing,
  };

  await app.register(async (v2) => {
    installV2Errors(v2);
    await v2.register(heygenV2Routes, routeOptions);
  });

  await app.register(async (v3) => {
    installV3Errors(v3);
    // Static paths (statuses, languages, batches) win over `:video_translation_id` in the router.
    for (const routes of [
      heygenV3Routes,
      heygenV3StatusesRoutes,
      heygenV3ListRoutes,
      heygenV3EditRoutes,
      heygenV3LanguagesRoutes,
      heygenV3BatchRoutes,
    ]) {
      await v3.register(routes, routeOptions);
    }
    // Further v3 routes register here, one file each, and share v3's error envelope and codes.
    await v3.register(heygenWebhookRoutes, { ...webhooks, service });
  });
};
