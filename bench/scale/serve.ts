// The child's side of a benchmark child process (see child.ts for the parent's): kept apart so
// that a child loads none of what the parent needs to start it.

/** What a child process answers to: one async function per command, one argument each. */
// Handlers are contravariant in their argument; `never` accepts every handler shape.
export type Handlers = Record<string, (args: never) => unknown>;

export interface Call {
  id: number;
  command: string;
  args: unknown;
}

export interface Answer {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

export interface Ready {
  ready: true;
  info: unknown;
}

/**
 * The child's side: announces `info` once ready, then answers calls with `handlers`. When the
 * parent goes away (or calls `stop`), `onDisconnect` runs and the process exits.
 */
export function serve(
  handlers: Handlers,
  info: unknown,
  onDisconnect: () => Promise<void> | void = () => {},
): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error("Run this file through Child.spawn, with an IPC channel");
  process.on("message", (message: Call) => {
    const handler = handlers[message.command] as ((args: unknown) => unknown) | undefined;
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`Unknown command ${message.command}`);
        return handler(message.args);
      })
      .then(
        (value) => send({ id: message.id, ok: true, value } satisfies Answer),
        (error: unknown) =>
          send({
            id: message.id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          } satisfies Answer),
      );
  });
  process.once("disconnect", () => {
    Promise.resolve()
      .then(onDisconnect)
      .finally(() => process.exit());
  });
  send({ ready: true, info } satisfies Ready);
}

/** The argument `Child.spawn` gave this process. */
export function childConfig<T>(): T {
  return JSON.parse(process.argv[2] ?? "null") as T;
}
