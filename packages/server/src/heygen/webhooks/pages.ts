import { ApiError } from "../../errors.js";

/** Where an item sits in a list: its time (ms since the epoch), then its id. */
export interface Position {
  at: number;
  id: string;
}

/** One page of a list, in HeyGen's words. */
export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_token: string | null;
}

/**
 * A page of `items` (sorted by `order`) after the position a token names: the token holds the
 * last item's position, not an offset, so an item added or removed meanwhile shifts nothing.
 */
export function pageOf<T>(
  items: readonly T[],
  positionOf: (item: T) => Position,
  order: (a: Position, b: Position) => number,
  { limit, token }: { limit: number; token?: string | undefined },
): Page<T> {
  const after = token === undefined ? undefined : decodeToken(token);
  const start =
    after === undefined ? 0 : items.findIndex((item) => order(positionOf(item), after) > 0);
  const rest = start === -1 ? [] : items.slice(start);
  const data = rest.slice(0, limit);
  const hasMore = rest.length > limit;
  return {
    data,
    has_more: hasMore,
    next_token: hasMore ? encodeToken(positionOf(data.at(-1)!)) : null,
  };
}

/** Oldest first, then by id. */
export function oldestFirst(a: Position, b: Position): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Newest first, then by id, last first. */
export function newestFirst(a: Position, b: Position): number {
  return oldestFirst(b, a);
}

/** Opaque to clients: base64url of `<ms>.<id>`. */
function encodeToken({ at, id }: Position): string {
  return Buffer.from(`${at}.${id}`, "utf8").toString("base64url");
}

function decodeToken(token: string): Position {
  const text = Buffer.from(token, "base64url").toString("utf8");
  const match = /^(\d{1,15})\.([A-Za-z0-9_]{1,64})$/.exec(text);
  // Node's decoder skips characters it does not know, so insist on a faithful round trip.
  if (match === null || Buffer.from(text, "utf8").toString("base64url") !== token) {
    throw new ApiError("invalid_request", "query.token is not a token this server gave");
  }
  return { at: Number(match[1]), id: match[2]! };
}
