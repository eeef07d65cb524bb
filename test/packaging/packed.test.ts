import { execFile, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The packages as a user gets them: `npm pack` tarballs installed into a scratch project outside
// the workspace, with nothing of the workspace reachable. `npm test` builds first.
const root = fileURLToPath(new URL("../..", import.meta.url));
const exec = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const WORKSPACES = ["client", "server", "cli"] as const;

let project: string;
let server: ChildProcess | undefined;
let serverUrl: string;

/** The README's first TypeScript example of the client, pointed at `url`. */
async function readmeExample(url: string): Promise<string> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## The client library"));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error("README: no ts example under 'The client library'");
  return code.replaceAll("http://localhost:8000", url);
}

/** The same example as CommonJS: `require` for `import`, inside an async function. */
function asCommonJs(esm: string): string {
  const body = esm.replace(
    /^import \{([^}]+)\} from ("[^"]+");$/gm,
    (_, names: string, from: string) => `const {${names}} = require(${from});`,
  );
  return `(async () => {\n${body}\n})().catch((error) => {\n  console.error(error);\n  process.exit(1);\n});\n`;
}

function run(file: string) {
  return exec(process.execPath, [file], { cwd: project, timeout: 60_000 });
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "translation-status-packed-"));
  for (const name of WORKSPACES) {
    await exec(npm, ["pack", "--silent", "--pack-destination", project], {
      cwd: join(root, "packages", name),
    });
  }
  const tarballs = (await readdir(project)).filter((f) => f.endsWith(".tgz"));
  expect(tarballs).toHaveLength(WORKSPACES.length);
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "scratch", private: true, version: "0.0.0" }),
  );
  await exec(
    npm,
    ["install", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs.map((t) => `./${t}`)],
    { cwd: project, timeout: 170_000 },
  );

  // The server's bin, installed, on a free port, with short jobs for the example.
  server = spawn(join(project, "node_modules", ".bin", "translation-status-server"), [], {
    cwd: project,
    env: { ...process.env, PORT: "0", PENDING_DURATION: "0.5", ERROR_PROBABILITY: "0" },
  });
  for await (const line of createInterface({ input: server.stdout! })) {
    const url = (JSON.parse(line) as { url?: string }).url;
    if (url !== undefined) {
      serverUrl = url;
      break;
    }
  }
}, 180_000);

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) {
    server.kill("SIGTERM");
    await once(server, "exit");
  }
  if (project !== undefined) await rm(project, { recursive: true, force: true });
});

describe("the packed packages, installed outside the workspace", () => {
  it("installed no workspace links: every package came from its tarball", async () => {
    for (const name of WORKSPACES) {
      const manifest = JSON.parse(
        await readFile(
          join(project, "node_modules", "@translation-status", name, "package.json"),
          "utf8",
        ),
      ) as { name: string; files?: string[] };
      expect(manifest.name).toBe(`@translation-status/${name}`);
      const license = await readFile(
        join(project, "node_modules", "@translation-status", name, "LICENSE"),
        "utf8",
      );
      expect(license).toMatch(/^MIT License/);
    }
    const lock = await readFile(join(project, "package-lock.json"), "utf8");
    expect(lock).toContain("file:translation-status-client-0.1.0.tgz");
  });

  it("start the server's bin, which serves the original /status", async () => {
    expect(serverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const body = (await fetch(`${serverUrl}/status`).then((r) => r.json())) as object;
    expect(Object.keys(body)[0]).toBe("result");
  });

  it("run the README's client example as an ES module", async () => {
    await writeFile(join(project, "example.mjs"), await readmeExample(serverUrl));
    const { stdout } = await run("example.mjs");
    expect(stdout).toMatch(/^completed \d+ \d+/);
  });

  it("run the README's client example as CommonJS", async () => {
    await writeFile(join(project, "example.cjs"), asCommonJs(await readmeExample(serverUrl)));
    const { stdout } = await run("example.cjs");
    expect(stdout).toMatch(/^completed \d+ \d+/);
  });

  it("run the command line against the server", async () => {
    const cli = join(project, "node_modules", ".bin", "translation-status");
    const { stdout } = await exec(cli, ["status", "--url", `${serverUrl}/status`, "--json"], {
      cwd: project,
    });
    expect(JSON.parse(stdout)).toHaveProperty("status");
  });
});
