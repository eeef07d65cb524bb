import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { DurationModelSnapshot } from "@translation-status/client";

/**
 * Where the command line keeps what it learned of job durations between runs:
 * `$XDG_CACHE_HOME/translation-status/model.json`, or `~/.cache/...` without it.
 */
export function modelPath(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME?.trim() ? env.XDG_CACHE_HOME : join(homedir(), ".cache");
  return join(cache, "translation-status", "model.json");
}

/**
 * The model saved by an earlier run; undefined when there is none yet. A file that cannot be
 * read as a model is reported through `warn` and ignored: it is a cache, the next save replaces it.
 */
export async function loadModel(
  path: string,
  warn: (message: string) => void,
): Promise<DurationModelSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    warn(`cannot read the learned model at ${path}: ${(error as Error).message}`);
    return undefined;
  }
  try {
    return JSON.parse(text) as DurationModelSnapshot;
  } catch {
    warn(`ignoring the learned model at ${path}: not JSON`);
    return undefined;
  }
}

/**
 * Saves the model atomically: written to a temporary file beside it, then renamed over it, so a
 * run interrupted mid-write, or two runs at once, never leave half a file.
 */
export async function saveModel(path: string, snapshot: DurationModelSnapshot): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(snapshot)}\n`, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
