#!/usr/bin/env node
import { ConfigError } from "./config-error.js";
import { loadConfig, type ServerConfig } from "./config.js";
import { RETENTION_MS } from "./jobs/retention.js";
import { startServer } from "./start.js";
import { parseStorage } from "./store/storage-spec.js";

const NAME = "translation-status-server";

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${NAME}: ${error.message}`);
    process.exitCode = 1;
    return;
  }

  const { logLevel, ...options } = config;
  const server = await startServer({ ...options, logger: { level: logLevel } });
  const { url, app } = server;
  app.log.info(
    {
      url,
      pendingDurationMs: config.pendingDurationMs,
      errorProbability: config.errorProbability,
      etaError: config.etaError,
      maxWaitSeconds: config.maxWaitSeconds,
      seed: config.seed ?? null,
      faultRate: config.faultRate ?? 0,
      faultKinds: config.faultKinds ?? "all",
      latencyMs: config.latencyMs ?? 0,
      rateLimit: config.rateLimit ?? 0,
      maxConcurrentJobs: config.maxConcurrentJobs ?? 0,
      // How many keys, never the keys.
      apiKeys: config.apiKeys?.length ?? 0,
      store: storeKind(config.storage),
      retentionMs: config.retentionMs ?? RETENTION_MS,
    },
    `${NAME} listening on ${url}`,
  );

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    // A second signal means "now": skip waiting for in-flight requests.
    if (closing) process.exit(1);
    closing = true;
    app.log.info(`${signal} received, closing`);
    server.close().catch((error: unknown) => {
      app.log.error({ err: error }, "close failed");
      process.exitCode = 1;
    });
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

// The kind and place, never a Redis password.
function storeKind(storage: string | undefined): string {
  const spec = parseStorage(storage ?? "memory");
  if (spec?.kind === "redis") {
    const url = new URL(spec.url);
    return `redis://${url.host}${url.pathname}`;
  }
  return storage ?? "memory";
}

main().catch((error: unknown) => {
  console.error(`${NAME}: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
