/** A source of numbers in [0, 1), like `Math.random`. */
export type Random = () => number;

/** mulberry32 (Tommy Ettinger): a tiny, fast 32-bit PRNG; plenty for drawing simulated outcomes. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A 32-bit seed from a user's seed: integers (and strings holding one, so `SEED=42` and `seed: 42`
 * agree) are taken modulo 2^32; other strings are hashed with FNV-1a over their UTF-8 bytes.
 */
export function toSeed(seed: number | string): number {
  if (typeof seed === "number") return seed >>> 0;
  if (/^-?\d+$/.test(seed) && Number.isSafeInteger(Number(seed))) return Number(seed) >>> 0;
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(seed)) {
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  return hash >>> 0;
}

/** Seeded when a seed is given, so a run can be replayed; `Math.random` otherwise. */
export function createRandom(seed?: number | string): Random {
  // Math.random is looked up per call, so a test can stub it after the app is built.
  return seed === undefined ? () => Math.random() : mulberry32(toSeed(seed));
}
