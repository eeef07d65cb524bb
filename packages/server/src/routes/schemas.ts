import { ERROR_STATUS } from "../errors.js";
import { FAULT_KINDS } from "../faults/kinds.js";
import { MAX_LATENCY_MS } from "../faults/latency.js";
import { MAX_METADATA_BYTES } from "../jobs/metadata.js";
import { MAX_WEBHOOK_URL_LENGTH } from "../webhooks/url.js";

// JSON Schemas for the routes: they validate requests, drive response serialization (which
// also fixes key order) and are the source for the OpenAPI document.

const JOB_STATUSES = ["pending", "completed", "error", "cancelled"] as const;

const timestamp = {
  type: "string",
  format: "date-time",
  description: "ISO 8601 with milliseconds",
} as const;

export const jobStatusSchema = { type: "string", enum: JOB_STATUSES } as const;

const jobErrorSchema = {
  type: "object",
  description: "Why the job failed; present only when status is error",
  required: ["code", "message"],
  properties: { code: { type: "string" }, message: { type: "string" } },
} as const;

const estimatedCompletionAt = {
  ...timestamp,
  description: "The server's estimate of the end while pending; completedAt once terminal",
} as const;

const completedAt = {
  ...timestamp,
  description: "When the job completed, failed or was cancelled; absent while pending",
} as const;

export const jobViewSchema = {
  type: "object",
  required: [
    "id",
    "status",
    "result",
    "progress",
    "createdAt",
    "updatedAt",
    "estimatedCompletionAt",
    "metadata",
  ],
  properties: {
    id: { type: "string" },
    status: jobStatusSchema,
    result: { ...jobStatusSchema, description: "Same value as status" },
    progress: { type: "number", minimum: 0, maximum: 1 },
    createdAt: timestamp,
    updatedAt: { ...timestamp, description: "When the status last changed" },
    estimatedCompletionAt,
    completedAt,
    metadata: { type: "object", additionalProperties: true },
    error: jobErrorSchema,
  },
} as const;

const legacyResult = { type: "string", enum: ["pending", "completed", "error"] } as const;

export const legacyStatusSchema = {
  type: "object",
  description: "`result` comes first and is all the original clients read; the rest is additive",
  required: ["result", "status", "progress", "createdAt", "updatedAt", "estimatedCompletionAt"],
  properties: {
    result: legacyResult,
    status: legacyResult,
    progress: { type: "number", minimum: 0, maximum: 1 },
    createdAt: timestamp,
    updatedAt: timestamp,
    estimatedCompletionAt,
    completedAt,
    error: jobErrorSchema,
  },
} as const;

export const errorBodySchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: Object.keys(ERROR_STATUS) },
        message: { type: "string" },
      },
    },
  },
} as const;

/** The 200 of a route that answers with a Server-Sent Events stream. */
export const eventStreamResponse = {
  description: "The event stream",
  content: { "text/event-stream": { schema: { type: "string" } } },
} as const;

/**
 * Error responses for the given statuses, plus those every route can answer: 401 (auth on),
 * 429 (rate limit, or an injected fault) and 500.
 */
export function errorResponses(...statuses: number[]): Record<number, typeof errorBodySchema> {
  return Object.fromEntries(
    [...statuses, 401, 429, 500].map((status) => [status, errorBodySchema]),
  );
}

export const jobIdParamsSchema = {
  type: "object",
  required: ["id"],
  properties: {
    // No pattern on purpose: an id that cannot exist is simply a job that is not found (404).
    id: { type: "string", description: "A job id such as job_4Xy0c7GQ2mVb8Lr1TzK9" },
  },
} as const;

const latencyMsSchema = { type: "integer", minimum: 0, maximum: MAX_LATENCY_MS } as const;

export const createJobBodySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    pendingDurationMs: {
      type: "integer",
      minimum: 0,
      maximum: 86_400_000,
      description: "How long this job stays pending; defaults to the server's setting",
    },
    errorProbability: {
      type: "number",
      minimum: 0,
      maximum: 1,
      description: "Chance this job ends in error; defaults to the server's setting",
    },
    etaError: {
      type: "number",
      minimum: 0,
      maximum: 0.99,
      description:
        "Bound on the relative error of this job's estimates of the time left; defaults to the server's setting",
    },
    metadata: {
      type: "object",
      maxProperties: 100,
      description: `Any JSON object, echoed back; at most ${MAX_METADATA_BYTES} bytes serialized`,
    },
    faultRate: {
      type: "number",
      minimum: 0,
      maximum: 1,
      description: "Share of the requests about this job answered with a fault",
    },
    faultKinds: {
      type: "array",
      minItems: 1,
      maxItems: FAULT_KINDS.length,
      uniqueItems: true,
      items: { type: "string", enum: FAULT_KINDS },
      description: "Faults to pick from for the requests about this job",
    },
    latencyMs: {
      description: "Latency added to the requests about this job: ms, or [min, max]",
      anyOf: [latencyMsSchema, { type: "array", minItems: 2, maxItems: 2, items: latencyMsSchema }],
    },
    callbackUrl: {
      type: "string",
      maxLength: MAX_WEBHOOK_URL_LENGTH,
      description:
        "An http(s) URL that gets a signed webhook when the job ends. With API keys on, a public address unless the server allows others (docs/webhooks.md)",
    },
  },
} as const;

export function listJobsQuerySchema(maxListLimit: number) {
  return {
    type: "object",
    additionalProperties: false,
    properties: {
      limit: {
        type: "integer",
        minimum: 1,
        maximum: maxListLimit,
        description: `Page size, default ${Math.min(20, maxListLimit)}`,
      },
      cursor: {
        type: "string",
        minLength: 1,
        maxLength: 256,
        description: "nextCursor from the previous page",
      },
      status: { ...jobStatusSchema, description: "Only jobs in this status right now" },
      ids: {
        type: "string",
        minLength: 1,
        maxLength: 8_000,
        description: "Comma-separated job ids (at most 100): a batch read instead of a page",
      },
    },
  } as const;
}

/** `Idempotency-Key`, checked by hand for a clearer message; here for the API description. */
export const createJobHeadersSchema = {
  type: "object",
  properties: {
    "idempotency-key": {
      type: "string",
      description: "1..255 visible ASCII characters; a retry with the same key gets the same job",
    },
  },
} as const;

export const jobBatchSchema = {
  type: "object",
  required: ["data", "errors", "pollAfterMs"],
  properties: {
    data: { type: "array", items: jobViewSchema },
    errors: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "code", "message"],
        properties: {
          id: { type: "string" },
          code: { type: "string" },
          message: { type: "string" },
        },
      },
    },
    pollAfterMs: { type: "object", additionalProperties: { type: "integer" } },
  },
} as const;

export const jobPageSchema = {
  type: "object",
  required: ["data", "nextCursor"],
  properties: {
    data: { type: "array", items: jobViewSchema },
    nextCursor: { type: ["string", "null"], description: "null on the last page" },
  },
} as const;
