import { describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import type { JobView } from "../src/index.js";
import { START, createJob, expectError, iso, setup } from "./helpers.js";

interface Page {
  data: JobView[];
  nextCursor: string | null;
}

async function page(app: FastifyInstance, query: string): Promise<Page> {
  const response = await app.inject({ url: `/jobs${query}` });
  expect(response.statusCode).toBe(200);
  return response.json<Page>();
}

/** Follows nextCursor to the end; returns the ids seen and the number of pages. */
async function walk(app: FastifyInstance, query: string) {
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const next: Page = await page(app, `${query}${cursor ? `&cursor=${cursor}` : ""}`);
    ids.push(...next.data.map((job) => job.id));
    cursor = next.nextCursor;
    pages++;
  } while (cursor !== null && pages < 100);
  return { ids, pages };
}

async function createMany(app: FastifyInstance, count: number, body: object = {}) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await createJob(app, body)).id);
  return ids;
}

describe("GET /jobs/:id", () => {
  it("shows the job as of now", async () => {
    // An exact estimate (etaError 0) keeps estimatedCompletionAt fixed; estimate.test.ts covers
    // the biased ones.
    const { app, clock } = setup({ pendingDurationMs: 4_000, errorProbability: 0, etaError: 0 });
    const job = await createJob(app);
    expect(job.estimatedCompletionAt).toBe(iso(START + 4_000));
    clock.advance(1_000);
    expect((await app.inject({ url: `/jobs/${job.id}` })).json()).toEqual({
      ...job,
      progress: 0.25,
    });
    clock.advance(3_000);
    expect((await app.inject({ url: `/jobs/${job.id}` })).json()).toEqual({
      ...job,
      status: "completed",
      result: "completed",
      progress: 1,
      updatedAt: iso(START + 4_000),
      completedAt: iso(START + 4_000),
    });
  });

  it("answers 404 job_not_found for unknown and malformed ids", async () => {
    const { app } = setup();
    for (const id of ["job_AAAAAAAAAAAAAAAAAAAA", "nope", "job_%20"]) {
      const message = expectError(await app.inject({ url: `/jobs/${id}` }), 404, "job_not_found");
      expect(message).toContain("No job with id");
    }
  });
});

describe("GET /jobs", () => {
  it("is an empty page when there are no jobs", async () => {
    const { app } = setup();
    expect(await page(app, "")).toEqual({ data: [], nextCursor: null });
  });

  it("walks every job exactly once, in creation order", async () => {
    const { app } = setup();
    const created = await createMany(app, 45);
    const { ids, pages } = await walk(app, "?limit=10");
    expect(ids).toEqual(created);
    expect(pages).toBe(5);
  });

  it("has no next page when the last page is exactly full", async () => {
    const { app } = setup();
    const created = await createMany(app, 20);
    const first = await page(app, "?limit=10");
    expect(first.nextCursor).not.toBeNull();
    const second = await page(app, `?limit=10&cursor=${first.nextCursor}`);
    expect(second.data.map((job) => job.id)).toEqual(created.slice(10));
    expect(second.nextCursor).toBeNull();
  });

  it("returns 20 by default and up to 100", async () => {
    const { app } = setup();
    await createMany(app, 101);
    expect((await page(app, "")).data).toHaveLength(20);
    const max = await page(app, "?limit=100");
    expect(max.data).toHaveLength(100);
    expect(max.nextCursor).not.toBeNull();
  });

  it.each(["0", "101", "-1", "1.5", "ten", ""])("rejects limit=%s", async (limit) => {
    const { app } = setup();
    const response = await app.inject({ url: `/jobs?limit=${limit}` });
    expect(expectError(response, 400, "invalid_request")).toContain("query.limit");
  });

  it("rejects cursors it did not issue", async () => {
    const { app } = setup();
    await createJob(app);
    const unknownId = Buffer.from("job_AAAAAAAAAAAAAAAAAAAA").toString("base64url");
    const notAnId = Buffer.from("hello").toString("base64url");
    for (const cursor of ["!!!", notAnId, unknownId, `${unknownId}$`]) {
      const response = await app.inject({ url: `/jobs?cursor=${encodeURIComponent(cursor)}` });
      expect(expectError(response, 400, "invalid_request")).toContain("cursor");
    }
  });

  it("filters on the status at the time of the request, across pages", async () => {
    const { app, clock } = setup({ pendingDurationMs: 1_000 });
    const completed = await createMany(app, 7, { errorProbability: 0 });
    const failed = await createMany(app, 5, { errorProbability: 1 });
    const slow = await createMany(app, 6, { pendingDurationMs: 60_000 });
    const cancelled = slow.slice(0, 2);
    for (const id of cancelled) await app.inject({ method: "DELETE", url: `/jobs/${id}` });
    clock.advance(1_000);

    expect((await walk(app, "?limit=3&status=completed")).ids).toEqual(completed);
    expect((await walk(app, "?limit=2&status=error")).ids).toEqual(failed);
    expect((await walk(app, "?limit=3&status=pending")).ids).toEqual(slow.slice(2));
    expect((await walk(app, "?status=cancelled")).ids).toEqual(cancelled);
    const errors = (await page(app, "?status=error")).data;
    expect(errors.every((job) => job.status === "error" && job.error !== undefined)).toBe(true);
  });

  it("rejects an unknown status and unknown parameters", async () => {
    const { app } = setup();
    expect(
      expectError(await app.inject({ url: "/jobs?status=done" }), 400, "invalid_request"),
    ).toContain("query.status");
    expect(
      expectError(await app.inject({ url: "/jobs?limt=5" }), 400, "invalid_request"),
    ).toContain('"limt"');
  });
});
