import type { FetchLike } from "../../packages/client/src/index.js";

const HINT_HEADERS = ["poll-after-ms", "retry-after", "link"];
const HINT_FIELDS = ["estimatedCompletionAt", "completedAt"];

/**
 * Wraps `fetch` so that the real server plays one that gives no hints: no Poll-After-Ms,
 * Retry-After or Link headers, no estimatedCompletionAt or completedAt in job bodies.
 */
export function stripHints(fetch: FetchLike): FetchLike {
  return async (input, init) => {
    const response = await fetch(input, init);
    const headers = new Headers(response.headers);
    for (const name of HINT_HEADERS) headers.delete(name);
    const responseInit = { status: response.status, statusText: response.statusText, headers };
    if (!(headers.get("content-type") ?? "").includes("json") || response.status === 204) {
      return new Response(response.body, responseInit);
    }
    const text = await response.text();
    let body = text;
    try {
      const json: unknown = JSON.parse(text);
      if (typeof json === "object" && json !== null && !Array.isArray(json)) {
        const record = json as Record<string, unknown>;
        for (const field of HINT_FIELDS) delete record[field];
        body = JSON.stringify(record);
      }
    } catch {
      // Not JSON after all: pass it on untouched, the client will say so.
    }
    headers.delete("content-length");
    return new Response(body, responseInit);
  };
}
