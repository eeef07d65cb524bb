// Load without a network: requests fed to a server's own HTTP parser over fake sockets, answers
// dropped. No kernel, no load generator, no scheduling of other processes in the figure: the CPU
// per request of the server's own code (Node's HTTP, Fastify, ours), which stays readable on a
// machine too busy for figures over real sockets.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { Duplex } from "node:stream";

/** A socket that takes whatever is written and reads what is pushed into it. */
class FakeSocket extends Duplex {
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort = 40_000;
  readonly localAddress = "127.0.0.1";
  readonly localPort = 8_000;
  override _read(): void {}
  override _write(_chunk: unknown, _encoding: unknown, callback: () => void): void {
    callback();
  }
  override _writev(_chunks: unknown, callback: () => void): void {
    callback();
  }
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** Keep-alive connections to `server` that send `GET path` one after another. */
export class FakeLoad {
  readonly #sockets = new Set<Duplex>();
  readonly #request: Buffer;
  #remaining = 0;
  #outstanding = 0;
  #done: () => void = () => {};

  constructor(server: Server, path: string, connections: number) {
    this.#request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n`);
    // Each answer sent lets its connection send the next request.
    server.prependListener("request", (request: IncomingMessage, response: ServerResponse) => {
      const socket: Duplex = request.socket;
      if (this.#sockets.has(socket)) response.once("finish", () => this.#next(socket));
    });
    for (let i = 0; i < connections; i++) {
      const socket = new FakeSocket();
      this.#sockets.add(socket);
      server.emit("connection", socket);
    }
  }

  /** Sends `requests` requests in all; the CPU this process used per request, in µs. */
  async run(requests: number): Promise<number> {
    this.#remaining = requests - this.#sockets.size;
    this.#outstanding = this.#sockets.size;
    const finished = new Promise<void>((resolve) => (this.#done = resolve));
    const before = process.cpuUsage();
    for (const socket of this.#sockets) socket.push(this.#request);
    await finished;
    const { user, system } = process.cpuUsage(before);
    return (user + system) / requests;
  }

  #next(socket: Duplex): void {
    if (this.#remaining > 0) {
      this.#remaining -= 1;
      // Not from inside the response's own `finish`: the parser is still in its callback.
      process.nextTick(() => socket.push(this.#request));
    } else if (--this.#outstanding === 0) {
      this.#done();
    }
  }
}
