export interface Column<T> {
  header: string;
  /** Numbers read best right-aligned. @default "right" */
  align?: "left" | "right";
  cell: (row: T) => string;
}

/** A Markdown table, padded so that it also reads as a table in a terminal. */
export function markdownTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, i) =>
    Math.max(3, column.header.length, ...cells.map((row) => row[i]!.length)),
  );
  const pad = (text: string, i: number) =>
    columns[i]!.align === "left" ? text.padEnd(widths[i]!) : text.padStart(widths[i]!);
  const line = (values: readonly string[]) => `| ${values.map(pad).join(" | ")} |`;
  const rule = widths.map((width, i) =>
    columns[i]!.align === "left" ? `${"-".repeat(width)}` : `${"-".repeat(width - 1)}:`,
  );
  return [line(columns.map((c) => c.header)), `| ${rule.join(" | ")} |`, ...cells.map(line)].join(
    "\n",
  );
}

/** `850 ms`, `2.35 s`, `15.5 s`, `263 s`: three significant figures, ms below a second. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  if (Math.abs(ms) < 1_000) return `${Math.round(ms)} ms`;
  const s = ms / 1_000;
  if (Math.abs(s) < 10) return `${s.toFixed(2)} s`;
  if (Math.abs(s) < 100) return `${s.toFixed(1)} s`;
  return `${s.toFixed(0)} s`;
}

/** A count with one decimal when it has one: `14.5`, `2`, `181`. */
export function count(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : 1);
}

export function ratio(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return `${value < 0.1 ? value.toFixed(3) : value.toFixed(2)}×`;
}

export function percent(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return `${value < 1 ? value.toFixed(2) : value.toFixed(1)}%`;
}
