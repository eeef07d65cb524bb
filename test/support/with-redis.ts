import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { connect, createServer, type AddressInfo } from "node:net";

// Runs the command it is given (`tsx test/support/with-redis.ts vitest run`) with TEST_REDIS_URL
// set to a throwaway redis-server: in memory only, on loopback, stopped afterwards. Without
// redis-server on the PATH, or with TEST_REDIS_URL already set, the command runs as it is (the
// tests that need Redis then skip, or use the one given).

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  console.error("usage: tsx test/support/with-redis.ts COMMAND [ARGS...]");
  process.exit(2);
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether a Redis answers PING on `port`. */
function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    for (const event of ["error", "timeout"]) socket.once(event, () => resolve(false));
  });
}

async function startRedis(): Promise<{ url: string; stop: () => void } | undefined> {
  if (process.env.TEST_REDIS_URL) return undefined;
  if (spawnSync("redis-server", ["--version"]).error !== undefined) {
    console.warn("with-redis: no redis-server on the PATH, the Redis tests will be skipped");
    return undefined;
  }
  const port = await freePort();
  const redis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const stop = () => redis.kill();
  for (let i = 0; i < 100 && redis.exitCode === null; i++) {
    if (await pong(port)) return { url: `redis://127.0.0.1:${port}`, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  stop();
  console.warn("with-redis: redis-server did not start, the Redis tests will be skipped");
  return undefined;
}

const redis = await startRedis();
if (redis !== undefined) console.log(`with-redis: redis-server on ${redis.url}`);
const child = spawn(command, args, {
  stdio: "inherit",
  shell: process.platform === "win32",
  env: redis === undefined ? process.env : { ...process.env, TEST_REDIS_URL: redis.url },
});
const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
redis?.stop();
process.exitCode = code ?? (signal === null ? 1 : 128);
