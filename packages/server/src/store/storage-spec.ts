/** Where the server keeps its state, as STORE (or the `storage` option) names it. */
export type StorageSpec =
  | { kind: "memory" }
  | { kind: "sqlite"; path: string }
  | { kind: "redis"; url: string; prefix?: string };

/** What a bad STORE value is told it should have been. */
export const STORAGE_EXPECTED =
  "memory, sqlite:PATH (a file, or :memory:) or redis://HOST:PORT[/DB][?prefix=NAME]";

const PREFIX = /^[\w.:-]{1,64}$/;

/**
 * Reads `memory`, `sqlite:PATH` and `redis://[user:password@]HOST[:PORT][/DB][?prefix=NAME]`
 * (`rediss://` for TLS); undefined for anything else. The Redis prefix starts every key and the
 * change channel, so several independent simulators can share one Redis.
 *
 * @example
 * parseStorage("sqlite:./jobs.db"); // { kind: "sqlite", path: "./jobs.db" }
 */
export function parseStorage(raw: string): StorageSpec | undefined {
  const value = raw.trim();
  if (value === "memory") return { kind: "memory" };
  if (value.startsWith("sqlite:")) {
    const path = value.slice("sqlite:".length);
    return path === "" ? undefined : { kind: "sqlite", path };
  }
  if (!/^rediss?:\/\//.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.hostname === "" || !/^(?:\/\d{0,2})?$/.test(url.pathname) || url.hash !== "") {
    return undefined;
  }
  const names = [...url.searchParams.keys()];
  if (names.some((name) => name !== "prefix") || names.length > 1) return undefined;
  const prefix = url.searchParams.get("prefix") ?? undefined;
  if (prefix !== undefined && !PREFIX.test(prefix)) return undefined;
  url.search = "";
  return { kind: "redis", url: url.toString(), ...(prefix !== undefined && { prefix }) };
}
