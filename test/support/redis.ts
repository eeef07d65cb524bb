import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { onTestFinished } from "vitest";

/** A Redis to test against (`.ci/run` starts one); the tests that need it skip without it. */
export const REDIS_URL = process.env.TEST_REDIS_URL;

/**
 * `STORE` for an empty area of the test Redis of this test's own (a fresh key prefix), its keys
 * deleted when the test ends.
 */
export function redisStorage(): string {
  const prefix = `test-${randomUUID().slice(0, 8)}:`;
  onTestFinished(async () => {
    const redis = new Redis(REDIS_URL!);
    try {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
  });
  return `${REDIS_URL}?prefix=${prefix}`;
}
