import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { describe, expect, it } from "vitest";
import { MemoryJobStore, type JobRecord } from "../src/index.js";
import { batchItemViews } from "../src/heygen/batch.js";
import { expectHeygenError } from "../../../test/support/heygen-error.js";
import { expectError, setup, START, until } from "./helpers.js";

const V3 = "/v3/video-translations";
const video = { type: "url", url: "https://example.com/a.mp4" };
const options = { pendingDurationMs: 10_000, errorProbability: 0, etaError: 0 };

async function createV3(app: FastifyInstance, body: object = {}): Promise<string> {
  const response = await app.inject({
    method: "POST",
    url: V3,
    payload: { video, output_languages: ["French"], ...body },
  });
  expect(response.statusCode).toBe(200);
  return response.json().data.video_translation_ids[0] as string;
}

async function createBatch(
  app: FastifyInstance,
  body: object,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await app.inject({
    method: "POST",
    url: `${V3}/batches`,
    payload: body,
    headers,
  });
  expect(response.statusCode).toBe(202);
  return response.json().data.batch_id as string;
}

/** Counts the reads the server makes. */
class CountingStore extends MemoryJobStore {
  readonly reads = { get: 0, getMany: 0 };

  override async get(id: string) {
    this.reads.get++;
    return super.get(id);
  }

  override async getMany(ids: readonly string[]) {
    this.reads.getMany++;
    return super.getMany(ids);
  }
}

/** A job store that, once told, holds every insert after the first `n` until `open()`. */
class GatedStore extends MemoryJobStore {
  #left = Number.POSITIVE_INFINITY;
  #gate: Promise<void> | undefined;
  held = false;
  open: () => void = () => {};

  holdAfter(n: number): void {
    this.#left = n;
    this.#gate = new Promise((resolve) => (this.open = resolve));
  }

  override async insert(record: JobRecord): Promise<void> {
    if (this.#left-- <= 0) {
      this.held = true;
      await this.#gate;
    }
    return super.insert(record);
  }
}

const statuses = async (app: FastifyInstance, query: string) =>
  (await app.inject(`${V3}/statuses?${query}`)).json().data;

describe("GET /v3/video-translations/statuses", () => {
  it("answers each id in order: queued, processing, completed, failed or not_found", async () => {
    const { app, clock } = setup(options);
    const slow = (await app.inject({ method: "POST", url: "/jobs", payload: {} })).json().id;
    clock.advance(1_000);
    const fresh = await createV3(app);
    const failed = (
      await app.inject({
        method: "POST",
        url: "/jobs",
        payload: { pendingDurationMs: 0, errorProbability: 1 },
      })
    ).json();
    const cancelled = await createV3(app);
    await app.inject({ method: "DELETE", url: `/jobs/${cancelled}` });

    const ids = [fresh, slow, failed.id, "job_unknown", cancelled, "not-an-id"];
    expect(await statuses(app, `video_translation_ids=${ids.join(",")}`)).toEqual([
      { video_id: fresh, status: "queued", error: null },
      { video_id: slow, status: "processing", error: null },
      { video_id: failed.id, status: "failed", error: failed.error },
      { video_id: "job_unknown", status: "not_found", error: null },
      {
        video_id: cancelled,
        status: "failed",
        error: { code: "cancelled", message: expect.stringContaining("cancelled") },
      },
      { video_id: "not-an-id", status: "not_found", error: null },
    ]);
    clock.advance(9_000);
    expect(await statuses(app, `video_translation_ids=${slow}`)).toEqual([
      { video_id: slow, status: "completed", error: null },
    ]);
  });

  it("reads every id from the store at once", async () => {
    const store = new CountingStore();
    const { app } = setup({ ...options, store });
    const ids = [await createV3(app), await createV3(app), await createV3(app)];
    store.reads.get = 0;
    const response = await app.inject(`${V3}/statuses?video_translation_ids=${ids.join(",")}`);
    expect(response.json().data).toHaveLength(3);
    expect(store.reads).toEqual({ get: 0, getMany: 1 });
  });

  it("expands a batch into its items, and answers not_found for an unknown batch", async () => {
    const { app } = setup(options);
    const batchId = await createBatch(app, {
      video_translations: [{ video, output_languages: ["French", "German"] }],
    });
    const data = await statuses(app, `batch_ids=${batchId},batch_unknown`);
    expect(data).toEqual([
      {
        video_id: expect.stringMatching(/^job_/),
        status: "queued",
        error: null,
        batch_id: batchId,
        item_index: 0,
      },
      {
        video_id: expect.stringMatching(/^job_/),
        status: "queued",
        error: null,
        batch_id: batchId,
        item_index: 1,
      },
      {
        video_id: null,
        status: "not_found",
        error: null,
        batch_id: "batch_unknown",
        item_index: null,
      },
    ]);
  });

  it("sees only the caller's own translations", async () => {
    const { app } = setup({ ...options, apiKeys: ["sk_alpha_0123456789", "sk_beta_9876543210"] });
    const created = await app.inject({
      method: "POST",
      url: V3,
      headers: { "x-api-key": "sk_alpha_0123456789" },
      payload: { video, output_languages: ["French"] },
    });
    const id = created.json().data.video_translation_ids[0] as string;
    const asBeta = await app.inject({
      url: `${V3}/statuses?video_translation_ids=${id}`,
      headers: { "x-api-key": "sk_beta_9876543210" },
    });
    expect(asBeta.json().data).toEqual([{ video_id: id, status: "not_found", error: null }]);
  });

  it("refuses no ids, more than 100 translations, and unknown parameters with 400", async () => {
    const { app } = setup(options);
    expectHeygenError(await app.inject(`${V3}/statuses`), 400, "validation_error");
    const many = Array.from({ length: 101 }, (_, i) => `job_${i}`).join(",");
    const message = expectHeygenError(
      await app.inject(`${V3}/statuses?video_translation_ids=${many}`),
      400,
      "validation_error",
    );
    expect(message).toMatch(/101 .* at most 100/);
    const batchId = await createBatch(app, {
      video_translations: [
        { video, output_languages: Array.from({ length: 100 }, (_, i) => `L${i}`) },
      ],
    });
    expectHeygenError(
      await app.inject(`${V3}/statuses?batch_ids=${batchId}&video_translation_ids=job_1`),
      400,
      "validation_error",
    );
    expectHeygenError(await app.inject(`${V3}/statuses?ids=job_1`), 400, "validation_error");
  });
});

describe("GET /v3/video-translations", () => {
  it("pages through every translation, oldest first, with has_more and next_token", async () => {
    const { app } = setup(options);
    const ids = [await createV3(app, { title: "a" }), await createV3(app), await createV3(app)];
    const first = (await app.inject(`${V3}?limit=2`)).json();
    expect(first.data.map((item: { id: string }) => item.id)).toEqual(ids.slice(0, 2));
    expect(first.data[0]).toMatchObject({ id: ids[0], title: "a", status: "pending" });
    expect(first.has_more).toBe(true);
    const second = (await app.inject(`${V3}?limit=2&token=${first.next_token}`)).json();
    expect(second).toEqual({
      data: [expect.objectContaining({ id: ids[2] })],
      has_more: false,
      next_token: null,
    });
  });

  it("refuses a token it did not issue and a limit out of range with 400", async () => {
    const { app } = setup(options);
    await createV3(app);
    expect(
      expectHeygenError(await app.inject(`${V3}?token=bogus`), 400, "validation_error"),
    ).toContain("token");
    expectHeygenError(await app.inject(`${V3}?limit=0`), 400, "validation_error");
    expectHeygenError(await app.inject(`${V3}?limit=101`), 400, "validation_error");
    expectHeygenError(await app.inject(`${V3}?limit=ten`), 400, "validation_error");
  });
});

describe("PATCH and DELETE /v3/video-translations/{id}", () => {
  it("renames a translation and answers it as GET does", async () => {
    const { app } = setup(options);
    const id = await createV3(app, { title: "Old" });
    const patched = await app.inject({
      method: "PATCH",
      url: `${V3}/${id}`,
      payload: { title: "New" },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().data).toMatchObject({ id, title: "New", status: "pending" });
    expect((await app.inject(`${V3}/${id}`)).json().data.title).toBe("New");
  });

  it("refuses a rename without a title, with other fields, or of an unknown id", async () => {
    const { app } = setup(options);
    const id = await createV3(app);
    const patch = (url: string, payload: object) => app.inject({ method: "PATCH", url, payload });
    expectHeygenError(await patch(`${V3}/${id}`, {}), 400, "validation_error");
    expect(
      expectHeygenError(
        await patch(`${V3}/${id}`, { title: "x", mode: "speed" }),
        400,
        "validation_error",
      ),
    ).toContain('"mode"');
    expectHeygenError(await patch(`${V3}/job_unknown`, { title: "x" }), 404, "not_found");
  });

  it("cancels a pending translation, then no API finds it", async () => {
    const { app } = setup(options);
    const id = await createV3(app);
    const other = await createV3(app);
    const deleted = await app.inject({ method: "DELETE", url: `${V3}/${id}` });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ data: { id } });

    expectHeygenError(await app.inject(`${V3}/${id}`), 404, "not_found");
    expectError(await app.inject(`/jobs/${id}`), 404, "job_not_found");
    expect(await statuses(app, `video_translation_ids=${id}`)).toEqual([
      { video_id: id, status: "not_found", error: null },
    ]);
    const listed = (await app.inject(V3)).json().data.map((item: { id: string }) => item.id);
    expect(listed).toEqual([other]);
    expectHeygenError(await app.inject({ method: "DELETE", url: `${V3}/${id}` }), 404, "not_found");
  });

  it("deletes a finished translation too", async () => {
    const { app, clock } = setup(options);
    const id = await createV3(app);
    clock.advance(10_000);
    expect((await app.inject({ method: "DELETE", url: `${V3}/${id}` })).statusCode).toBe(200);
    expectError(await app.inject(`/jobs/${id}`), 404, "job_not_found");
  });
});

describe("GET /v3/video-translations/languages", () => {
  it("lists language names as output_languages takes them", async () => {
    const { app } = setup(options);
    const response = await app.inject(`${V3}/languages`);
    expect(response.statusCode).toBe(200);
    const { languages } = response.json().data as { languages: string[] };
    expect(languages).toContain("Spanish (Spain)");
    expect(new Set(languages).size).toBe(languages.length);
  });
});

describe("HeyGen v3 batches", () => {
  const body = {
    title: "Launch",
    video_translations: [
      { video, output_languages: ["French", "German"], title: "Talk" },
      { video: { type: "asset_id", asset_id: "asset_1" }, output_languages: ["Spanish"] },
    ],
  };

  it("makes one job per payload and language, in order, and reads them as a batch", async () => {
    const { app, clock } = setup(options);
    const batchId = await createBatch(app, body);
    const read = async (query = "") =>
      (await app.inject(`${V3}/batches/${batchId}${query}`)).json().data;
    const batch = await read();
    expect(batch).toEqual({
      batch_id: batchId,
      title: "Launch",
      status: "processing",
      total_items: 3,
      counts_by_status: { queued: 3, processing: 0, completed: 0, failed: 0 },
      created_at: Math.floor(clock.now() / 1_000),
      items: [0, 1, 2].map((index) => ({
        item_index: index,
        video_id: expect.stringMatching(/^job_/),
        status: "queued",
        error: null,
      })),
      has_more: false,
      next_token: null,
    });
    const languages = [];
    for (const item of batch.items as Array<{ video_id: string }>) {
      languages.push((await app.inject(`${V3}/${item.video_id}`)).json().data.output_language);
    }
    expect(languages).toEqual(["French", "German", "Spanish"]);

    clock.advance(10_000);
    expect(await read()).toMatchObject({
      status: "completed",
      counts_by_status: { queued: 0, processing: 0, completed: 3, failed: 0 },
    });
    const page = await read("?limit=2");
    expect(page.items.map((item: { item_index: number }) => item.item_index)).toEqual([0, 1]);
    expect(page.has_more).toBe(true);
    const rest = await read(`?limit=2&token=${page.next_token}`);
    expect(rest.items.map((item: { item_index: number }) => item.item_index)).toEqual([2]);
    expect(rest).toMatchObject({ has_more: false, next_token: null });
    expectHeygenError(
      await app.inject(`${V3}/batches/${batchId}?token=bogus`),
      400,
      "validation_error",
    );
  });

  it("is failed once every item failed", async () => {
    const { app, clock } = setup({ ...options, errorProbability: 1 });
    const batchId = await createBatch(app, body);
    clock.advance(10_000);
    const batch = (await app.inject(`${V3}/batches/${batchId}`)).json().data;
    expect(batch.status).toBe("failed");
    expect(batch.items[0].error).toEqual({ code: expect.any(String), message: expect.any(String) });
  });

  it("fails only the items past the concurrency limit", async () => {
    const { app, clock } = setup({ ...options, maxConcurrentJobs: 2 });
    const batchId = await createBatch(app, body);
    const batch = (await app.inject(`${V3}/batches/${batchId}`)).json().data;
    expect(batch.items[2]).toEqual({
      item_index: 2,
      video_id: null,
      status: "failed",
      error: { code: "rate_limit_exceeded", message: expect.any(String) },
    });
    clock.advance(10_000);
    expect((await app.inject(`${V3}/batches/${batchId}`)).json().data.status).toBe("completed");
  });

  it("answers a retry with the same Idempotency-Key with the same batch, making nothing", async () => {
    const { app } = setup(options);
    const headers = { "idempotency-key": "launch-1" };
    const first = await createBatch(app, body, headers);
    const again = await app.inject({
      method: "POST",
      url: `${V3}/batches`,
      payload: body,
      headers,
    });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ data: { batch_id: first } });
    // HeyGen sends no replay header; the simulator's extensions are off by default.
    expect(again.headers["idempotency-replayed"]).toBeUndefined();
    expect((await app.inject(V3)).json().data).toHaveLength(3);
    // The key is the batch endpoint's own: a single creation with it makes a new job.
    const single = await app.inject({
      method: "POST",
      url: V3,
      headers,
      payload: { video, output_languages: ["French"] },
    });
    expect(single.headers["idempotency-replayed"]).toBeUndefined();
  });

  it("replays the batch for another body with a warning, and takes HeyGen's keys only", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const { app } = setup({ ...options, logger: { level: "warn", stream } });
    const headers = { "idempotency-key": "launch:1" };
    const first = await createBatch(app, body, headers);
    expect(lines).toEqual([]);
    const other = { video_translations: [{ video, output_languages: ["Italian"] }] };
    expect(await createBatch(app, other, headers)).toBe(first);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, idempotencyKey: "launch:1" });
    expect((await app.inject(V3)).json().data).toHaveLength(3);
    for (const key of ["has space", "slash/key", "x".repeat(256)]) {
      const refused = await app.inject({
        method: "POST",
        url: `${V3}/batches`,
        payload: body,
        headers: { "idempotency-key": key },
      });
      expectHeygenError(refused, 400, "validation_error");
      expect(refused.json().error.param).toBe("Idempotency-Key");
    }
  });

  it("answers 409 request_in_progress while the batch's items are being made", async () => {
    const store = new GatedStore();
    const { app } = setup({ ...options, store });
    const headers = { "idempotency-key": "launch-2" };
    store.holdAfter(1);
    const first = createBatch(app, body, headers);
    await until(() => store.held);
    const retry = await app.inject({
      method: "POST",
      url: `${V3}/batches`,
      payload: body,
      headers,
    });
    expectHeygenError(retry, 409, "request_in_progress");
    expect(retry.headers["retry-after"]).toBe("1");
    store.open();
    const batchId = await first;
    expect(await createBatch(app, body, headers)).toBe(batchId);
    expect((await app.inject(V3)).json().data).toHaveLength(3);
  });

  it("sends no vendor hints by default, and HeyGen's hints with vendorHints", async () => {
    const hinted = ["poll-after-ms", "retry-after", "link", "idempotency-replayed"];
    const headers = { "idempotency-key": "launch-3" };
    const post = (app: FastifyInstance) =>
      app.inject({ method: "POST", url: `${V3}/batches`, payload: body, headers });
    const { app: plain } = setup(options);
    const created = await post(plain);
    const batchId = created.json().data.batch_id as string;
    const answers = [created, await post(plain), await plain.inject(`${V3}/batches/${batchId}`)];
    for (const answer of answers) {
      for (const header of hinted) expect(answer.headers[header]).toBeUndefined();
    }

    const { app, clock } = setup({ ...options, vendorHints: true });
    const first = await post(app);
    const [head] = (await app.inject(V3)).json().data as Array<{ id: string }>;
    expect(first.headers["poll-after-ms"]).toBe("10010");
    expect(first.headers.link).toBe(`<${V3}/${head!.id}>; rel="long-poll"; max-wait="60"`);
    expect((await post(app)).headers["idempotency-replayed"]).toBe("true");
    clock.advance(4_000);
    const read = await app.inject(`${V3}/batches/${first.json().data.batch_id}`);
    expect(Number(read.headers["poll-after-ms"])).toBeLessThan(10_010);
    expect(read.headers["retry-after"]).toBe(
      String(Math.ceil(Number(read.headers["poll-after-ms"]) / 1_000)),
    );
    clock.advance(10_000);
    const done = await app.inject(`${V3}/batches/${first.json().data.batch_id}`);
    expect(done.json().data.status).toBe("completed");
    expect(done.headers["poll-after-ms"]).toBeUndefined();
  });

  it("refuses more than 100 items, unknown fields and missing payloads with 400", async () => {
    const { app } = setup(options);
    const post = (payload: object) => app.inject({ method: "POST", url: `${V3}/batches`, payload });
    const languages = (n: number) => Array.from({ length: n }, (_, i) => `L${i}`);
    const tooMany = await post({
      video_translations: [
        { video, output_languages: languages(60) },
        { video, output_languages: languages(41) },
      ],
    });
    expect(expectHeygenError(tooMany, 400, "validation_error")).toMatch(/101 items.*at most 100/);
    const unknown = await post({
      video_translations: [{ video, output_languages: ["French"], x: 1 }],
    });
    expect(expectHeygenError(unknown, 400, "validation_error")).toContain('"x"');
    expectHeygenError(await post({ video_translations: [] }), 400, "validation_error");
    expectHeygenError(await post({}), 400, "validation_error");
    expect((await app.inject(V3)).json().data).toEqual([]);
  });

  it("answers 404 not_found for an unknown batch, or a job's id in a batch's clothes", async () => {
    const { app } = setup(options);
    const id = await createV3(app);
    expectHeygenError(await app.inject(`${V3}/batches/batch_unknown`), 404, "not_found");
    expectHeygenError(await app.inject(`${V3}/batches/nonsense`), 404, "not_found");
    expectHeygenError(
      await app.inject(`${V3}/batches/batch_${id.slice("job_".length)}`),
      404,
      "not_found",
    );
  });

  it("keeps the batch readable once its first translation is deleted", async () => {
    const { app } = setup(options);
    const batchId = await createBatch(app, body);
    const first = (await app.inject(`${V3}/batches/${batchId}`)).json().data.items[0].video_id;
    await app.inject({ method: "DELETE", url: `${V3}/${first}` });
    const batch = (await app.inject(`${V3}/batches/${batchId}`)).json().data;
    expect(batch.items[0]).toEqual({
      item_index: 0,
      video_id: first,
      status: "failed",
      error: { code: "not_found", message: expect.any(String) },
    });
    expect(batch.counts_by_status).toEqual({ queued: 2, processing: 0, completed: 0, failed: 1 });
  });
});

// The records the store holds carry the batch: the place of each job, the batch on the first.
it("keeps a batch on its jobs' records", async () => {
  const store = new MemoryJobStore();
  const { app } = setup({ ...options, store });
  const batchId = await createBatch(app, {
    video_translations: [{ video, output_languages: ["French", "German"] }],
  });
  const records = await store.list({ limit: 10 });
  const [head, second] = records as [JobRecord, JobRecord];
  expect(head.batch).toEqual({ id: batchId, index: 0 });
  expect(head.batchHead).toEqual({ total: 2, items: [{ jobId: head.id }, { jobId: second.id }] });
  expect(second.batch).toEqual({ id: batchId, index: 1 });
});

it("shows the items of a batch still being made as queued, with no video yet", () => {
  const head: JobRecord = {
    id: "job_head",
    createdAt: START,
    pendingDurationMs: 10_000,
    outcome: "completed",
    etaError: 0,
    etaBias: 0,
    metadata: {},
    batchHead: { total: 2 },
  };
  expect(batchItemViews(head, new Map([[head.id, head]]), START)).toEqual([
    { item_index: 0, video_id: "job_head", status: "queued", error: null },
    { item_index: 1, video_id: null, status: "queued", error: null },
  ]);
});
