/** Per-call options of the single-request methods. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** @default the client's `requestTimeoutMs` */
  requestTimeoutMs?: number;
}

/**
 * What only the simulator does with a new job of the jobs API: faults, latency and inaccurate
 * estimates injected on purpose, to test an integration against them. `createJob` takes these
 * beside the {@link CreateJobOptions}; another server would refuse or ignore them.
 */
export interface SimulatorCreateJobOptions {
  /** Simulator: error bound of this job's estimates, 0..0.99. */
  etaError?: number;
  /** Simulator: share of the requests about this job answered with an injected fault. */
  faultRate?: number;
  /** Simulator: the faults to inject (`500`, `502`, `503`, `429`, `reset`, `hang`, ...). */
  faultKinds?: string[];
  /** Simulator: latency added to the requests about this job, fixed or a `[min, max]` range. */
  latencyMs?: number | [number, number];
}

/**
 * What a new job of the jobs API takes, whatever the server: how long it stays pending, its
 * chance of failing, free metadata, and the key that makes retrying its creation safe. The
 * simulator takes {@link SimulatorCreateJobOptions} besides.
 */
export interface CreateJobOptions extends RequestOptions {
  /** How long the job stays pending. @default the server's configured duration */
  pendingDurationMs?: number;
  /** Chance that the job ends in `error`. @default the server's configured probability */
  errorProbability?: number;
  /** Free JSON stored with the job and returned with it. */
  metadata?: Record<string, unknown>;
  /**
   * Sent as `Idempotency-Key`, so a retried creation returns the first job instead of making a
   * second one. Pass your own (and store it) to stay safe across process restarts too.
   * @default a random UUID, the same for every retry of this call
   */
  idempotencyKey?: string;
}
