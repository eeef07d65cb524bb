import { heygenErrorResponses, pageSchema, v3Data, v3ErrorSchema } from "../schemas.js";
import { MAX_WEBHOOK_URL_LENGTH } from "../../webhooks/url.js";
import { HEYGEN_V3_EVENT_NAMES } from "./event-types.js";

// JSON Schemas of HeyGen's webhook routes, from the request and response schemas of HeyGen's
// spec (`/v3/webhooks/...`). OpenAPI's `nullable` is written as a type union. Bounds the spec
// leaves open (lengths, list sizes) are the simulator's.

/** Results per page: HeyGen's documented default and range. */
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

const eventTypeSchema = { type: "string", enum: HEYGEN_V3_EVENT_NAMES } as const;

const eventsSchema = {
  type: ["array", "null"],
  minItems: 1,
  maxItems: 100,
  items: eventTypeSchema,
} as const;

const urlSchema = { type: "string", minLength: 1, maxLength: MAX_WEBHOOK_URL_LENGTH } as const;

export const createEndpointBodySchema = {
  type: "object",
  additionalProperties: false,
  required: ["url"],
  properties: {
    url: {
      ...urlSchema,
      description:
        "Receives a signed POST per event. http or https (HeyGen takes https only); with API keys on, a public address unless the server allows others",
    },
    events: {
      ...eventsSchema,
      description: "Event types to subscribe to; omitted or null for every event",
    },
    entity_id: {
      type: ["string", "null"],
      minLength: 1,
      maxLength: 255,
      description: "Hear one resource's events only: here, a video translation id",
    },
  },
} as const;

export const updateEndpointBodySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    url: { ...urlSchema, type: ["string", "null"], description: "A new URL; null keeps it" },
    events: {
      ...eventsSchema,
      description: "Replaces the list of event types; null keeps it",
    },
  },
} as const;

export const endpointIdParamsSchema = {
  type: "object",
  required: ["endpoint_id"],
  properties: { endpoint_id: { type: "string", description: "Webhook endpoint ID" } },
} as const;

const pageQuery = {
  limit: {
    type: "integer",
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    description: `Results per page; ${DEFAULT_PAGE_SIZE} by default`,
  },
  token: {
    type: "string",
    minLength: 1,
    maxLength: 512,
    description: "The next_token of the previous page",
  },
} as const;

export const endpointListQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: pageQuery,
} as const;

export const eventListQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    event_type: eventTypeSchema,
    entity_id: {
      type: "string",
      minLength: 1,
      maxLength: 255,
      description: "Only this video translation's events",
    },
    ...pageQuery,
  },
} as const;

const endpointSchema = {
  type: "object",
  description: "A registered webhook endpoint.",
  required: ["endpoint_id", "url", "status", "created_at"],
  properties: {
    endpoint_id: { type: "string" },
    url: { type: "string" },
    status: { type: "string", enum: ["enabled", "disabled"] },
    created_at: { type: "string", format: "date-time" },
    events: {
      type: ["array", "null"],
      items: { type: "string" },
      description: "null for every event",
    },
    secret: {
      type: ["string", "null"],
      description: "whsec_ and base64; only on create and rotate-secret, null elsewhere",
    },
  },
} as const;

export const endpointAnswerSchema = v3Data(endpointSchema);

export const endpointListSchema = pageSchema(endpointSchema);

export const deletedSchema = v3Data({
  type: "object",
  additionalProperties: false,
  properties: {},
});

export const rotatedSchema = v3Data({
  type: "object",
  required: ["endpoint_id", "secret"],
  properties: { endpoint_id: { type: "string" }, secret: { type: "string" } },
});

export const eventTypeListSchema = pageSchema({
  type: "object",
  required: ["event_type", "description"],
  properties: { event_type: { type: "string" }, description: { type: "string" } },
});

export const eventListSchema = pageSchema({
  type: "object",
  description: "An event sent to one of your endpoints.",
  required: ["event_id", "event_type", "event_data", "created_at"],
  properties: {
    event_id: { type: "string", description: "The webhook-id header it was sent with" },
    event_type: { type: "string" },
    event_data: {
      type: "object",
      additionalProperties: true,
      description: "The payload's event_data, as sent",
    },
    created_at: { type: "string", format: "date-time" },
  },
});

/** The error answers of a route, plus those any route can give: 401, 429 and 500. */
export function errorAnswers(...statuses: number[]): Record<number, typeof v3ErrorSchema> {
  return heygenErrorResponses(v3ErrorSchema, ...statuses);
}
