/** One link of an RFC 8288 `Link` header: its target and parameters (rel, type, ...). */
export interface Link {
  href: string;
  params: Record<string, string>;
}

/**
 * Parses a `Link` header: `<url>; rel="events"; type="text/event-stream", <url2>; rel=next`.
 * Lenient on what it cannot read (skips that link) rather than failing the response.
 */
export function parseLinkHeader(value: string | null): Link[] {
  if (!value) return [];
  const links: Link[] = [];
  // Split on commas that start a new "<...>" target, not on commas inside quoted values.
  for (const part of value.split(/,\s*(?=<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (!match) continue;
    const params: Record<string, string> = {};
    for (const param of match[2]!.split(";")) {
      const eq = param.indexOf("=");
      if (eq < 0) continue;
      const name = param.slice(0, eq).trim().toLowerCase();
      const raw = param.slice(eq + 1).trim();
      if (name) params[name] = raw.replace(/^"(.*)"$/s, "$1");
    }
    links.push({ href: match[1]!, params });
  }
  return links;
}

/** The first link whose space-separated `rel` contains `rel`, resolved against `base`. */
export function findLink(
  links: Link[],
  rel: string,
  base: string,
): (Link & { url: string }) | undefined {
  const link = links.find((l) => (l.params.rel ?? "").toLowerCase().split(/\s+/).includes(rel));
  if (!link) return undefined;
  try {
    return { ...link, url: new URL(link.href, base).toString() };
  } catch {
    return undefined;
  }
}
