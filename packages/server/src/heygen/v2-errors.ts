import type { FastifyInstance } from "fastify";
import { rewriteErrorBodies, type ErrorBody } from "../plugins/error-envelope.js";

/** HeyGen v2's error envelope: the error, and `data: null`, mirroring its success envelope. */
export interface V2ErrorEnvelope {
  error: { code: string; message: string };
  data: null;
}

/** Makes every error answer of the routes in `scope` a v2 envelope (see `rewriteErrorBodies`). */
export function installV2ErrorEnvelope(scope: FastifyInstance): void {
  rewriteErrorBodies(scope, toV2Error);
}

function toV2Error({ error }: ErrorBody): V2ErrorEnvelope {
  return { error: { code: error.code, message: error.message }, data: null };
}
