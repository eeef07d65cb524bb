import swagger, { type FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import { markRoutesPublic } from "../plugins/public-routes.js";
import { SERVER_VERSION } from "../version.js";
import { describeResponses } from "./route-docs.js";

/** Where the generated OpenAPI document is served. */
export const OPENAPI_PATH = "/openapi.json";
/** Where the API reference page (Swagger UI, served from the package: works offline) lives. */
export const REFERENCE_PATH = "/docs";

const DESCRIPTION = [
  "A simulator of a video-translation backend: jobs that stay pending for a configured time and",
  "then complete or fail, with hints (`Retry-After`, `Poll-After-Ms`, estimated completion),",
  "long-polling (`Prefer: wait=N`), Server-Sent Events and fault injection.",
  "This document is generated from the schemas the server validates and serializes with.",
].join(" ");

/** Options for `@fastify/swagger`, which collects every route's schemas into an OpenAPI 3.1 document. */
const openApiOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: "3.1.0",
    info: {
      title: "translation-status simulator",
      version: SERVER_VERSION,
      description: DESCRIPTION,
    },
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" },
        // ElevenLabs' header, on its routes.
        xiApiKey: { type: "apiKey", in: "header", name: "xi-api-key" },
        bearer: { type: "http", scheme: "bearer" },
      },
    },
    // Keys are optional: the server asks for one only when started with API_KEYS.
    security: [{}, { apiKey: [] }, { bearer: [] }],
  },
};

/**
 * Collects the OpenAPI document of every route registered after this plugin, from each route's
 * own schemas and text (`summary`, `description`, `tags`). Register it before any route: it
 * reads them as they are added. `openApiRoutes` serves it.
 */
export const openApiPlugin = fp(
  async (app) => {
    app.addHook("onRoute", describeResponses);
    await app.register(swagger, openApiOptions);
  },
  { name: "openapi" },
);

/**
 * Serves the document and its reference page, to anyone (see `isPublicRoute`). Register it
 * with the routes, after the plugins whose hooks every answer goes through (CORS, metrics).
 */
export const openApiRoutes: FastifyPluginAsync = async (app) => {
  markRoutesPublic(app, { hide: true });
  app.get(OPENAPI_PATH, async () => app.swagger());
  await app.register(swaggerUi, { routePrefix: REFERENCE_PATH, staticCSP: true });
};
