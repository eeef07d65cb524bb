/** What `POST /jobs` remembers about an `Idempotency-Key`. */
export interface IdempotencyRecord {
  /** Whose key it is: the API key's owner id, or "" with auth off. */
  scope: string;
  key: string;
  /** SHA-256 of the request body in canonical form: the same key with another body is refused. */
  fingerprint: string;
  jobId: string;
  /** Milliseconds since the epoch; the job service lets a record expire after its TTL. */
  createdAt: number;
}

/**
 * Where idempotency records live. Like `JobStore`, it holds records only and never reads the
 * clock; it may forget records (it must, to stay bounded), which only means a retry creates a
 * new job.
 */
export interface IdempotencyStore {
  get(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Adds the record, replacing any with the same scope and key. */
  put(record: IdempotencyRecord): Promise<void>;
}
