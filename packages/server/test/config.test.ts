import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/index.js";

/** What loadConfig throws for `env`, or undefined if it does not throw. */
function configErrorOf(env: Record<string, string>): unknown {
  try {
    loadConfig(env);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("loadConfig", () => {
  it("applies defaults to an empty environment", () => {
    expect(loadConfig({})).toEqual({
      port: 8000,
      host: "127.0.0.1",
      pendingDurationMs: 10_000,
      errorProbability: 0.1,
      etaError: 0.2,
      maxWaitSeconds: 60,
      sseProgressIntervalMs: 1_000,
      sseHeartbeatMs: 15_000,
      logLevel: "info",
    });
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", SEED: " ", LOG_LEVEL: "" })).toEqual(loadConfig({}));
  });

  it("reads every variable", () => {
    expect(
      loadConfig({
        PORT: "0",
        HOST: "0.0.0.0",
        PENDING_DURATION: "2.5",
        ERROR_PROBABILITY: "0.25",
        ETA_ERROR: "0.35",
        LONG_POLL_MAX_WAIT: "30",
        SSE_PROGRESS_INTERVAL: "0.5",
        SSE_HEARTBEAT: "20",
        SEED: "42",
        LOG_LEVEL: "DEBUG",
      }),
    ).toEqual({
      port: 0,
      host: "0.0.0.0",
      pendingDurationMs: 2_500,
      errorProbability: 0.25,
      etaError: 0.35,
      maxWaitSeconds: 30,
      sseProgressIntervalMs: 500,
      sseHeartbeatMs: 20_000,
      seed: 42,
      logLevel: "debug",
    });
  });

  it.each([
    ["PENDING_DURATION", "0", 0],
    ["PENDING_DURATION", ".25", 250],
    ["PENDING_DURATION", "0.0015", 2],
    ["PENDING_DURATION", "3600", 3_600_000],
    ["PORT", "65535", 65_535],
    ["ERROR_PROBABILITY", "1", 1],
    ["ERROR_PROBABILITY", "0", 0],
    ["ETA_ERROR", "0", 0],
    ["ETA_ERROR", "0.99", 0.99],
    ["ETA_ERROR", ".5", 0.5],
    ["LONG_POLL_MAX_WAIT", "0", 0],
    ["LONG_POLL_MAX_WAIT", "3600", 3_600],
    ["SSE_PROGRESS_INTERVAL", "0", 0],
    ["SSE_PROGRESS_INTERVAL", "0.25", 250],
    ["SSE_PROGRESS_INTERVAL", "2", 2_000],
    ["SSE_HEARTBEAT", "0", 0],
    ["SSE_HEARTBEAT", "1.5", 1_500],
  ])("parses %s=%s", (name, value, expected) => {
    const key =
      {
        PENDING_DURATION: "pendingDurationMs",
        PORT: "port",
        ETA_ERROR: "etaError",
        LONG_POLL_MAX_WAIT: "maxWaitSeconds",
        SSE_PROGRESS_INTERVAL: "sseProgressIntervalMs",
        SSE_HEARTBEAT: "sseHeartbeatMs",
      }[name] ?? "errorProbability";
    expect(loadConfig({ [name]: value })).toMatchObject({ [key]: expected });
  });

  it("keeps a non-integer SEED as a string", () => {
    expect(loadConfig({ SEED: "demo run" }).seed).toBe("demo run");
    expect(loadConfig({ SEED: "99999999999999999999" }).seed).toBe("99999999999999999999");
    expect(loadConfig({ SEED: "-7" }).seed).toBe(-7);
  });

  it.each([
    ["PORT", "abc"],
    ["PORT", "-1"],
    ["PORT", "65536"],
    ["PORT", "80.5"],
    ["HOST", "local host"],
    ["PENDING_DURATION", "-1"],
    ["PENDING_DURATION", "ten"],
    ["PENDING_DURATION", "Infinity"],
    ["PENDING_DURATION", `1${"0".repeat(400)}`],
    ["PENDING_DURATION", "1e3"],
    ["ERROR_PROBABILITY", "1.5"],
    ["ERROR_PROBABILITY", "-0.1"],
    ["ERROR_PROBABILITY", "NaN"],
    ["ETA_ERROR", "1"],
    ["ETA_ERROR", "1.5"],
    ["ETA_ERROR", "-0.1"],
    ["ETA_ERROR", "twenty"],
    ["LONG_POLL_MAX_WAIT", "-1"],
    ["LONG_POLL_MAX_WAIT", "1.5"],
    ["LONG_POLL_MAX_WAIT", "60s"],
    ["LONG_POLL_MAX_WAIT", "99999999999999999999"],
    ["SSE_PROGRESS_INTERVAL", "-1"],
    ["SSE_PROGRESS_INTERVAL", "fast"],
    ["SSE_PROGRESS_INTERVAL", "1e3"],
    ["SSE_HEARTBEAT", "-15"],
    ["SSE_HEARTBEAT", "15s"],
    ["SSE_HEARTBEAT", `1${"0".repeat(30)}`],
    ["LOG_LEVEL", "loud"],
  ])("rejects %s=%s with a ConfigError naming the variable", (name, value) => {
    const caught = configErrorOf({ [name]: value });
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.name).toBe("ConfigError");
    expect(error.variable).toBe(name);
    expect(error.value).toBe(value);
    expect(error.message).toContain(`${name}=`);
    expect(error.message).toContain("expected");
  });
});

describe("loadConfig: faults, limits and auth", () => {
  it("reads them, and leaves them out when unset", () => {
    expect(
      loadConfig({
        FAULT_RATE: "0.25",
        FAULT_KINDS: "500, HANG,truncated,500",
        LATENCY_MS: "20-200",
        RATE_LIMIT: "10",
        MAX_CONCURRENT_JOBS: "3",
        API_KEYS: "sk_one, sk_two",
      }),
    ).toMatchObject({
      faultRate: 0.25,
      faultKinds: ["500", "hang", "truncated"],
      latencyMs: [20, 200],
      rateLimit: 10,
      maxConcurrentJobs: 3,
      apiKeys: ["sk_one", "sk_two"],
    });
    const unset = loadConfig({ FAULT_RATE: "", API_KEYS: " " });
    for (const name of ["faultRate", "faultKinds", "latencyMs", "rateLimit", "apiKeys"]) {
      expect(unset).not.toHaveProperty(name);
    }
  });

  it.each([
    ["FAULT_RATE", "0", 0],
    ["FAULT_RATE", "1", 1],
    ["FAULT_KINDS", "slow", ["slow"]],
    ["LATENCY_MS", "150", 150],
    ["LATENCY_MS", "0", 0],
    ["LATENCY_MS", "5-5", 5],
    ["RATE_LIMIT", "0", 0],
    ["MAX_CONCURRENT_JOBS", "10", 10],
  ])("parses %s=%s", (name, value, expected) => {
    const key = {
      FAULT_RATE: "faultRate",
      FAULT_KINDS: "faultKinds",
      LATENCY_MS: "latencyMs",
      RATE_LIMIT: "rateLimit",
      MAX_CONCURRENT_JOBS: "maxConcurrentJobs",
    }[name]!;
    expect(loadConfig({ [name]: value })).toMatchObject({ [key]: expected });
  });

  it.each([
    ["FAULT_RATE", "1.5"],
    ["FAULT_RATE", "-0.1"],
    ["FAULT_RATE", "half"],
    ["FAULT_KINDS", "500,504"],
    ["FAULT_KINDS", "500,,hang"],
    ["FAULT_KINDS", "all"],
    ["LATENCY_MS", "200-20"],
    ["LATENCY_MS", "-5"],
    ["LATENCY_MS", "1.5"],
    ["LATENCY_MS", "60001"],
    ["LATENCY_MS", "fast"],
    ["RATE_LIMIT", "-1"],
    ["RATE_LIMIT", "2.5"],
    ["RATE_LIMIT", "10/s"],
    ["MAX_CONCURRENT_JOBS", "ten"],
    ["MAX_CONCURRENT_JOBS", "99999999999999999999"],
    ["API_KEYS", "one,,two"],
    ["API_KEYS", "with space"],
    ["API_KEYS", `${"k".repeat(256)}`],
    ["API_KEYS", "cl\u00e9"],
  ])("rejects %s=%s with a ConfigError naming the variable", (name, value) => {
    const caught = configErrorOf({ [name]: value });
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(name);
    expect((caught as ConfigError).message).toContain(`${name}=`);
  });
});

describe("loadConfig: RETENTION", () => {
  it("reads seconds, fractions allowed, and is absent when unset", () => {
    expect(loadConfig({ RETENTION: "3600" })).toMatchObject({ retentionMs: 3_600_000 });
    expect(loadConfig({ RETENTION: "0.5" })).toMatchObject({ retentionMs: 500 });
    expect(loadConfig({ RETENTION: "" })).not.toHaveProperty("retentionMs");
  });

  it.each(["0", "-1", "a day", "1e3"])("rejects RETENTION=%s naming it", (value) => {
    const caught = configErrorOf({ RETENTION: value });
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe("RETENTION");
  });
});
