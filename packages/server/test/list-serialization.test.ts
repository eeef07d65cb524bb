import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { jobBatchSchema, jobPageSchema } from "../src/routes/schemas.js";
import { createJob, setup } from "./helpers.js";

const options = { pendingDurationMs: 10_000, errorProbability: 0.5, etaError: 0.2, seed: 7 };

/** What Fastify sends for `body` under the route's own schema, "a page or a batch". */
async function viaAnyOf(body: unknown): Promise<{ contentType: unknown; body: string }> {
  const reference = Fastify();
  reference.get(
    "/",
    { schema: { response: { 200: { anyOf: [jobPageSchema, jobBatchSchema] } } } },
    async () => body,
  );
  const response = await reference.inject({ url: "/" });
  await reference.close();
  return { contentType: response.headers["content-type"], body: response.body };
}

describe("GET /jobs serialization", () => {
  it("writes batches and pages byte for byte as the page-or-batch schema would", async () => {
    const { app, clock } = setup(options);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await createJob(app, { pendingDurationMs: 1_000 * i, metadata: { i } })).id);
    }
    await app.inject({ method: "DELETE", url: `/jobs/${ids[5]}` });
    clock.advance(2_500);
    for (const url of [`/jobs?ids=${ids.join(",")},job_unknown`, "/jobs?limit=4", "/jobs"]) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      const expected = await viaAnyOf(response.json());
      expect(response.body, url).toBe(expected.body);
      expect(response.headers["content-type"], url).toBe(expected.contentType);
    }
  });

  it("keeps content-type where Fastify puts it: after the route's headers", async () => {
    const { app } = setup(options);
    const job = await createJob(app, { pendingDurationMs: 5_000 });
    const response = await app.inject({ url: `/jobs?ids=${job.id}` });
    const names = Object.keys(response.headers);
    expect(names.indexOf("content-type")).toBe(names.indexOf("link") + 1);
    expect(names.indexOf("content-length")).toBe(names.indexOf("content-type") + 1);
  });
});
