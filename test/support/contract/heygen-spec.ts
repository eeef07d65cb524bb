import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { bodyProblem, matching, pathMatcher } from "./match.js";
import type { RecordedResponse } from "./recorder.js";

/**
 * HeyGen's own description of its v3 endpoints, copied from the command specs of its official
 * CLI (generated from HeyGen's OpenAPI document): methods, paths and JSON schemas, as data.
 */
interface HeygenSpec {
  endpoints: Array<{ method: string; path: string; responseSchema?: Schema }>;
}

type Schema = { [keyword: string]: unknown };

/** An answer to check: `body` as sent, `path` without the query string. */
export type HeygenAnswer = Pick<RecordedResponse, "method" | "path" | "status" | "body">;

/**
 * The spec publishes no error schema: errors are checked against the envelope HeyGen documents
 * and the simulator sends, `{ "error": { "code", "message" } }`.
 */
const ERROR_SCHEMA: Schema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" } },
    },
  },
};

const spec = JSON.parse(
  readFileSync(new URL("./heygen-api-spec.json", import.meta.url), "utf8"),
) as HeygenSpec;

/**
 * OpenAPI 3.0 marks a schema that also takes `null` with `nullable: true`, a keyword JSON Schema
 * (and Ajv) does not know: it becomes `type: [t, "null"]` (and `null` joins an `enum`), or an
 * `anyOf` with `{ type: "null" }` for a schema without a type. `discriminator` is dropped: the
 * `oneOf` it annotates says the same. Recurses through the subschema keywords only, so a
 * property named `nullable` or `type` is left alone.
 */
export function toJsonSchema(schema: Schema): Schema {
  const { nullable, discriminator: _discriminator, ...rest } = schema;
  const out: Schema = { ...rest };
  if (isSchemaMap(rest.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(rest.properties).map(([name, sub]) => [name, toJsonSchema(sub)]),
    );
  }
  if (isSchema(rest.items)) out.items = toJsonSchema(rest.items);
  if (isSchema(rest.additionalProperties)) {
    out.additionalProperties = toJsonSchema(rest.additionalProperties);
  }
  for (const keyword of ["oneOf", "anyOf", "allOf"] as const) {
    const list = rest[keyword];
    if (Array.isArray(list)) out[keyword] = list.map((sub) => toJsonSchema(sub as Schema));
  }
  if (nullable !== true) return out;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSchemaMap(value: unknown): value is Record<string, Schema> {
  return isSchema(value) && Object.values(value).every(isSchema);
}

const ajv = new Ajv({ strict: false, allErrors: true });
const validators = new Map<Schema, ValidateFunction>();
const routes = spec.endpoints.map((endpoint) => ({ ...endpoint, ...pathMatcher(endpoint.path) }));

function validatorFor(schema: Schema): ValidateFunction {
  let validate = validators.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(toJsonSchema(schema));
    validators.set(schema, validate);
  }
  return validate;
}

/**
 * What is wrong with each answer on one of HeyGen's paths, measured against HeyGen's spec: a
 * success body its response schema refuses, or an error body not in the error envelope. Each
 * problem names the request, the status and Ajv's error. Answers on paths the spec does not
 * describe (v2, our own API, an unknown route) pass, as do successes the spec gives no schema
 * (batch creation).
 */
export function heygenSpecProblems(answers: readonly HeygenAnswer[]): string[] {
  const problems: string[] = [];
  for (const answer of answers) {
    const route = matching(routes, answer.path).find(({ method }) => method === answer.method);
    if (route === undefined) continue;
    const schema = answer.status >= 400 ? ERROR_SCHEMA : route.responseSchema;
    if (schema === undefined) continue;
    const where = `${answer.method} ${answer.path} → ${answer.status} (HeyGen spec, ${route.method} ${route.path})`;
    const problem = bodyProblem(where, answer.body, validatorFor(schema), ajv);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}
