import { BudgetDeadlineError } from "../budget.js";
import type { Clock } from "../types.js";

/** Marks the abort of a stream at the wait's deadline, as opposed to the caller's abort. */
const DEADLINE = Symbol("deadline");

/** How one stream connection ended: closed by either side, cut at the deadline, or failed. */
export type StreamEnd =
  { kind: "closed" } | { kind: "deadline" } | { kind: "failed"; error: unknown };

/**
 * Runs one stream connection under a signal that aborts at `deadline`, or when what `link`
 * ties it to aborts (the caller's signal); leaves no timer or listener behind. A failure is
 * returned, for the caller to tell its own abort from the stream's failure.
 */
export async function streamSession(
  clock: Clock,
  deadline: number,
  link: (controller: AbortController) => () => void,
  run: (signal: AbortSignal) => Promise<unknown>,
): Promise<StreamEnd> {
  const controller = new AbortController();
  const unlink = link(controller);
  const timer = new AbortController();
  clock.sleep(Math.max(0, deadline - clock.now()), timer.signal).then(
    () => controller.abort(DEADLINE),
    () => {},
  );
  try {
    await run(controller.signal);
    return { kind: "closed" };
  } catch (cause) {
    // The client's own request budget has no room before the deadline: that is the deadline too.
    const cut = controller.signal.aborted && controller.signal.reason === DEADLINE;
    if (cut || cause instanceof BudgetDeadlineError) return { kind: "deadline" };
    return { kind: "failed", error: cause };
  } finally {
    timer.abort();
    unlink();
  }
}
