/**
 * One table-driven validator for every options object: each option is one line of a table
 * (its rule), so a new option is one more line. An unknown name, or a value of the wrong type
 * or range, is a TypeError that names the option, says what it got, and suggests the close
 * name for a likely typo.
 */
export type Rule =
  | { type: "number"; min?: number; max?: number; integer?: boolean }
  | { type: "string"; nonEmpty?: boolean }
  | { type: "oneOf"; values: readonly string[] }
  | { type: "function" }
  | { type: "object" }
  | { type: "signal" }
  | { type: "any" };

export type RuleTable = Readonly<Record<string, Rule>>;

/**
 * Checks every own key of `options` against `rules`; `undefined` values count as absent.
 * `aliases` map names people often try (lower-cased) to the option they mean.
 */
export function validateOptions(
  what: string,
  rules: RuleTable,
  options: object,
  aliases: Readonly<Record<string, string>> = {},
): void {
  for (const [name, value] of Object.entries(options)) {
    const rule = Object.hasOwn(rules, name) ? rules[name] : undefined;
    if (rule === undefined) {
      const suggestion = suggest(name, Object.keys(rules), aliases);
      throw new TypeError(
        `Unknown ${what} "${name}"${suggestion ? `: did you mean \`${suggestion}\`?` : ""}`,
      );
    }
    if (value !== undefined) checkRule(name, rule, value);
  }
}

/** Throws a TypeError naming `name` unless `value` satisfies `rule`. */
export function checkRule(name: string, rule: Rule, value: unknown): void {
  const fail = (expected: string): never => {
    throw new TypeError(`Option "${name}" must be ${expected}, got ${describe(value)}`);
  };
  switch (rule.type) {
    case "number": {
      const { min = 0, max = Infinity, integer = false } = rule;
      // MIN_VALUE and MAX_VALUE stand for "positive" and "finite" in the tables.
      const low = min === Number.MIN_VALUE ? "> 0" : `>= ${min}`;
      const high =
        max === Number.MAX_VALUE ? " and finite" : max === Infinity ? "" : ` and <= ${max}`;
      const range =
        min !== Number.MIN_VALUE && max !== Infinity && max !== Number.MAX_VALUE
          ? `between ${min} and ${max}`
          : `${low}${high}`;
      const expected = `${integer ? "an integer" : "a number"} ${range}`;
      if (typeof value !== "number" || Number.isNaN(value)) return fail(expected);
      if (value < min || value > max) return fail(expected);
      if (integer && !Number.isInteger(value) && value !== Infinity) return fail(expected);
      return;
    }
    case "string":
      if (typeof value !== "string") return fail("a string");
      if (rule.nonEmpty && value.length === 0) return fail("a non-empty string");
      return;
    case "oneOf":
      if (typeof value !== "string" || !rule.values.includes(value)) {
        return fail(`one of ${rule.values.map((v) => JSON.stringify(v)).join(", ")}`);
      }
      return;
    case "function":
      if (typeof value !== "function") return fail("a function");
      return;
    case "object":
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return fail("an object");
      }
      return;
    case "signal":
      if (
        typeof value !== "object" ||
        value === null ||
        typeof (value as AbortSignal).addEventListener !== "function" ||
        typeof (value as AbortSignal).aborted !== "boolean"
      ) {
        return fail("an AbortSignal");
      }
      return;
    case "any":
      return;
  }
}

/** What a value is, for a message: `a string ("60000")`, `null`, `an array`, `NaN`... */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case "number":
      return Number.isNaN(value) ? "NaN" : String(value);
    case "boolean":
      return `a boolean (${String(value)})`;
    case "bigint":
      return `a bigint (${String(value)})`;
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      return "an object";
  }
}

/** The known name closest to `name`: an alias, the same name in another case, or a near typo. */
function suggest(
  name: string,
  known: string[],
  aliases: Readonly<Record<string, string>>,
): string | undefined {
  const lower = name.toLowerCase();
  const alias = Object.hasOwn(aliases, lower) ? aliases[lower] : undefined;
  if (alias !== undefined && known.includes(alias)) return alias;
  // A name cut short or inflected differently: `maxRetry`, `initialInterval`.
  const stem = lower.slice(0, -1);
  const extended = known.filter((k) => stem.length >= 5 && k.toLowerCase().startsWith(stem));
  if (extended.length === 1) return extended[0];
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < (best?.distance ?? Infinity)) best = { name: candidate, distance };
  }
  if (best === undefined) return undefined;
  // A typo, not another word: a few edits, fewer the shorter the name.
  return best.distance <= Math.max(1, Math.floor(name.length / 4)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
