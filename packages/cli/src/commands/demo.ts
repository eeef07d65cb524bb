import { TranslationStatusClient, type WaitMode } from "@translation-status/client";
import { loadConfig, startServer } from "@translation-status/server";
import { formatDuration } from "../duration.js";
import type { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { reportFailure } from "./report-failure.js";
import { waitAndReport } from "./wait-and-report.js";

export interface DemoOptions {
  /** @default PENDING_DURATION from the environment, else 10 s */
  pendingDurationMs?: number;
  /** @default ERROR_PROBABILITY from the environment, else 0.1 */
  errorProbability?: number;
  /** @default 0 (any free port) */
  port: number;
  maxWaitMs?: number;
  /** @default "auto" */
  mode?: WaitMode;
  json: boolean;
}

/**
 * The main job: starts the simulator in this process, creates a job on it and waits for it
 * live, then shuts the simulator down. Nothing else to start.
 */
export async function demoCommand(io: Io, options: DemoOptions): Promise<ExitCode> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    return reportFailure(io, options.json, error);
  }
  const server = await startServer({
    port: options.port,
    host: "127.0.0.1",
    pendingDurationMs: options.pendingDurationMs ?? config.pendingDurationMs,
    errorProbability: options.errorProbability ?? config.errorProbability,
    ...(config.seed !== undefined && { seed: config.seed }),
  });
  try {
    const client = new TranslationStatusClient({ baseUrl: server.url });
    let jobId: string;
    try {
      const job = await client.createJob(io.signal ? { signal: io.signal } : {});
      jobId = job.jobId ?? "";
    } catch (error) {
      return reportFailure(io, options.json, error);
    }
    if (!options.json) {
      const duration = options.pendingDurationMs ?? config.pendingDurationMs;
      io.stderr.write(
        `Simulator on ${server.url}; created ${jobId}, which takes ${formatDuration(duration)}\n`,
      );
    }
    return await waitAndReport(client, io, {
      jobId,
      json: options.json,
      ...(options.mode !== undefined && { mode: options.mode }),
      ...(options.maxWaitMs !== undefined && { maxWaitMs: options.maxWaitMs }),
    });
  } finally {
    await server.close();
  }
}
