/**
 * Freezes `value` and every object and array inside it, and returns it: a record frozen this way
 * can be handed to any number of readers without a copy, since none of them can change it (an
 * assignment throws in strict mode).
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
