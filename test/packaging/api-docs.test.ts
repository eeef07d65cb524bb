import { execFile } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";

// docs/client-api is generated from the client's doc comments (`npm run docs`); this keeps the
// committed pages in step with the code, and TypeDoc's warnings (broken links, types a public
// signature uses but the entry does not export) fail the run.
const root = fileURLToPath(new URL("../..", import.meta.url));
const exec = promisify(execFile);
let out: string | undefined;

afterAll(async () => {
  if (out !== undefined) await rm(out, { recursive: true, force: true });
});

async function files(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    found.set(relative(dir, path), await readFile(path, "utf8"));
  }
  return found;
}

it("the client's API reference in docs/ is what its doc comments generate", async () => {
  out = await mkdtemp(join(tmpdir(), "translation-status-api-"));
  await exec(process.execPath, [join(root, "node_modules/typedoc/bin/typedoc"), "--out", out], {
    cwd: root,
  });
  const generated = await files(out);
  const committed = await files(join(root, "docs/client-api"));
  expect(generated.size).toBeGreaterThan(20);
  expect([...committed.keys()].sort(), "run `npm run docs`").toEqual([...generated.keys()].sort());
  for (const [path, text] of generated) {
    expect(committed.get(path), `${path} is stale: run \`npm run docs\``).toBe(text);
  }
}, 60_000);
