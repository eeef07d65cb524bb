/** What an endpoint that takes `Idempotency-Key` remembers about one. */
export interface IdempotencyRecord {
  /** Whose key it is: the API key's owner id, or "" with auth off; then the endpoint, if not `POST /jobs`. */
  scope: string;
  key: string;
  /** SHA-256 of the request body in canonical form: the same key with another body is refused. */
  fingerprint: string;
  /** The job the key made; empty in a claim, while the request that holds it is under way. */
  jobId: string;
  /** Every job the key made, in order, when one request made several; `jobId` is the first. */
  jobIds?: string[];
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
  /**
   * For a store several servers share: in one atomic step, records `claim` (a record whose
   * `jobId` is empty) unless the key is already held, so that of two servers handling retries
   * of one request at the same instant only one creates the job. Resolves undefined when the
   * claim is now this caller's, else the record that holds the key. The claim lapses after
   * `holdMs` unless `put` replaces it, so a server that dies mid-request does not lock the key.
   */
  claim?(claim: IdempotencyRecord, holdMs: number): Promise<IdempotencyRecord | undefined>;
  /** Drops a claim whose request failed, so a retry may try again. */
  release?(scope: string, key: string): Promise<void>;
  /** Forgets the records created before `before` (ms since the epoch). */
  expire?(before: number): Promise<void>;
}
