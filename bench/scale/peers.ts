// The servers a user would otherwise pick, run beside ours in the throughput bench: the original
// design's FastAPI server (bench/peers/fastapi/main.py) and Stoplight Prism's mock server on the
// simulator's own OpenAPI document. Neither is a dependency of the packages: FastAPI comes from
// Debian's packages when they are installed, Prism is installed with npm into a cache folder
// outside the repository on first use. When one cannot be had, it is reported, not run.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { processCpu, type Target } from "./load.js";

/** A peer server, started. */
export interface RunningPeer {
  target: Target;
  /** What ran, with versions: the table's row name. */
  name: string;
  stop(): Promise<void>;
}

/** A peer started, or why it could not be. */
export type PeerStart = { peer: RunningPeer } | { missing: string };

/** Prism's last release that runs on Node 20 (5.15 and later ask for Node 24). */
export const PRISM_PACKAGE = "@stoplight/prism-cli@5.14.2";
const FASTAPI_DIR = fileURLToPath(new URL("../peers/fastapi/", import.meta.url));
/** Where Prism is installed: the user's cache, never the repository or its lockfile. */
const PRISM_DIR = join(
  process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"),
  "translation-status",
  "bench",
  PRISM_PACKAGE.replace(/[@/]/g, "_").replace(/^_+/, ""),
);
/** Debian's interpreter first: its python3-fastapi lives there, not in a pyenv or venv. */
const PYTHONS = ["/usr/bin/python3", "python3"];
const READY_TIMEOUT_MS = 60_000;

/**
 * The original design's server under uvicorn, as its README runs it (`uvicorn main:app`, one
 * process, access log on), its job pending for the whole run.
 */
export async function startFastApi(): Promise<PeerStart> {
  const found = findFastApi();
  if ("missing" in found) return found;
  const port = await freePort();
  const child = spawn(
    found.python,
    ["-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", String(port)],
    { cwd: FASTAPI_DIR, env: { ...process.env, PENDING_DURATION: "86400" }, stdio: stdio() },
  );
  return started(child, `http://127.0.0.1:${port}`, "/status", found.name);
}

/** Prism's mock server (`prism mock`, its defaults) on `openApi`, the simulator's document. */
export async function startPrism(
  openApi: unknown,
  onStep: (line: string) => void,
): Promise<PeerStart> {
  const bin = join(PRISM_DIR, "node_modules", ".bin", "prism");
  if (!existsSync(bin)) {
    onStep(`    installing ${PRISM_PACKAGE} into ${PRISM_DIR}…`);
    const missing = await npmInstall(PRISM_DIR, PRISM_PACKAGE);
    if (missing !== undefined) return { missing };
  }
  const dir = await mkdtemp(join(tmpdir(), "prism-"));
  const document = join(dir, "openapi.json");
  await writeFile(document, JSON.stringify(openApi));
  const port = await freePort();
  const child = spawn(bin, ["mock", document, "--host", "127.0.0.1", "--port", String(port)], {
    stdio: stdio(),
  });
  const start = await started(child, `http://127.0.0.1:${port}`, undefined, PRISM_PACKAGE);
  if ("peer" in start) {
    const stop = start.peer.stop;
    start.peer.stop = async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    };
  } else {
    await rm(dir, { recursive: true, force: true });
  }
  return start;
}

/** The first interpreter that has FastAPI and uvicorn, with their versions. */
function findFastApi(): { python: string; name: string } | { missing: string } {
  const probe = [
    "import importlib.util as u, fastapi, uvicorn",
    "extras = [m for m in ('uvloop', 'httptools') if u.find_spec(m)]",
    "print(fastapi.__version__, uvicorn.__version__, ','.join(extras) or 'asyncio/h11')",
  ].join("\n");
  for (const python of PYTHONS) {
    const run = spawnSync(python, ["-c", probe], { encoding: "utf8", timeout: 20_000 });
    if (run.status !== 0) continue;
    const [fastapi, uvicorn, extras] = run.stdout.trim().split(" ");
    return { python, name: `FastAPI ${fastapi}, uvicorn ${uvicorn} (${extras})` };
  }
  return {
    missing:
      "not installed: FastAPI and uvicorn were not found (`apt-get install -y python3-fastapi python3-uvicorn`)",
  };
}

/** Installs `spec` under `dir`, outside any workspace; why not, or undefined when it worked. */
async function npmInstall(dir: string, spec: string): Promise<string | undefined> {
  await mkdir(dir, { recursive: true });
  // A package.json of its own, so that npm installs here and not in a parent project.
  await writeFile(join(dir, "package.json"), '{ "private": true }\n');
  const child = spawn(
    "npm",
    ["install", "--no-audit", "--no-fund", "--loglevel=error", "--no-save", spec],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
  );
  const stderr = tail(child);
  const [code] = (await once(child, "exit")) as [number | null];
  return code === 0 ? undefined : `not installed: npm install ${spec} failed (${stderr().trim()})`;
}

function stdio(): ["ignore", "ignore", "pipe"] {
  // Logs go to /dev/null, as ours do in the bench; stderr is kept for a failure's reason.
  return ["ignore", "ignore", "pipe"];
}

/** Waits until `url + path` answers 200 (or the process dies or takes too long). */
async function started(
  child: ChildProcess,
  url: string,
  path: string | undefined,
  name: string,
): Promise<PeerStart> {
  const stderr = tail(child);
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      return { missing: `exited with ${child.exitCode} on start: ${stderr().trim()}` };
    }
    if ((await statusOf(url + (path ?? "/"))) !== undefined) {
      const pid = child.pid!;
      return { peer: { name, target: { url, cpu: async () => processCpu(pid) }, stop } };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  return { missing: `not ready within ${READY_TIMEOUT_MS / 1_000} s: ${stderr().trim()}` };
}

/** The status of one GET, or undefined when nothing answers. */
function statusOf(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    get(url, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on("error", () => resolve(undefined));
  });
}

/** The last 2 KB the process wrote to stderr. */
function tail(child: ChildProcess): () => string {
  let text = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => (text = (text + chunk).slice(-2_048)));
  return () => text;
}

/** A port nothing listens on now, for a peer that cannot listen on port 0 and say which. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
