import type { ApiName } from "@translation-status/client";
import { UsageError } from "./commands/report-failure.js";

export const API_NAMES: ApiName[] = ["jobs", "heygen-v2", "heygen-v3", "elevenlabs"];

/** Where each API lives by default: the real service's root (ours runs locally). */
const DEFAULT_BASE_URLS: Record<ApiName, string> = {
  jobs: "http://localhost:8000",
  "heygen-v2": "https://api.heygen.com",
  "heygen-v3": "https://api.heygen.com",
  elevenlabs: "https://api.elevenlabs.io",
};

/** The vendor's own variable, read when TRANSLATION_STATUS_API_KEY is not set. */
const VENDOR_KEY_VARIABLES: Partial<Record<ApiName, string>> = {
  "heygen-v2": "HEYGEN_API_KEY",
  "heygen-v3": "HEYGEN_API_KEY",
  elevenlabs: "ELEVENLABS_API_KEY",
};

export function baseUrlFor(api: ApiName): string {
  return DEFAULT_BASE_URLS[api];
}

/** TRANSLATION_STATUS_API_KEY, else the vendor's variable; an empty value counts as unset. */
export function apiKeyFor(
  api: ApiName,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const vendor = VENDOR_KEY_VARIABLES[api];
  return env.TRANSLATION_STATUS_API_KEY || (vendor ? env[vendor] : undefined) || undefined;
}

/** An http(s) URL, or a UsageError that says what to write instead. */
export function checkBaseUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // "localhost:8000" parses, with "localhost:" as its scheme.
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(
      `"${value}" is not an http(s) URL; write it with its scheme, e.g. http://${value.replace(/^[a-z]+:\/\//i, "")}`,
    );
  }
  return value;
}
