/** How long an ended job, and what hangs on it, is kept by default: a day, as idempotency keys. */
export const RETENTION_MS = 86_400_000;
