import { FAULT_KINDS, type FaultKind } from "./kinds.js";

/** How many faults were injected, by kind; in memory, for tests now and metrics later. */
export class FaultCounter {
  readonly #counts = new Map<FaultKind, number>(FAULT_KINDS.map((kind) => [kind, 0]));

  record(kind: FaultKind): void {
    this.#counts.set(kind, this.get(kind) + 1);
  }

  get(kind: FaultKind): number {
    return this.#counts.get(kind) ?? 0;
  }

  get total(): number {
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }

  /** `{ "500": 3, "502": 0, ... }` */
  toJSON(): Record<FaultKind, number> {
    return Object.fromEntries(this.#counts) as Record<FaultKind, number>;
  }
}
