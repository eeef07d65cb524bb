import { WEBHOOK_EVENT_TYPES } from "../webhooks/event-types.js";
import { MAX_WEBHOOK_URL_LENGTH } from "../webhooks/url.js";
import { jobIdParamsSchema } from "./schemas.js";

// JSON Schemas of the webhook routes, like those in schemas.ts.

const timestamp = { type: "string", format: "date-time" } as const;

const eventTypeSchema = { type: "string", enum: WEBHOOK_EVENT_TYPES } as const;

const secretSchema = {
  type: "string",
  description: "whsec_ and base64: the Standard Webhooks form; verify signatures with it",
} as const;

export const createWebhookBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["url"],
  properties: {
    url: {
      type: "string",
      minLength: 1,
      maxLength: MAX_WEBHOOK_URL_LENGTH,
      description:
        "An http or https URL that gets a signed POST for every event. With API keys on, a public address unless the server allows others (docs/webhooks.md)",
    },
    events: {
      type: "array",
      minItems: 1,
      maxItems: WEBHOOK_EVENT_TYPES.length,
      uniqueItems: true,
      items: eventTypeSchema,
      description: "The events to send; all of them by default",
    },
  },
} as const;

const webhookProperties = {
  id: { type: "string", description: "wh_ and 20 characters" },
  url: { type: "string" },
  events: { type: "array", items: eventTypeSchema },
  createdAt: timestamp,
} as const;

/** An endpoint as listed: never its secret. */
export const webhookViewSchema = {
  type: "object",
  required: ["id", "url", "events", "createdAt"],
  properties: webhookProperties,
} as const;

/** An endpoint as its owner reads it one at a time: with its secret. */
export const webhookWithSecretSchema = {
  type: "object",
  required: ["id", "url", "events", "createdAt", "secret"],
  properties: { ...webhookProperties, secret: secretSchema },
} as const;

export const webhookListSchema = {
  type: "object",
  required: ["data"],
  properties: { data: { type: "array", items: webhookViewSchema } },
} as const;

export const webhookIdParamsSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", description: "An endpoint id such as wh_4Xy0c7GQ…" } },
} as const;

export { jobIdParamsSchema };

export const callbackSecretSchema = {
  type: "object",
  required: ["secret"],
  properties: {
    secret: { ...secretSchema, description: "Signs the webhooks sent to jobs' callbackUrl" },
  },
} as const;

const deliveryAttemptSchema = {
  type: "object",
  required: [
    "eventId",
    "eventType",
    "jobId",
    "webhookId",
    "url",
    "attempt",
    "attemptedAt",
    "statusCode",
    "error",
    "durationMs",
    "outcome",
    "nextRetryAt",
  ],
  properties: {
    eventId: { type: "string", description: "The webhook-id header: the same on every attempt" },
    eventType: eventTypeSchema,
    jobId: { type: "string" },
    webhookId: { type: ["string", "null"], description: "null for a job's callbackUrl" },
    url: { type: "string" },
    attempt: { type: "integer", minimum: 1 },
    attemptedAt: timestamp,
    statusCode: { type: ["integer", "null"], description: "null when no answer came" },
    error: { type: ["string", "null"], description: "Why no answer came" },
    durationMs: { type: "integer", minimum: 0 },
    outcome: { type: "string", enum: ["delivered", "retrying", "failed"] },
    nextRetryAt: { type: ["string", "null"], format: "date-time" },
  },
} as const;

export const deliveryListSchema = {
  type: "object",
  required: ["data"],
  properties: { data: { type: "array", items: deliveryAttemptSchema } },
} as const;
