import type { IncomingHttpHeaders } from "node:http";

/** Longest client name kept; longer ones are cut. */
export const MAX_CLIENT_NAME = 64;

/**
 * Who a request came from, for comparing clients: the `X-Client-Name` header if any, else the
 * first product of `User-Agent` (`node`, `curl/8.5.0`, `Mozilla/5.0`), else `anonymous`.
 * Only printable ASCII is kept, so a name is safe to show anywhere.
 */
export function clientNameOf(headers: IncomingHttpHeaders): string {
  const named = clean(headers["x-client-name"]);
  if (named !== "") return named;
  const agent = clean(headers["user-agent"]?.split(" ", 1)[0]);
  return agent === "" ? "anonymous" : agent;
}

function clean(value: string | string[] | undefined): string {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return "";
  return text
    .replace(/[^\x20-\x7e]/g, "")
    .trim()
    .slice(0, MAX_CLIENT_NAME);
}
