import { existsSync } from "node:fs";

/** Debian's chromium; CI installs it (see .ci/run). Browser downloads are not an option here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Whether Chromium is there; when not, `what`'s test is skipped with a warning saying so. */
export function hasChromium(what: string): boolean {
  const found = existsSync(CHROMIUM);
  if (!found) console.warn(`Skipping ${what}: no Chromium at ${CHROMIUM}`);
  return found;
}

/** Headless, sandbox-free (root in CI), and quiet: no network of its own beyond the page's. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
