import { expect } from "vitest";

/** An answer as light-my-request gives it (`app.inject`). */
interface InjectedAnswer {
  statusCode: number;
  headers: Record<string, unknown>;
  json: () => unknown;
}

/** An answer already read over HTTP: its status and parsed body. */
interface ReadAnswer {
  status: number;
  body: unknown;
}

/**
 * Asserts the status and HeyGen v3's error envelope: exactly `code`, a non-empty `message`, the
 * code's `doc_url` and, for validation errors only, maybe the field at fault as `param`.
 * Returns the message, for tests that check what it says.
 */
export function expectHeygenError(
  answer: InjectedAnswer | ReadAnswer,
  status: number,
  code: string,
): string {
  const injected = "statusCode" in answer;
  if (injected) expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  expect(injected ? answer.statusCode : answer.status).toBe(status);
  const body = (injected ? answer.json() : answer.body) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(["error"]);
  const { error } = body;
  expect(error).toMatchObject({
    code,
    message: expect.stringMatching(/./),
    doc_url: `https://developers.heygen.com/docs/error-codes#${code.replaceAll("_", "-")}`,
  });
  const allowed = code === "validation_error" ? ["param"] : [];
  const extra = Object.keys(error).filter((key) => !["code", "doc_url", "message"].includes(key));
  expect(extra.filter((key) => !allowed.includes(key))).toEqual([]);
  if ("param" in error) expect(error.param).toEqual(expect.any(String));
  return error.message as string;
}
