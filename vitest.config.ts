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
    projects: [
      {
        // `npm test`: the unit and integration tests, on the sources, in about a minute.
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/test/**/*.test.ts", "test/integration/**/*.test.ts"],
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
