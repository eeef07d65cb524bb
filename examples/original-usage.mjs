/**
 * The original design's client example, translated. Plain JavaScript; the TypeScript form is
 * original-usage.ts. Start a server first:
 *
 *   PENDING_DURATION=5 npm run server
 *   node examples/original-usage.mjs              # or pass another status URL
 */
import { TranslationStatusClient, WaitTimeoutError } from "@translation-status/client";

const statusUrl = process.argv[2] ?? "http://localhost:8000/status";
const client = new TranslationStatusClient(statusUrl);

try {
  const final = await client.waitForCompletion({
    maxWaitMs: 60_000,
    initialIntervalMs: 2_000,
    backoffFactor: 1.5,
    onPoll: ({ attempt, elapsedMs, snapshot, nextPollInMs }) =>
      console.log(
        `poll ${attempt} at ${elapsedMs} ms: ${snapshot?.status ?? "failed"}` +
          (nextPollInMs === undefined ? "" : `, next in ${Math.round(nextPollInMs)} ms`),
      ),
  });
  console.log("Job final status:", final.status);
} catch (error) {
  if (error instanceof WaitTimeoutError) console.error("Still pending:", error.message);
  else console.error("Failed:", error);
  process.exitCode = 1;
}
