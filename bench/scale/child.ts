import { fork, type ChildProcess, type StdioOptions } from "node:child_process";
import { once } from "node:events";
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";
import type { Answer, Call, Handlers, Ready } from "./serve.js";

export type { Handlers };

export interface SpawnOptions {
  /** Passed to the child as `process.argv[2]`, as JSON. */
  config: unknown;
  /** Node flags, e.g. `--expose-gc`. */
  nodeFlags?: readonly string[];
  /**
   * The child's stdin, stdout and stderr. A simulator logs to stdout as in production, so its
   * stdout is `ignore` (Node opens /dev/null): pino still formats and writes every line.
   * @default ["ignore", "ignore", "inherit"]
   */
  stdio?: readonly ["ignore" | "inherit", "ignore" | "inherit", "ignore" | "inherit"];
  /** How long the child may take to say it is ready, in ms. @default 20_000 */
  readyTimeoutMs?: number;
}

/**
 * A benchmark child process that the parent drives over IPC: `call` sends a command and
 * resolves with the child's answer. The child dies with its parent (it exits when the IPC
 * channel closes), so a crashed run leaves nothing behind.
 *
 * The child's TypeScript is compiled first, as it would be in production (`compile`): run
 * through tsx instead, every child would carry tsx's loader thread, about 36 MB of RSS that a
 * real server or client does not have.
 */
export class Child<H extends Handlers, I = unknown> {
  readonly process: ChildProcess;
  /** What the child announced when it was ready (a server: its URL). */
  readonly info: I;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #next = 0;

  private constructor(child: ChildProcess, info: I) {
    this.process = child;
    this.info = info;
    child.on("message", (message: Answer) => {
      const call = this.#pending.get(message.id);
      if (!call) return;
      this.#pending.delete(message.id);
      if (message.ok) call.resolve(message.value);
      else call.reject(new Error(message.error));
    });
    child.once("exit", (code, signal) => {
      for (const call of this.#pending.values()) {
        call.reject(new Error(`child exited (${signal ?? code}) before answering`));
      }
      this.#pending.clear();
    });
  }

  static async spawn<H extends Handlers, I = unknown>(
    file: URL,
    options: SpawnOptions,
  ): Promise<Child<H, I>> {
    const stdio: StdioOptions = [...(options.stdio ?? ["ignore", "ignore", "inherit"]), "ipc"];
    const child = fork(await compile(file), [JSON.stringify(options.config)], {
      execArgv: [...(options.nodeFlags ?? [])],
      stdio,
    });
    const timeoutMs = options.readyTimeoutMs ?? 20_000;
    try {
      const ready = await withTimeout(
        new Promise<Ready>((resolve, reject) => {
          child.once("message", (message: Ready) => resolve(message));
          child.once("exit", (code) => reject(new Error(`${file.pathname} exited with ${code}`)));
        }),
        timeoutMs,
        `${file.pathname} not ready within ${timeoutMs} ms`,
      );
      return new Child<H, I>(child, ready.info as I);
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
  }

  /** Runs `command` in the child; rejects after `timeoutMs` (the child is then stopped). */
  async call<K extends keyof H & string>(
    command: K,
    args: Parameters<H[K]>[0],
    timeoutMs = 60_000,
  ): Promise<Awaited<ReturnType<H[K]>>> {
    const id = this.#next++;
    const answer = new Promise<unknown>((resolve, reject) =>
      this.#pending.set(id, { resolve, reject }),
    );
    this.process.send({ id, command, args } satisfies Call);
    try {
      return (await withTimeout(
        answer,
        timeoutMs,
        `${command} took over ${timeoutMs} ms`,
      )) as Awaited<ReturnType<H[K]>>;
    } catch (error) {
      this.#pending.delete(id);
      await this.stop();
      throw error;
    }
  }

  /** Asks the child to exit (it closes what it opened first); kills it if it has not in 10 s. */
  async stop(): Promise<void> {
    const child = this.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    if (child.connected) child.disconnect();
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

const compiled = new Map<string, Promise<URL>>();
// Under node_modules: linters and formatters skip it, and packages resolve from there. The
// server's: the packages only it depends on may be installed in its own node_modules, and the
// root's are found from there too.
const CACHE = new URL("../../packages/server/node_modules/.cache/scale/", import.meta.url);

/**
 * `entry` and everything it imports from this repository (the client's and the server's
 * sources included) bundled into one ES module, once per run, with tsup; packages stay
 * imports, resolved from node_modules as usual.
 */
export function compile(entry: URL): Promise<URL> {
  let output = compiled.get(entry.href);
  if (!output) {
    // Another tree's copy of a file (compare-builds.ts) gets a name of its own.
    const own = entry.href.startsWith(new URL("../", import.meta.url).href);
    const name =
      basename(fileURLToPath(entry), ".ts") +
      (own ? "" : `-${createHash("sha1").update(entry.href).digest("hex").slice(0, 8)}`);
    output = build({
      entry: { [name]: fileURLToPath(entry) },
      outDir: fileURLToPath(CACHE),
      format: ["esm"],
      platform: "node",
      target: "node20",
      // Bare specifiers (fastify, node:*) are packages; relative ones are our sources.
      external: [/^[^./]/],
      outExtension: () => ({ js: ".mjs" }),
      config: false,
      dts: false,
      // For CPU profiles: a frame in the bundle maps back to its source file.
      sourcemap: true,
      clean: false,
      splitting: false,
      silent: true,
    }).then(() => new URL(`${name}.mjs`, CACHE));
    compiled.set(entry.href, output);
  }
  return output;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
