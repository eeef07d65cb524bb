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
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    restoreMocks: true,
  },
});
