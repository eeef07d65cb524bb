import { chmod } from "node:fs/promises";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/bin.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  platform: "node",
  // npm links bins before `prepare` builds them, so the build marks its own bin executable.
  onSuccess: () => chmod("dist/bin.js", 0o755),
});
