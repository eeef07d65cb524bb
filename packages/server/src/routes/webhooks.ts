import type { FastifyPluginAsync } from "fastify";
import { ApiError } from "../errors.js";
import type { JobService } from "../jobs/service.js";
import { ownerOf } from "../auth/caller.js";
import type { AddressPolicy } from "../webhooks/address-policy.js";
import type { WebhookDispatcher } from "../webhooks/dispatcher.js";
import type { WebhookEndpoint, WebhookEndpoints } from "../webhooks/endpoints.js";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "../webhooks/event-types.js";
import { checkWebhookUrl } from "../webhooks/url.js";
import { errorResponses } from "./schemas.js";
import {
  callbackSecretSchema,
  createWebhookBodySchema,
  deliveryListSchema,
  jobIdParamsSchema,
  webhookIdParamsSchema,
  webhookListSchema,
  webhookViewSchema,
  webhookWithSecretSchema,
} from "./webhook-schemas.js";

export interface WebhookRoutesOptions {
  endpoints: WebhookEndpoints;
  dispatcher: WebhookDispatcher;
  service: JobService;
  /** Which address literals an endpoint's URL may name; undefined allows every address. */
  policy?: AddressPolicy | undefined;
}

interface IdParams {
  id: string;
}

const TAGS = ["webhooks"];

/** Webhook endpoints (register, list, read, delete), the callback secret, delivery attempts. */
export const webhookRoutes: FastifyPluginAsync<WebhookRoutesOptions> = async (
  app,
  { endpoints, dispatcher, service, policy },
) => {
  app.post<{ Body: { url: string; events?: WebhookEventType[] } }>(
    "/webhooks",
    {
      schema: {
        summary: "Register a webhook endpoint",
        description:
          "Signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, " +
          "`webhook-signature`) with the `whsec_` secret in the answer. Deliveries that fail or " +
          "time out are retried with backoff, under the same `webhook-id`.",
        tags: TAGS,
        body: createWebhookBodySchema,
        response: { 201: webhookWithSecretSchema, ...errorResponses(400, 409, 413, 415) },
      },
    },
    async (request, reply) => {
      const { url, events } = request.body;
      checkWebhookUrl(url, "body.url", policy);
      const endpoint = await endpoints.create(ownerOf(request), {
        url,
        events: events ?? WEBHOOK_EVENT_TYPES,
      });
      reply.code(201).header("location", `/webhooks/${endpoint.id}`);
      return { ...view(endpoint), secret: endpoint.secret };
    },
  );

  app.get(
    "/webhooks",
    {
      schema: {
        summary: "List the caller's webhook endpoints",
        tags: TAGS,
        response: { 200: webhookListSchema, ...errorResponses() },
      },
    },
    async (request) => ({
      data: (await endpoints.list(ownerOf(request), "jobs")).map(view),
    }),
  );

  // Static, so it wins over /webhooks/:id.
  app.get(
    "/webhooks/secret",
    {
      schema: {
        summary: "The secret that signs jobs' callbackUrl webhooks",
        tags: TAGS,
        response: { 200: callbackSecretSchema, ...errorResponses() },
      },
    },
    async (request) => ({ secret: await endpoints.callbackSecret(ownerOf(request)) }),
  );

  app.get<{ Params: IdParams }>(
    "/webhooks/:id",
    {
      schema: {
        summary: "Read a webhook endpoint, secret included",
        tags: TAGS,
        params: webhookIdParamsSchema,
        response: { 200: webhookWithSecretSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const endpoint = await endpoints.get(request.params.id, ownerOf(request), "jobs");
      return { ...view(endpoint), secret: endpoint.secret };
    },
  );

  app.delete<{ Params: IdParams }>(
    "/webhooks/:id",
    {
      schema: {
        summary: "Delete a webhook endpoint",
        description: "Its pending retries and its delivery history go with it.",
        tags: TAGS,
        params: webhookIdParamsSchema,
        response: { 200: webhookViewSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const endpoint = await endpoints.delete(request.params.id, ownerOf(request), "jobs");
      dispatcher.endpointDeleted(endpoint.id);
      return view(endpoint);
    },
  );

  app.get<{ Params: IdParams }>(
    "/webhooks/:id/deliveries",
    {
      schema: {
        summary: "Every delivery attempt to an endpoint",
        tags: TAGS,
        params: webhookIdParamsSchema,
        response: { 200: deliveryListSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const endpoint = await endpoints.get(request.params.id, ownerOf(request), "jobs");
      return { data: await dispatcher.endpointDeliveries(endpoint.id) };
    },
  );

  app.get<{ Params: IdParams }>(
    "/jobs/:id/deliveries",
    {
      schema: {
        summary: "Every delivery attempt to a job's callbackUrl",
        tags: TAGS,
        params: jobIdParamsSchema,
        response: { 200: deliveryListSchema, ...errorResponses(404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const record = await service.find(id, ownerOf(request));
      if (record === undefined) {
        throw new ApiError("job_not_found", `No job with id ${JSON.stringify(id)}`);
      }
      return { data: await dispatcher.jobDeliveries(record.id) };
    },
  );
};

function view({ id, url, events, createdAt }: WebhookEndpoint) {
  // Endpoints of our own API always name their events.
  return { id, url, events: events ?? [], createdAt: new Date(createdAt).toISOString() };
}
