import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// These run plain Node on the built packages, as an installed user would: no aliases, no
// TypeScript. `npm test` builds first, so they never see a stale dist.
const root = fileURLToPath(new URL("../..", import.meta.url));
const exec = promisify(execFile);
const node = (...args: string[]) => exec(process.execPath, args, { cwd: root });

const packages = {
  "@translation-status/client": ["TranslationStatusClient", "WaitTimeoutError", "HttpError"],
  "@translation-status/server": ["startServer", "buildApp", "loadConfig"],
  "@translation-status/cli": ["run", "ExitCode"],
};

describe("built packages", () => {
  it.each(Object.entries(packages))("%s loads with import and require", async (name, names) => {
    const check = `for (const n of ${JSON.stringify(names)}) if (!m[n]) throw new Error("missing " + n);`;
    await node(
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(name)}); ${check}`,
    );
    await node("-e", `const m = require(${JSON.stringify(name)}); ${check}`);
  });

  it("the client's CommonJS build keeps its error hierarchy", async () => {
    const { stdout } = await node(
      "-e",
      `const { WaitTimeoutError, TranslationStatusError } = require("@translation-status/client");
       const e = new WaitTimeoutError(1, 1, undefined);
       console.log(e instanceof TranslationStatusError, e.name);`,
    );
    expect(stdout.trim()).toBe("true WaitTimeoutError");
  });

  it("the CLI's bin runs the demo end to end", async () => {
    const { stdout } = await node(
      "packages/cli/dist/bin.js",
      "demo",
      "--duration",
      "200ms",
      "--error-probability",
      "0",
      "--json",
    );
    expect(JSON.parse(stdout)).toMatchObject({ status: "completed" });
  });

  it("the server's bin refuses a bad environment variable by name", async () => {
    const error = await exec(process.execPath, ["packages/server/dist/main.js"], {
      cwd: root,
      env: { ...process.env, ERROR_PROBABILITY: "lots" },
    }).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toContain("ERROR_PROBABILITY");
  });

  it("the server's bin reads the original environment variables and serves /status", async () => {
    const child = spawn(process.execPath, ["packages/server/dist/main.js"], {
      cwd: root,
      env: { ...process.env, PORT: "0", PENDING_DURATION: "1", ERROR_PROBABILITY: "0" },
    });
    try {
      // pino writes one JSON object a line; the first "listening" line names the URL.
      let url: string | undefined;
      for await (const line of createInterface({ input: child.stdout })) {
        url = (JSON.parse(line) as { url?: string }).url;
        if (url) break;
      }
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const first = await fetch(`${url}/status`).then((r) => r.json());
      expect(first).toMatchObject({ result: "pending" });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const later = await fetch(`${url}/status`).then((r) => r.json());
      expect(later).toMatchObject({ result: "completed" });
      // The dashboard ships inside the server's dist, with every file it loads.
      const page = await fetch(`${url}/`).then((r) => r.text());
      expect(page).toContain("<title>Translation status");
      for (const [, asset] of page.matchAll(/(?:src|href)="(\/dashboard\/[^"]+)"/g)) {
        expect((await fetch(`${url}${asset}`)).status, asset).toBe(200);
      }
    } finally {
      child.kill("SIGTERM");
    }
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
