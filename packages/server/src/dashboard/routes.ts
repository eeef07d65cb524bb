import { readdirSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync } from "fastify";
import { markRoutesPublic } from "../plugins/public-routes.js";
import { sendError } from "../plugins/send-error.js";

export interface DashboardRoutesOptions {
  /** The built dashboard (index.html and assets/); undefined when it was not built. */
  dir: string | undefined;
}

/**
 * `GET /`: the dashboard page; `GET /dashboard/*`: its scripts and styles. Both skip auth (the
 * page asks for a key and sends it with its API calls). Without a build, a 404 that says so.
 */
export const dashboardRoutes: FastifyPluginAsync<DashboardRoutesOptions> = async (app, { dir }) => {
  markRoutesPublic(app, { hide: true });
  if (dir === undefined) {
    app.get("/", async (_request, reply) =>
      sendError(
        reply,
        "route_not_found",
        "The dashboard is not built: run `npm run build` at the repository's root",
      ),
    );
    return;
  }
  // Only `reply.sendFile`, for the files the build holds (listed once: they never change), so
  // any other path gets our JSON 404 and nothing outside the folder can be named.
  await app.register(fastifyStatic, { root: dir, serve: false });
  const files = new Set(
    readdirSync(dir, { recursive: true, encoding: "utf8" }).map((name) =>
      name.split(sep).join("/"),
    ),
  );
  // The page itself is small and read once: no file I/O per visit.
  const page = readFileSync(join(dir, "index.html"));
  app.get("/", async (_request, reply) =>
    reply.header("cache-control", "no-cache").type("text/html; charset=utf-8").send(page),
  );
  app.get<{ Params: { "*": string } }>("/dashboard/*", async (request, reply) => {
    const name = request.params["*"];
    if (!files.has(name) || name === "index.html") {
      return sendError(reply, "route_not_found", `No file ${name} in the dashboard`);
    }
    // File names carry a content hash: they never change.
    return reply.header("cache-control", "public, max-age=31536000, immutable").sendFile(name);
  });
};
