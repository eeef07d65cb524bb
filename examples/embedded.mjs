/**
 * Everything in one process: start the simulator, submit three translations, wait for all of
 * them with one overall cancellation signal, and report each outcome. Plain JavaScript; the
 * TypeScript form is embedded.ts.
 *
 *   node examples/embedded.mjs
 */
import { TranslationStatusClient, TranslationStatusError } from "@translation-status/client";
import { startServer } from "@translation-status/server";

const server = await startServer({ port: 0, pendingDurationMs: 1_500, errorProbability: 0.3 });
try {
  const client = new TranslationStatusClient({ baseUrl: server.url });
  const languages = ["fr", "de", "ja"];
  const jobs = await Promise.all(
    languages.map((language) => client.createJob({ metadata: { language } })),
  );

  // One signal cancels every wait at once, e.g. when the user leaves the page.
  const signal = AbortSignal.timeout(30_000);
  const results = await Promise.allSettled(
    jobs.map((job) =>
      client.waitForCompletion({ jobId: job.jobId, signal, initialIntervalMs: 250 }),
    ),
  );

  results.forEach((result, i) => {
    const label = `${languages[i]} (${jobs[i].jobId})`;
    if (result.status === "rejected") {
      const error = result.reason;
      console.log(
        `${label}: could not tell:`,
        error instanceof TranslationStatusError ? error.message : error,
      );
    } else if (result.value.status === "completed") {
      console.log(`${label}: completed after ${result.value.requests} requests`);
    } else {
      console.log(`${label}: ${result.value.status}`, result.value.snapshot.error?.message ?? "");
    }
  });
} finally {
  await server.close();
}
