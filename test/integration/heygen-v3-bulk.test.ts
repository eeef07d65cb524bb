import { describe, expect, it } from "vitest";
import { TranslationStatusClient } from "@translation-status/client";
import { expectHeygenError } from "../support/heygen-error.js";
import { simulator } from "../support/servers.js";

// Every answer here is also checked against HeyGen's own spec when the file ends (servers.ts).
const KEY = "sk_test_heygen";
const V3 = "/v3/video-translations";
const video = { type: "url", url: "https://example.com/talk.mp4" };

/** What these tests read of an answer; its whole shape is checked against the spec. */
interface Answer {
  status: number;
  body: {
    data: {
      batch_id: string;
      status: string;
      items: Array<{ video_id: string }>;
      video_translation_ids: string[];
      languages: string[];
    };
    next_token?: string | null;
    error: { code: string };
  };
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      "x-api-key": KEY,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

describe("HeyGen v3 batches, bulk statuses and listing over real HTTP", () => {
  it("makes a batch, waits on one of its items, and reads them all in one request", async () => {
    const server = await simulator({ apiKeys: [KEY], pendingDurationMs: 300, errorProbability: 0 });
    const created = await call(server.url, "POST", `${V3}/batches`, {
      title: "Launch",
      video_translations: [{ video, output_languages: ["French", "German"] }],
    });
    expect(created.status).toBe(202);
    const batchId = created.body.data.batch_id;
    const batch = await call(server.url, "GET", `${V3}/batches/${batchId}`);
    expect(batch.body.data).toMatchObject({ batch_id: batchId, title: "Launch", total_items: 2 });
    const [first, second] = batch.body.data.items;

    const client = new TranslationStatusClient({
      baseUrl: server.url,
      api: "heygen-v3",
      apiKey: KEY,
    });
    const result = await client.waitForCompletion({ jobId: second!.video_id });
    expect(result.status).toBe("completed");

    const read = await call(
      server.url,
      "GET",
      `${V3}/statuses?video_translation_ids=${first!.video_id},job_unknown&batch_ids=${batchId}`,
    );
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      data: [
        { video_id: first!.video_id, status: "completed", error: null },
        { video_id: "job_unknown", status: "not_found", error: null },
        {
          video_id: first!.video_id,
          status: "completed",
          error: null,
          batch_id: batchId,
          item_index: 0,
        },
        {
          video_id: second!.video_id,
          status: "completed",
          error: null,
          batch_id: batchId,
          item_index: 1,
        },
      ],
      has_more: false,
      next_token: null,
    });
    expect((await call(server.url, "GET", `${V3}/batches/${batchId}`)).body.data.status).toBe(
      "completed",
    );
  });

  it("lists, renames and deletes translations, and lists the languages", async () => {
    const server = await simulator({ apiKeys: [KEY], pendingDurationMs: 60_000 });
    const ids: string[] = [];
    for (const language of ["French", "German"]) {
      const created = await call(server.url, "POST", V3, { video, output_languages: [language] });
      ids.push(created.body.data.video_translation_ids[0]!);
    }
    const page = await call(server.url, "GET", `${V3}?limit=1`);
    expect(page.body).toMatchObject({ data: [{ id: ids[0] }], has_more: true });
    const next = await call(server.url, "GET", `${V3}?limit=1&token=${page.body.next_token ?? ""}`);
    expect(next.body).toMatchObject({ data: [{ id: ids[1] }], has_more: false, next_token: null });

    const renamed = await call(server.url, "PATCH", `${V3}/${ids[0]}`, { title: "Renamed" });
    expect(renamed.body.data).toMatchObject({ id: ids[0], title: "Renamed", status: "pending" });
    const deleted = await call(server.url, "DELETE", `${V3}/${ids[0]}`);
    expect(deleted).toEqual({ status: 200, body: { data: { id: ids[0] } } });
    expectHeygenError(await call(server.url, "GET", `${V3}/${ids[0]}`), 404, "not_found");
    expectHeygenError(await call(server.url, "DELETE", `${V3}/${ids[0]}`), 404, "not_found");

    const languages = await call(server.url, "GET", `${V3}/languages`);
    expect(languages.body.data.languages).toContain("French");
    expectHeygenError(await call(server.url, "GET", `${V3}/statuses`), 400, "validation_error");
  });
});
