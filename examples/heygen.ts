/**
 * HeyGen's video-translation API (v3), spoken by the client, against the simulator's copy of it
 * in this process. For the real API, use `baseUrl: "https://api.heygen.com"` and your own key
 * (real jobs cost credits). heygen.mjs is the same in plain JavaScript.
 *
 *   npx tsx examples/heygen.ts
 */
import { TranslationStatusClient } from "@translation-status/client";
import { startServer } from "@translation-status/server";

/** The part of HeyGen's v3 status answer this example reads. */
interface HeygenV3Status {
  data: { id: string; status: string; video_url: string | null; failure_message: string | null };
}

const apiKey = "sk_test_local";
const server = await startServer({
  port: 0,
  pendingDurationMs: 2_000,
  errorProbability: 0,
  apiKeys: [apiKey],
});
try {
  const client = new TranslationStatusClient({ baseUrl: server.url, api: "heygen-v3", apiKey });
  const created = await client.createJob({
    video: { type: "url", url: "https://example.com/talk.mp4" },
    output_languages: ["Spanish"],
    callback_id: "order-42",
  });
  if (created.jobId === undefined) throw new Error("the creation returned no id");

  const { status, snapshot, requests } = await client.waitForCompletion({
    jobId: created.jobId,
    maxWaitMs: 3_600_000,
  });
  // snapshot.raw is HeyGen's own answer, as the server sent it.
  const { data } = snapshot.raw as HeygenV3Status;
  console.log(`${created.jobId}: ${status} after ${requests} requests`);
  console.log(`HeyGen status "${data.status}", video at ${data.video_url}`);
} finally {
  await server.close();
}
