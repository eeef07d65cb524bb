import type { IncomingHttpHeaders } from "node:http";

/** Longest client name kept; longer ones are cut. */
export const MAX_CLIENT_NAME = 64;

// Clients send the same header over and over: remember the last few names worked out.
const CACHE_SIZE = 256;
const cache = new Map<string, string>();

/**
 * Who a request came from, for comparing clients: the `X-Client-Name` header if any, else the
 * first product of `User-Agent` (`node`, `curl/8.5.0`, `Mozilla/5.0`), else `anonymous`.
 * Only printable ASCII is kept, so a name is safe to show anywhere.
 */
export function clientNameOf(headers: IncomingHttpHeaders): string {
  const named = headers["x-client-name"];
  if (named !== undefined) {
    const name = cached(`n${String(named)}`, () => clean(named));
    if (name !== "") return name;
  }
  const agent = headers["user-agent"];
  if (agent === undefined) return "anonymous";
  return cached(`a${agent}`, () => clean(agent.split(" ", 1)[0]) || "anonymous");
}

function cached(key: string, compute: () => string): string {
  let name = cache.get(key);
  if (name === undefined) {
    name = compute();
    if (cache.size >= CACHE_SIZE) cache.clear();
    if (key.length <= 512) cache.set(key, name);
  }
  return name;
}

function clean(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return "";
  return text
    .replace(/[^\x20-\x7e]/g, "")
    .trim()
    .slice(0, MAX_CLIENT_NAME);
}
