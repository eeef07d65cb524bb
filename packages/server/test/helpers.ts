import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect, onTestFinished } from "vitest";
import { buildApp, type AppOptions, type ErrorBody, type JobView } from "../src/index.js";

/** 2025-01-01T00:00:00.000Z: a round start makes expected timestamps easy to read. */
export const START = Date.UTC(2025, 0, 1);

export const iso = (ms: number) => new Date(ms).toISOString();

export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

export function fakeClock(start = START): FakeClock {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

/** An app on a fake clock starting at START, closed after the test. */
export function setup(options: AppOptions = {}): { app: FastifyInstance; clock: FakeClock } {
  const clock = fakeClock();
  const app = buildApp({ now: clock.now, ...options });
  onTestFinished(() => app.close());
  return { app, clock };
}

export async function createJob(app: FastifyInstance, body: object = {}): Promise<JobView> {
  const response = await app.inject({ method: "POST", url: "/jobs", payload: body });
  expect(response.statusCode).toBe(201);
  return response.json<JobView>();
}

/** Asserts the status and the exact `{ error: { code, message } }` shape; returns the message. */
export function expectError(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  const body = response.json<ErrorBody>();
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toEqual(expect.any(String));
  expect(body.error.message).not.toBe("");
  return body.error.message;
}
