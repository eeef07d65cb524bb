import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { buildApp } from "@translation-status/server";
import { bodyProblem, matching, pathMatcher } from "./match.js";
import type { RecordedResponse } from "./recorder.js";

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

interface OpenApiOperation {
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}

let documentPromise: Promise<OpenApiDocument> | undefined;

/** The simulator's OpenAPI document, as `GET /openapi.json` serves it. */
export function openApiDocument(): Promise<OpenApiDocument> {
  documentPromise ??= (async () => {
    const app = buildApp({ logger: false });
    try {
      const response = await app.inject({ method: "GET", url: "/openapi.json" });
      return response.json<OpenApiDocument>();
    } finally {
      await app.close();
    }
  })();
  return documentPromise;
}

/**
 * What is wrong with each recorded answer, measured against the document: an undocumented
 * status, or a body its schema refuses. Answers on paths the document does not have (404s of
 * unknown routes) are not the document's to describe and pass.
 */
export async function contractProblems(
  records: readonly RecordedResponse[],
  document?: OpenApiDocument,
): Promise<string[]> {
  const doc = document ?? (await openApiDocument());
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const routes = Object.keys(doc.paths).map((template) => ({
    template,
    ...pathMatcher(template),
  }));
  const compiled = new Map<string, ValidateFunction>();
  const problems: string[] = [];
  for (const record of records) {
    const method = record.method.toLowerCase();
    const found = matching(routes, record.path);
    const route = found.find(({ template }) => doc.paths[template]![method]) ?? found[0];
    if (route === undefined) continue;
    const operation = doc.paths[route.template]![method];
    const where = `${record.method} ${record.path} → ${record.status}`;
    if (operation === undefined) {
      problems.push(`${where}: the document has no ${record.method} for ${route.template}`);
      continue;
    }
    const schema =
      operation.responses?.[String(record.status)]?.content?.["application/json"]?.schema;
    if (schema === undefined) {
      problems.push(`${where}: status not documented for ${record.method} ${route.template}`);
      continue;
    }
    const key = `${record.method} ${route.template} ${record.status}`;
    let validate = compiled.get(key);
    if (validate === undefined) {
      validate = ajv.compile(schema);
      compiled.set(key, validate);
    }
    const problem = bodyProblem(where, record.body, validate, ajv);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}
