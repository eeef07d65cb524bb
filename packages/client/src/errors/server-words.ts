/** What an error body said, in the server's words. */
export interface ServerWords {
  code: string | undefined;
  message: string | undefined;
}

/**
 * The code and message of an error body in the shapes APIs use: ours and HeyGen's
 * `{ "error": { "code", "message" } }` (or `"error": "text"`), a flat `{ "code", "message" }`,
 * and ElevenLabs' (FastAPI's) `{ "detail": { "status", "message" } }` or `{ "detail": "text" }`.
 */
export function serverWords(body: unknown): ServerWords {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return NONE;
  const record = body as Record<string, unknown>;
  for (const key of ["error", "detail"]) {
    const inner = record[key];
    if (typeof inner === "string" && inner.length > 0) return { code: undefined, message: inner };
    if (typeof inner === "object" && inner !== null && !Array.isArray(inner)) {
      const words = wordsOf(inner as Record<string, unknown>);
      if (words.code !== undefined || words.message !== undefined) return words;
    }
    // FastAPI's validation errors: `detail: [{ "msg": ... }]`.
    if (Array.isArray(inner) && inner.length > 0) {
      const messages = inner
        .map((item) => (item as { msg?: unknown } | null)?.msg)
        .filter((msg): msg is string => typeof msg === "string");
      if (messages.length > 0) return { code: undefined, message: messages.join("; ") };
    }
  }
  return wordsOf(record);
}

const NONE: ServerWords = { code: undefined, message: undefined };

function wordsOf(record: Record<string, unknown>): ServerWords {
  const code = [record.code, record.status, record.type].find(
    (value): value is string => typeof value === "string" && value.length > 0,
  );
  const message = [record.message, record.msg].find(
    (value): value is string => typeof value === "string" && value.length > 0,
  );
  return { code, message };
}
