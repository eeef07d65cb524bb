import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import {
  TranslationStatusClient,
  type ApiName,
  type DurationModelSnapshot,
  type WaitMode,
  type WaitOptions,
} from "@translation-status/client";
import { createCommand } from "./commands/create.js";
import { demoCommand } from "./commands/demo.js";
import { statusCommand } from "./commands/status.js";
import { waitAndReport } from "./commands/wait-and-report.js";
import { parseDuration } from "./duration.js";
import { reportFailure, UsageError } from "./commands/report-failure.js";
import { ExitCode } from "./exit-codes.js";
import type { Io } from "./io.js";
import { loadModel, modelPath, saveModel } from "./model-store.js";
import { API_NAMES, apiKeyFor, baseUrlFor, checkBaseUrl } from "./profiles.js";

const VERSION = "0.1.0";

interface GlobalOptions {
  api: ApiName;
  baseUrl?: string;
  apiKey?: string;
  requestTimeout?: number;
}

/**
 * Runs the command line on `argv` (without `node` and the script) and resolves with the exit
 * code; it never calls `process.exit`, so tests and embedders can run it in-process.
 */
export async function run(argv: readonly string[], io: Io): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.Completed;
  const program = new Command("translation-status")
    .description("Check, create and wait on video-translation jobs.")
    .version(VERSION)
    .addOption(
      new Option("--api <api>", "the API's shape: ours, HeyGen's or ElevenLabs'")
        .choices(API_NAMES)
        .default("jobs"),
    )
    .addOption(
      new Option(
        "--base-url <url>",
        "API root (default: the real API's, http://localhost:8000 for jobs); point it at the simulator",
      ).env("TRANSLATION_STATUS_BASE_URL"),
    )
    .addOption(
      new Option(
        "--api-key <key>",
        "API key (else TRANSLATION_STATUS_API_KEY, then HEYGEN_API_KEY or ELEVENLABS_API_KEY)",
      ),
    )
    .option("--request-timeout <duration>", "time allowed for one request", duration)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const clientFor = (url?: string, model?: DurationModelSnapshot) => {
    const globals = program.opts<GlobalOptions>();
    const baseUrl = checkBaseUrl(url ?? globals.baseUrl ?? baseUrlFor(globals.api));
    const apiKey = globals.apiKey ?? apiKeyFor(globals.api, process.env);
    return new TranslationStatusClient<ApiName>({
      api: globals.api,
      clientName: "translation-status-cli",
      ...(url ? { statusUrl: baseUrl, baseUrl: baseUrl.replace(/\/status$/, "") } : { baseUrl }),
      ...(apiKey !== undefined && { apiKey }),
      ...(globals.requestTimeout !== undefined && { requestTimeoutMs: globals.requestTimeout }),
      ...(model && { model }),
    });
  };

  program
    .command("status")
    .description("print a job's status once (without a job id: the server's /status)")
    .argument("[jobId]", "the job to read")
    .option("--url <url>", "read this status URL instead, e.g. http://localhost:8000/status")
    .option("--json", "print the server's JSON")
    .action(async (jobId: string | undefined, options: { url?: string; json?: boolean }) => {
      exitCode = await statusCommand(clientFor(options.url), io, jobId, options.json ?? false);
    });

  program
    .command("create")
    .description("create a job and print its id")
    .option("--duration <duration>", "how long the job stays pending (simulator)", duration)
    .option("--error-probability <p>", "chance the job ends in error (simulator)", probability)
    .option("--metadata <json>", "JSON object stored with the job", jsonObject)
    .option(
      "--input <json>",
      "the API's creation fields as a JSON object (e.g. HeyGen's video_url and output_language)",
      jsonObject,
    )
    .option("--json", "print the created job as JSON")
    .action(
      async (options: {
        duration?: number;
        errorProbability?: number;
        metadata?: Record<string, unknown>;
        input?: Record<string, unknown>;
        json?: boolean;
      }) => {
        exitCode = await createCommand(
          clientFor(),
          io,
          {
            ...options.input,
            ...(options.duration !== undefined && { pendingDurationMs: options.duration }),
            ...(options.errorProbability !== undefined && {
              errorProbability: options.errorProbability,
            }),
            ...(options.metadata && { metadata: options.metadata }),
          },
          options.json ?? false,
        );
      },
    );

  program
    .command("wait")
    .description("wait until a job completes (exit 0), fails (1) or is cancelled (6); 2 on timeout")
    .argument("[jobId]", "the job to wait on (without it: the server's /status)")
    .option("--url <url>", "wait on this status URL instead")
    .addOption(
      new Option("--max-wait <duration>", "give up after this long")
        .argParser(duration)
        // Shown as written: the number of milliseconds would read as seconds.
        .default(3_600_000, "1h"),
    )
    .option("--initial-interval <duration>", "first interval between polls", duration)
    .option("--backoff-factor <n>", "growth of the interval", positiveNumber)
    .option("--max-interval <duration>", "longest interval between polls", duration)
    .option("--kind <kind>", "what kind of job, so its durations are learned apart")
    .option("--size <n>", "the job's size, e.g. the input video's seconds", positiveSize)
    .option(
      "--no-learn",
      "do not read or update the learned model (kept in $XDG_CACHE_HOME or ~/.cache, translation-status/model.json)",
    )
    .addOption(modeOption())
    .option("--json", "print one JSON object with the outcome")
    .action(
      async (
        jobId: string | undefined,
        options: {
          url?: string;
          maxWait: number;
          initialInterval?: number;
          backoffFactor?: number;
          maxInterval?: number;
          kind?: string;
          size?: number;
          learn: boolean;
          mode: WaitMode;
          json?: boolean;
        },
      ) => {
        const waitOptions: WaitOptions = { maxWaitMs: options.maxWait, mode: options.mode };
        if (jobId !== undefined) waitOptions.jobId = jobId;
        if (options.kind !== undefined) waitOptions.kind = options.kind;
        if (options.size !== undefined) waitOptions.size = options.size;
        if (options.initialInterval !== undefined)
          waitOptions.initialIntervalMs = options.initialInterval;
        if (options.backoffFactor !== undefined) waitOptions.backoffFactor = options.backoffFactor;
        if (options.maxInterval !== undefined) waitOptions.maxIntervalMs = options.maxInterval;
        // A command line lives for one wait: what it learns is kept on disk for the next run.
        const path = options.learn ? modelPath() : undefined;
        const warn = (message: string) => io.stderr.write(`translation-status: ${message}\n`);
        const model = path === undefined ? undefined : await loadModel(path, warn);
        let client: TranslationStatusClient<ApiName>;
        try {
          client = clientFor(options.url, model);
        } catch (error) {
          if (model === undefined || !(error instanceof TypeError)) throw error;
          warn(`ignoring the learned model at ${path}: ${error.message}`);
          client = clientFor(options.url);
        }
        exitCode = await waitAndReport(client, io, {
          ...waitOptions,
          json: options.json ?? false,
        });
        if (path !== undefined) {
          await saveModel(path, client.exportModel()).catch((error: Error) =>
            warn(`cannot save the learned model at ${path}: ${error.message}`),
          );
        }
      },
    );

  program
    .command("demo")
    .description("start the simulator in this process, create a job and wait for it live")
    .option(
      "--duration <duration>",
      "how long the job takes (default: PENDING_DURATION or 10s)",
      duration,
    )
    .option(
      "--error-probability <p>",
      "chance the job fails (default: ERROR_PROBABILITY or 0.1)",
      probability,
    )
    .option("--port <port>", "port for the simulator", port, 0)
    .option("--max-wait <duration>", "give up after this long", duration)
    .addOption(modeOption())
    .option("--json", "print one JSON object with the outcome")
    .action(
      async (options: {
        duration?: number;
        errorProbability?: number;
        port: number;
        maxWait?: number;
        mode: WaitMode;
        json?: boolean;
      }) => {
        exitCode = await demoCommand(io, {
          port: options.port,
          mode: options.mode,
          json: options.json ?? false,
          ...(options.duration !== undefined && { pendingDurationMs: options.duration }),
          ...(options.errorProbability !== undefined && {
            errorProbability: options.errorProbability,
          }),
          ...(options.maxWait !== undefined && { maxWaitMs: options.maxWait }),
        });
      },
    );

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0; commander printed the rest.
      return error.exitCode === 0 ? ExitCode.Completed : ExitCode.Usage;
    }
    if (error instanceof UsageError) {
      return reportFailure(io, argv.includes("--json"), error);
    }
    throw error;
  }
  return exitCode;
}

function modeOption(): Option {
  return new Option("--mode <mode>", "how to watch the job")
    .choices(["auto", "poll", "long-poll", "stream"])
    .default("auto");
}

function duration(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function probability(value: string): number {
  const p = Number(value);
  if (value.trim() === "" || !(p >= 0 && p <= 1)) {
    throw new InvalidArgumentError(`"${value}" is not a probability between 0 and 1`);
  }
  return p;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n >= 1) || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`"${value}" must be a number >= 1`);
  }
  return n;
}

function positiveSize(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0) || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`"${value}" must be a positive number`);
  }
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) {
    throw new InvalidArgumentError(`"${value}" is not a port number`);
  }
  return n;
}

function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError("must be valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError("must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}
