import { describe, expect, it } from "vitest";
import { buildApp, ConfigError, loadConfig, parseStorage } from "../src/index.js";

describe("STORE", () => {
  it.each([
    ["memory", { kind: "memory" }],
    ["sqlite:./data/jobs.db", { kind: "sqlite", path: "./data/jobs.db" }],
    ["sqlite::memory:", { kind: "sqlite", path: ":memory:" }],
    ["redis://127.0.0.1:6379", { kind: "redis", url: "redis://127.0.0.1:6379" }],
    ["redis://cache:6380/2", { kind: "redis", url: "redis://cache:6380/2" }],
    ["rediss://user:pw@cache", { kind: "redis", url: "rediss://user:pw@cache" }],
    [
      "redis://cache:6379?prefix=sim-1:",
      { kind: "redis", url: "redis://cache:6379", prefix: "sim-1:" },
    ],
  ])("reads %s", (raw, spec) => {
    expect(parseStorage(raw)).toEqual(spec);
    expect(loadConfig({ STORE: raw }).storage).toBe(raw);
  });

  it.each([
    "postgres://db:5432",
    "sqlite:",
    "Memory",
    "redis://",
    "redis://cache:6379/db",
    "redis://cache:6379/123",
    "redis://cache:6379?db=2",
    "redis://cache:6379?prefix=",
    "redis://cache:6379?prefix=with space",
    "redis://cache:99999",
    "./jobs.db",
  ])("refuses %s with a ConfigError naming STORE", (raw) => {
    expect(parseStorage(raw)).toBeUndefined();
    let caught: unknown;
    try {
      loadConfig({ STORE: raw });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ variable: "STORE", value: raw });
    expect((caught as Error).message).toMatch(/memory, sqlite:PATH .* or redis:\/\/HOST:PORT/);
  });

  it("is absent from the config when unset (memory)", () => {
    expect(loadConfig({})).not.toHaveProperty("storage");
  });

  it("is the `storage` option of buildApp, checked the same way", () => {
    expect(() => buildApp({ storage: "mysql://db" })).toThrow(
      new TypeError(
        'Expected `storage` to be memory, sqlite:PATH (a file, or :memory:) or redis://HOST:PORT[/DB][?prefix=NAME], got "mysql://db"',
      ),
    );
    expect(() => buildApp({ storage: 5 as unknown as string })).toThrow(/`storage`/);
  });
});
