/** "1.2 s", "350 ms", "2 min 5 s". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (Math.abs(ms) < 1_000) return `${Math.round(ms)} ms`;
  if (Math.abs(ms) < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

/** Local wall-clock time with milliseconds: 14:03:27.120. */
export function clock(iso: string | undefined): string {
  if (iso === undefined) return "–";
  const date = new Date(iso);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** What a status looks like: a symbol and a word, so it never rests on colour alone. */
export const STATUS_LABEL: Record<string, string> = {
  pending: "◌ Pending",
  completed: "✓ Completed",
  error: "✕ Error",
  cancelled: "⊘ Cancelled",
};

/** Escapes text for HTML and SVG markup. */
export function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}
