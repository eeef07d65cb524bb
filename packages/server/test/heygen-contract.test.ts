import { describe, expect, it } from "vitest";
import { heygenSpecProblems, toJsonSchema } from "../../../test/support/contract/heygen-spec.js";

const answer = (path: string, status: number, body: unknown, method = "GET") => ({
  method,
  path,
  status,
  body: JSON.stringify(body),
});

describe("OpenAPI 3.0 schemas as JSON Schema", () => {
  it("turns nullable into a type that takes null", () => {
    expect(toJsonSchema({ type: "string", nullable: true })).toEqual({ type: ["string", "null"] });
    expect(toJsonSchema({ type: "string", enum: ["a"], nullable: true })).toEqual({
      type: ["string", "null"],
      enum: ["a", null],
    });
    expect(
      toJsonSchema({ oneOf: [{ type: "string" }], nullable: true, discriminator: {} }),
    ).toEqual({ anyOf: [{ oneOf: [{ type: "string" }] }, { type: "null" }] });
  });

  it("recurses through subschemas, but not into property names", () => {
    const schema = {
      type: "object",
      properties: {
        nullable: { type: "integer", nullable: true },
        list: { type: "array", items: { type: "number", nullable: true } },
      },
    };
    expect(toJsonSchema(schema)).toEqual({
      type: "object",
      properties: {
        nullable: { type: ["integer", "null"] },
        list: { type: "array", items: { type: ["number", "null"] } },
      },
    });
  });
});

describe("answers checked against HeyGen's spec", () => {
  const translation = { id: "job_1", status: "running", video_url: null, duration: null };

  it("passes answers the spec's schema takes", () => {
    expect(
      heygenSpecProblems([
        answer("/v3/video-translations/job_1", 200, { data: translation }),
        answer("/v3/video-translations", 200, { data: [translation], has_more: false }),
        answer("/v3/video-translations/job_1", 404, { error: { code: "not_found", message: "x" } }),
      ]),
    ).toEqual([]);
  });

  it("fails a body the spec refuses, naming the request and the schema error", () => {
    const [problem, ...rest] = heygenSpecProblems([
      answer("/v3/video-translations/job_1", 200, { data: { ...translation, status: "done" } }),
    ]);
    expect(rest).toEqual([]);
    expect(problem).toContain("GET /v3/video-translations/job_1 → 200");
    expect(problem).toContain("/v3/video-translations/{video_translation_id}");
    expect(problem).toContain("data/status must be equal to one of the allowed values");
  });

  it("fails an error answer outside the error envelope", () => {
    const problems = heygenSpecProblems([
      answer("/v3/video-translations/job_1", 404, { error: "not_found" }),
      answer("/v3/video-translations/job_1", 500, "Internal"),
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("data/error must be object");
  });

  it("matches a static segment before an id", () => {
    const problems = heygenSpecProblems([
      answer("/v3/video-translations/statuses", 200, { data: [{ video_id: "job_1" }] }),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(
        /\(HeyGen spec, GET \/v3\/video-translations\/statuses\).*must have required property 'status'/,
      ),
    ]);
  });

  it("leaves alone the paths and statuses the spec does not describe", () => {
    expect(
      heygenSpecProblems([
        answer("/v2/video_translate/job_1", 200, { nothing: true }),
        answer("/jobs/job_1", 200, { nothing: true }),
        answer("/v3/video-translations/batches", 202, { anything: 1 }, "POST"),
      ]),
    ).toEqual([]);
  });
});
