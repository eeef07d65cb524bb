// RFC 7240: Prefer = #preference; preference = token [ BWS "=" BWS word ] *( OWS ";" [ OWS parameter ] ),
// where word = token / quoted-string. Names are case-insensitive; the first instance counts.

/** The preferences in `Prefer` header values, by lower-case name; "" for a name alone. */
export function parsePrefer(header: string | string[] | undefined): Map<string, string> {
  const preferences = new Map<string, string>();
  const values = header === undefined ? [] : [header].flat();
  for (const value of values) {
    for (const preference of splitOutsideQuotes(value, ",")) {
      // Parameters after ";" qualify a preference; none of ours takes any.
      const [head = ""] = splitOutsideQuotes(preference, ";");
      const equals = head.indexOf("=");
      const name = (equals < 0 ? head : head.slice(0, equals)).trim().toLowerCase();
      if (name === "" || preferences.has(name)) continue;
      preferences.set(name, equals < 0 ? "" : unquote(head.slice(equals + 1).trim()));
    }
  }
  return preferences;
}

/**
 * The `wait` preference in whole seconds, or undefined when absent or not a non-negative integer
 * (an invalid preference is ignored, never an error).
 *
 * @example
 * preferredWait('respond-async, WAIT="10"'); // 10
 */
export function preferredWait(header: string | string[] | undefined): number | undefined {
  const wait = parsePrefer(header).get("wait");
  return wait !== undefined && /^\d+$/.test(wait) ? Number(wait) : undefined;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === "\\" && i + 1 < text.length) {
      current += char + text[++i]!;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function unquote(word: string): string {
  if (word.length < 2 || !word.startsWith('"') || !word.endsWith('"')) return word;
  return word.slice(1, -1).replace(/\\(.)/g, "$1");
}
