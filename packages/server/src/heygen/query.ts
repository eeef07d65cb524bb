import type { FastifyRequest } from "fastify";

/**
 * Turns a numeric `limit` in the query string into a number before validation. Type coercion is
 * off app-wide, so JSON bodies stay strict ("5" is not a number there); a query has only strings.
 */
export function coerceLimit(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown>;
  if (typeof query.limit === "string" && /^-?\d+$/.test(query.limit)) {
    query.limit = Number(query.limit);
  }
}
