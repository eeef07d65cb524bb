import type { FastifyPluginAsync } from "fastify";
import { ApiError } from "../errors.js";
import { errorBodySchema } from "./schemas.js";

export const HEALTH_PATH = "/healthz";
export const READY_PATH = "/readyz";
export const METRICS_PATH = "/metrics";

export interface HealthRoutesOptions {
  /** Resolves when the store answers; `/readyz` says 503 when it rejects. */
  ping: () => Promise<void>;
}

const TAGS = ["health"];

const okSchema = {
  type: "object",
  required: ["status"],
  properties: { status: { type: "string", enum: ["ok"] } },
} as const;

/**
 * `GET /healthz`: `{ "status": "ok" }` while the process takes requests (liveness).
 * `GET /readyz`: the same once the store answers too, else 503 `not_ready` (readiness).
 * Probes must see the server as it is: both are public (no auth, latency, rate limit or fault).
 */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { ping }) => {
  app.get(
    HEALTH_PATH,
    {
      config: { public: true },
      schema: { summary: "Liveness check", tags: TAGS, response: { 200: okSchema } },
    },
    async () => ({ status: "ok" }),
  );
  app.get(
    READY_PATH,
    {
      config: { public: true },
      schema: {
        summary: "Readiness check",
        description: "503 `not_ready` while the job store does not answer.",
        tags: TAGS,
        response: { 200: okSchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      try {
        await ping();
      } catch (error) {
        request.log.warn({ err: error }, "store not ready");
        const reason = error instanceof Error ? error.message : String(error);
        throw new ApiError("not_ready", `The store does not answer: ${reason}`, { cause: error });
      }
      return { status: "ok" };
    },
  );
};
