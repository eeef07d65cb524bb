import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import type { AppOptions } from "./app-options.js";

export interface StartServerOptions extends AppOptions {
  /**
   * TCP port; 0 picks a free one (read it back from `RunningServer.port`).
   * @default 8000
   */
  port?: number;
  /**
   * Interface to listen on.
   * @default "127.0.0.1"
   */
  host?: string;
}

export interface RunningServer {
  /** Where to reach the server, without a trailing slash, e.g. "http://127.0.0.1:54321". */
  url: string;
  /** The port actually bound (useful with `port: 0`). */
  port: number;
  app: FastifyInstance;
  /** Stops accepting connections and resolves once in-flight requests are done. */
  close(): Promise<void>;
}

/**
 * Builds the app and listens.
 *
 * @example
 * const server = await startServer({ port: 0, pendingDurationMs: 2_000, seed: 1 });
 * await fetch(`${server.url}/status`);
 * await server.close();
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const { port = 8000, host = "127.0.0.1", ...appOptions } = options;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw new TypeError(`Expected \`port\` to be an integer from 0 to 65535, got ${String(port)}`);
  }
  if (typeof host !== "string" || host === "") {
    throw new TypeError(`Expected \`host\` to be a non-empty string, got ${String(host)}`);
  }
  const app = buildApp(appOptions);
  try {
    await app.listen({ port, host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const bound = (app.server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(host)}:${bound}`,
    port: bound,
    app,
    close: () => app.close(),
  };
}

// A wildcard address accepts connections but is no place to send them; point at loopback.
function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
