import type { FaultOverrides } from "../faults/decide.js";
import type { FaultKind } from "../faults/kinds.js";
import { toLatencyRange } from "../faults/latency.js";
import type { AddressPolicy } from "../webhooks/address-policy.js";
import { webhookUrlProblem } from "../webhooks/url.js";
import { InvalidInputError } from "./errors.js";
import { metadataProblem } from "./metadata.js";
import type { BatchHead, BatchPlace, TranslationFields } from "./record.js";

/** What a request asks of one new job; the service's options fill what it leaves out. */
export interface CreateJobInput extends TranslationFields {
  pendingDurationMs?: number;
  errorProbability?: number;
  etaError?: number;
  metadata?: Record<string, unknown>;
  /** Fault settings for the requests about this job (read, events, cancel). */
  faultRate?: number;
  faultKinds?: FaultKind[];
  /** Whole ms, or `[min, max]`. */
  latencyMs?: number | number[];
  /** Where a signed webhook goes when the job ends: an http(s) URL. */
  callbackUrl?: string;
  batch?: BatchPlace;
  batchHead?: BatchHead;
}

/** An input checked and ready to insert. */
export interface PreparedInput {
  input: CreateJobInput;
  metadata: Record<string, unknown>;
  faults: FaultOverrides | undefined;
}

/**
 * Checks what a store would refuse before anything is drawn or stored: InvalidInputError names
 * the field. `webhookPolicy` says which address literals a `callbackUrl` may name.
 */
export function prepareInput(
  input: CreateJobInput,
  webhookPolicy: AddressPolicy | undefined,
): PreparedInput {
  const metadata = input.metadata ?? {};
  const problem = metadataProblem(metadata);
  if (problem !== undefined) throw new InvalidInputError("metadata", problem);
  if (input.callbackUrl !== undefined) {
    const urlProblem = webhookUrlProblem(input.callbackUrl, webhookPolicy);
    if (urlProblem !== undefined) throw new InvalidInputError("callbackUrl", urlProblem);
  }
  return { input, metadata, faults: faultOverrides(input) };
}

/** The body's fault fields as overrides, or undefined when it sets none. */
function faultOverrides(input: CreateJobInput): FaultOverrides | undefined {
  const { faultRate, faultKinds, latencyMs } = input;
  if (faultRate === undefined && faultKinds === undefined && latencyMs === undefined) {
    return undefined;
  }
  const latency = latencyMs === undefined ? undefined : toLatencyRange(latencyMs);
  if (latencyMs !== undefined && latency === undefined) {
    throw new InvalidInputError("latencyMs", "must be [min, max] with min <= max");
  }
  return {
    ...(faultRate !== undefined && { rate: faultRate }),
    ...(faultKinds !== undefined && { kinds: [...new Set(faultKinds)] }),
    ...(latency !== undefined && { latency }),
  };
}
