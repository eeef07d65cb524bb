import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (name: string) =>
  fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources, never a stale build.
    alias: {
      "@translation-status/client": source("client"),
      "@translation-status/server": source("server"),
      "@translation-status/cli": source("cli"),
    },
  },
  test: {
    testTimeout: 20_000,
    restoreMocks: true,
    // Two workers even on a 2-core machine (the default there is one): the integration tests
    // spend most of their time waiting on real sockets and timers, not on the CPU.
    maxWorkers: 2,
    projects: [
      {
        // `npm test`, first half: the packages' own tests. They share their workers' module
        // cache (no per-file isolation): loading Fastify and the sources once per worker instead
        // of once per file takes well over half of the CPU time off. Each test builds its own app
        // and clock, so nothing of one file reaches the next.
        extends: true,
        test: {
          name: "unit",
          include: [
            "packages/client/test/**/*.test.ts",
            "packages/server/test/**/*.test.ts",
            "test/architecture/**/*.test.ts",
          ],
          isolate: false,
        },
      },
      {
        // `npm test`, second half: real servers on real sockets, each file isolated (the server
        // helpers register their teardown and contract check per file, as they are imported).
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts", "packages/cli/test/**/*.test.ts"],
        },
      },
      {
        // `npm run test:all` adds these: the built packages as users get them (bins, `npm pack`,
        // the generated docs), and the client in Chromium, Deno and Bun.
        extends: true,
        test: {
          name: "gate",
          include: [
            "test/packaging/**/*.test.ts",
            "test/e2e/**/*.test.ts",
            "test/runtimes/**/*.test.ts",
          ],
        },
      },
    ],
  },
});
