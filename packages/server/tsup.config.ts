import { chmod, cp } from "node:fs/promises";
import { existsSync } from "node:fs";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/main.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  platform: "node",
  // import.meta.url in the CommonJS build too: it finds the dashboard beside the bundle.
  shims: true,
  onSuccess: async () => {
    // npm links bins before `prepare` builds them, so the build marks its own bin executable.
    await chmod("dist/main.js", 0o755);
    // The dashboard's build (built before this package) ships inside this one.
    if (existsSync("../dashboard/dist/index.html")) {
      await cp("../dashboard/dist", "dist/dashboard", { recursive: true });
    }
  },
});
