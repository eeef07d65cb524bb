import type {
  ApiName,
  CreateJobOptions,
  TranslationStatusClient,
} from "@translation-status/client";
import { ExitCode } from "../exit-codes.js";
import type { Io } from "../io.js";
import { reportFailure } from "./report-failure.js";

/** Creates a job and prints its id (or the whole job with `--json`). */
export async function createCommand(
  client: TranslationStatusClient<ApiName>,
  io: Io,
  options: Omit<CreateJobOptions, "signal">,
  json: boolean,
): Promise<ExitCode> {
  try {
    // The fields are the API's own (checked by its server), so they pass through as given.
    const job = await (client as TranslationStatusClient).createJob({
      ...options,
      ...(io.signal && { signal: io.signal }),
    });
    io.stdout.write(json ? `${JSON.stringify(job.raw)}\n` : `${job.jobId}\n`);
    return ExitCode.Completed;
  } catch (error) {
    return reportFailure(io, json, error);
  }
}
