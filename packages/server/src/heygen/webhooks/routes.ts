import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { JobService } from "../../jobs/service.js";
import { ownerOf } from "../../auth/caller.js";
import type { AddressPolicy } from "../../webhooks/address-policy.js";
import type { WebhookDispatcher } from "../../webhooks/dispatcher.js";
import type {
  EndpointChanges,
  WebhookEndpoint,
  WebhookEndpoints,
} from "../../webhooks/endpoints.js";
import { checkWebhookUrl } from "../../webhooks/url.js";
import { sentEvents } from "./event-history.js";
import { HEYGEN_V3_EVENT_TYPES, SENT_EVENT_TYPES, type HeyGenV3EventType } from "./event-types.js";
import { newestFirst, oldestFirst, pageOf } from "./pages.js";
import {
  createEndpointBodySchema,
  DEFAULT_PAGE_SIZE,
  deletedSchema,
  endpointAnswerSchema,
  endpointIdParamsSchema,
  endpointListQuerySchema,
  endpointListSchema,
  errorAnswers,
  eventListQuerySchema,
  eventListSchema,
  eventTypeListSchema,
  rotatedSchema,
  updateEndpointBodySchema,
} from "./schemas.js";

export interface HeygenWebhookRoutesOptions {
  endpoints: WebhookEndpoints;
  dispatcher: WebhookDispatcher;
  service: JobService;
  /** Which address literals an endpoint's URL may name; undefined allows every address. */
  policy?: AddressPolicy | undefined;
}

interface CreateBody {
  url: string;
  events?: HeyGenV3EventType[] | null;
  entity_id?: string | null;
}

interface UpdateBody {
  url?: string | null;
  events?: HeyGenV3EventType[] | null;
}

interface PageQuery {
  limit?: number;
  token?: string;
}

interface EventQuery extends PageQuery {
  event_type?: HeyGenV3EventType;
  entity_id?: string;
}

interface EndpointParams {
  endpoint_id: string;
}

const PATH = "/v3/webhooks";
const API = "heygen-v3";
const TAGS = ["heygen-v3"];
const FAITHFUL =
  "HeyGen's request and answer (its v3 spec), over the simulator's webhooks: signed the " +
  "Standard Webhooks way. See docs/heygen.md.";

/**
 * HeyGen's webhook API: endpoints (create, list, change, delete, rotate the secret), the event
 * types, and the events sent. The endpoints are the simulator's own, marked as HeyGen's: they
 * are listed here only, and hear the HeyGen-shaped events of the jobs. Errors are HeyGen v3's.
 */
export const heygenWebhookRoutes: FastifyPluginAsync<HeygenWebhookRoutesOptions> = async (
  app,
  { endpoints, dispatcher, service, policy },
) => {
  app.post<{ Body: CreateBody }>(
    `${PATH}/endpoints`,
    {
      schema: {
        summary: "Create a webhook endpoint (HeyGen v3 shape)",
        description: `${FAITHFUL} The answer carries the signing secret, shown again only by rotate-secret.`,
        tags: TAGS,
        body: createEndpointBodySchema,
        response: { 200: endpointAnswerSchema, ...errorAnswers(400, 409, 413, 415) },
      },
    },
    async (request) => {
      const { url, events, entity_id: entityId } = request.body;
      const owner = ownerOf(request);
      checkWebhookUrl(url, "body.url", policy);
      const endpoint = await endpoints.create(owner, {
        url,
        events: events ?? null,
        api: API,
        entityId: entityId ?? undefined,
      });
      if (entityId != null) {
        // Scoped to a job that may already be running: make sure its end is watched.
        const job = await service.find(entityId, owner);
        if (job !== undefined) await dispatcher.endpointScoped(job);
      }
      return { data: view(endpoint, endpoint.secret) };
    },
  );

  app.get<{ Querystring: PageQuery }>(
    `${PATH}/endpoints`,
    {
      schema: {
        summary: "List webhook endpoints (HeyGen v3 shape)",
        description: `${FAITHFUL} Oldest first, without secrets.`,
        tags: TAGS,
        querystring: endpointListQuerySchema,
        response: { 200: endpointListSchema, ...errorAnswers(400) },
      },
      preValidation: coerceLimit,
    },
    async (request) => {
      const { limit = DEFAULT_PAGE_SIZE, token } = request.query;
      const all = await endpoints.list(ownerOf(request), API);
      const page = pageOf(
        all.sort((a, b) => oldestFirst(positionOf(a), positionOf(b))),
        positionOf,
        oldestFirst,
        { limit, token },
      );
      return { ...page, data: page.data.map((endpoint) => view(endpoint, null)) };
    },
  );

  app.patch<{ Params: EndpointParams; Body: UpdateBody }>(
    `${PATH}/endpoints/:endpoint_id`,
    {
      schema: {
        summary: "Update a webhook endpoint (HeyGen v3 shape)",
        description: `${FAITHFUL} \`events\` replaces the list; a field left out or null is kept.`,
        tags: TAGS,
        params: endpointIdParamsSchema,
        body: updateEndpointBodySchema,
        response: { 200: endpointAnswerSchema, ...errorAnswers(400, 404, 413, 415) },
      },
    },
    async (request) => {
      const { url, events } = request.body;
      const changes: EndpointChanges = {};
      if (url != null) changes.url = checkWebhookUrl(url, "body.url", policy);
      if (events != null) changes.events = [...new Set(events)];
      const id = request.params.endpoint_id;
      const endpoint = await endpoints.update(id, ownerOf(request), API, changes);
      return { data: view(endpoint, null) };
    },
  );

  app.delete<{ Params: EndpointParams }>(
    `${PATH}/endpoints/:endpoint_id`,
    {
      schema: {
        summary: "Delete a webhook endpoint (HeyGen v3 shape)",
        description: `${FAITHFUL} Its pending retries and its history go with it.`,
        tags: TAGS,
        params: endpointIdParamsSchema,
        response: { 200: deletedSchema, ...errorAnswers(404) },
      },
    },
    async (request) => {
      const endpoint = await endpoints.delete(request.params.endpoint_id, ownerOf(request), API);
      dispatcher.endpointDeleted(endpoint.id);
      return { data: {} };
    },
  );

  app.post<{ Params: EndpointParams }>(
    `${PATH}/endpoints/:endpoint_id/rotate-secret`,
    {
      schema: {
        summary: "Rotate a webhook endpoint's signing secret (HeyGen v3 shape)",
        description: `${FAITHFUL} The old secret stops signing at once, retries included.`,
        tags: TAGS,
        params: endpointIdParamsSchema,
        response: { 200: rotatedSchema, ...errorAnswers(404) },
      },
    },
    async (request) => {
      const id = request.params.endpoint_id;
      const endpoint = await endpoints.rotateSecret(id, ownerOf(request), API);
      return { data: { endpoint_id: endpoint.id, secret: endpoint.secret } };
    },
  );

  app.get(
    `${PATH}/event-types`,
    {
      schema: {
        summary: "List webhook event types (HeyGen v3 shape)",
        description: `${FAITHFUL} Every type HeyGen lists; the simulator sends ${SENT_EVENT_TYPES.join(" and ")}.`,
        tags: TAGS,
        response: { 200: eventTypeListSchema, ...errorAnswers() },
      },
    },
    async () => ({ data: EVENT_TYPE_LIST, has_more: false, next_token: null }),
  );

  app.get<{ Querystring: EventQuery }>(
    `${PATH}/events`,
    {
      schema: {
        summary: "List webhook events sent (HeyGen v3 shape)",
        description:
          `${FAITHFUL} Newest first: the events sent to your endpoints (delivered or not), ` +
          "from their delivery history. `entity_id` is a video translation id.",
        tags: TAGS,
        querystring: eventListQuerySchema,
        response: { 200: eventListSchema, ...errorAnswers(400) },
      },
      preValidation: coerceLimit,
    },
    async (request) => {
      const { limit = DEFAULT_PAGE_SIZE, token, event_type, entity_id } = request.query;
      const mine = await endpoints.list(ownerOf(request), API);
      const histories = await Promise.all(
        mine.map((endpoint) => dispatcher.endpointDeliveries(endpoint.id)),
      );
      const events = sentEvents(histories, { eventType: event_type, entityId: entity_id }).sort(
        (a, b) => newestFirst(a.position, b.position),
      );
      const page = pageOf(events, (event) => event.position, newestFirst, { limit, token });
      return { ...page, data: page.data.map(({ position: _, ...event }) => event) };
    },
  );
};

const EVENT_TYPE_LIST = Object.entries(HEYGEN_V3_EVENT_TYPES).map(([type, description]) => ({
  event_type: type,
  description,
}));

/** HeyGen's endpoint object; `secret` only on create and rotate-secret, as HeyGen does. */
function view(endpoint: WebhookEndpoint, secret: string | null) {
  return {
    endpoint_id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    // The simulator never disables an endpoint, whatever its receiver answers.
    status: "enabled",
    created_at: new Date(endpoint.createdAt).toISOString(),
    secret,
  };
}

function positionOf(endpoint: WebhookEndpoint) {
  return { at: endpoint.createdAt, id: endpoint.id };
}

// Type coercion is off app-wide so JSON bodies stay strict; a query string only has strings, so
// the one numeric parameter is converted here.
async function coerceLimit(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown>;
  if (typeof query.limit === "string" && /^-?\d+$/.test(query.limit)) {
    query.limit = Number(query.limit);
  }
}
