/** The last minute formatted, as `YYYY-MM-DDTHH:MM:`: reads of one job share it. */
let cachedMinute = Number.NaN;
let cachedPrefix = "";

/** Latest moment whose ISO string has a four-digit year: 9999-12-31T23:59:59.999Z. */
const LAST_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;

/**
 * `new Date(ms).toISOString()`, about ten times faster for the whole milliseconds of this
 * era: the date, hour and minute are formatted once a minute, the seconds and milliseconds by
 * hand. Every job answer carries one or two such times, so this is on the hot path of reads.
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
  const minute = Math.floor(ms / 60_000);
  if (minute !== cachedMinute) {
    // "YYYY-MM-DDTHH:MM:" is the first 17 characters.
    cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17);
    cachedMinute = minute;
  }
  const withinMinute = ms - minute * 60_000;
  const seconds = Math.floor(withinMinute / 1_000);
  const millis = withinMinute - seconds * 1_000;
  return (
    cachedPrefix +
    (seconds < 10 ? "0" : "") +
    seconds +
    (millis < 10 ? ".00" : millis < 100 ? ".0" : ".") +
    millis +
    "Z"
  );
}
