/** The last day formatted, as `YYYY-MM-DDT`: the times of one day's answers share it. */
let cachedDay = Number.NaN;
let cachedPrefix = "";

const DAY_MS = 86_400_000;
/** Latest moment whose ISO string has a four-digit year: 9999-12-31T23:59:59.999Z. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;

/** "00" to "59". */
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));
/** ".000Z" to ".999Z". */
const MILLIS = Array.from({ length: 1_000 }, (_, n) => `.${String(n).padStart(3, "0")}Z`);

/**
 * `new Date(ms).toISOString()`, about ten times faster for the whole milliseconds of this era:
 * the date is formatted once a day, the time of day by hand. Every job answer carries one or two
 * such times (a batch, a hundred or two). Measured against `toISOString` (compare-builds
 * --in-process, 30 alternating rounds): the batch read of 100 ids takes 0.88× the CPU per
 * request (`toISOString`: 1.13×; 1.15× in an earlier run); a single read, no difference (1.01×).
 * Other values (fractions, before 1970, after year 9999, not finite) take `Date`'s own path,
 * which also throws the same `RangeError` for invalid ones.
 *
 * @example
 * isoTime(0); // "1970-01-01T00:00:00.000Z"
 */
export function isoTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > LAST_FOUR_DIGIT_YEAR_MS) {
    return new Date(ms).toISOString();
  }
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    // "YYYY-MM-DDT" is the first 11 characters.
    cachedPrefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1_000);
  const millis = rest - seconds * 1_000;
  return `${cachedPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}${MILLIS[millis]}`;
}
