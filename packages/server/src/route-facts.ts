/**
 * What a route declares about itself, in its `config`: the plugins that act on routes (faults,
 * timelines, auth, the OpenAPI text) read these facts instead of keeping lists of routes.
 * `public` and `apiKeyHeader` are declared next to the code that reads them (plugins/).
 */

/** What a request to a route does to the job it names, for the job timelines. */
export type TimelineKind = "create" | "read" | "cancel" | "stream";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The path parameter that names the job a request is about (`"id"`,
     * `"video_translation_id"`): faults then apply that job's own overrides.
     */
    jobParam?: string;
    /** Set on the routes whose requests go on job timelines: what the request does. */
    timelineKind?: TimelineKind;
  }
}
