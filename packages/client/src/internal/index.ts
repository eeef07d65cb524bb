/**
 * The client's internals that the bench and the client's own tests drive directly: the learned
 * model and schedule, the optimal checking plans, the computed backoff and the request budget.
 * Not part of the package's exports: what users need comes from `src/index.ts`.
 */
export { backoffDelay, nominalInterval } from "../schedule.js";
export { DurationModel, type DurationModelOptions } from "../learned.js";
export {
  learnedDelay,
  learnedTarget,
  type LearnedJob,
  type LearnedTarget,
} from "../learned-schedule.js";
export {
  checksAtDelay,
  gridFromCdf,
  optimalFrontier,
  optimalPlan,
  planForDelay,
  type CheckingPlan,
  type FrontierPoint,
  type LengthGrid,
} from "../optimal-checking.js";
export { RequestBudget } from "../budget.js";
