import type { FaultOverrides } from "../faults/decide.js";
import type { CreateJobInput } from "./create-input.js";
import { drawEtaBias } from "./estimate.js";
import { pickFailure } from "./failures.js";
import type { Random } from "./random.js";
import type { JobRecord, TranslationFields } from "./record.js";

/** The clock, the seeded streams and the defaults every new record is drawn from. */
export interface RecordDraws {
  now: () => number;
  /** Draws outcomes and failure reasons. */
  random: Random;
  /** Draws estimate biases: a stream of its own, so adding it left the outcomes unchanged. */
  etaRandom: Random;
  /** How long a job stays pending when its input does not say, in ms. */
  pendingDurationMs: number;
  /** How likely a job is to fail when its input does not say, in [0, 1]. */
  errorProbability: number;
  /** The bound on the relative error of estimates when the input does not say, in [0, 1). */
  etaError: number;
}

/** A checked input, with who owns the job and the fault overrides it carries. */
export type NewRecordInput = CreateJobInput & {
  metadata: Record<string, unknown>;
  owner?: string;
  faults?: FaultOverrides;
};

/**
 * A new job's record, created now. Every record takes exactly two draws from `random`, outcome
 * then failure, and one from `etaRandom`, so the n-th job's fate and bias depend only on the seed
 * and n, never on earlier outcomes or per-job overrides. The bias has a stream of its own: a
 * third draw from `random` would have shifted every later job's outcome for a given seed.
 */
export function drawRecord(id: string, input: NewRecordInput, draws: RecordDraws): JobRecord {
  const { random, etaRandom, now } = draws;
  const errorProbability = input.errorProbability ?? draws.errorProbability;
  const failed = random() < errorProbability;
  const failure = pickFailure(random());
  return {
    id,
    createdAt: now(),
    pendingDurationMs: input.pendingDurationMs ?? draws.pendingDurationMs,
    outcome: failed ? "error" : "completed",
    ...(failed && { failure }),
    etaError: input.etaError ?? draws.etaError,
    etaBias: drawEtaBias(etaRandom()),
    metadata: input.metadata,
    ...translationFields(input),
    ...(input.owner !== undefined && { owner: input.owner }),
    ...(input.faults !== undefined && { faults: input.faults }),
    ...(input.callbackUrl !== undefined && { callbackUrl: input.callbackUrl }),
    ...(input.batch !== undefined && { batch: input.batch }),
    ...(input.batchHead !== undefined && { batchHead: input.batchHead }),
  };
}

const TRANSLATION_FIELDS = [
  "api",
  "title",
  "videoUrl",
  "outputLanguage",
  "callbackId",
  "callbackUrl",
  "videoSeconds",
] as const satisfies readonly (keyof TranslationFields)[];

/** The translation fields the input sets, and no others (no `undefined` keys in a record). */
function translationFields(input: TranslationFields): TranslationFields {
  const fields: TranslationFields = {};
  for (const name of TRANSLATION_FIELDS) {
    const value = input[name];
    if (value !== undefined) Object.assign(fields, { [name]: value });
  }
  return fields;
}
