import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the built dashboard is: `dist/dashboard` beside the server's bundle (the build copies it
 * there), else the dashboard package's own `dist` (running from the sources). Undefined when
 * neither holds an `index.html`.
 */
export function findDashboardDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, "dashboard"),
    join(here, "..", "..", "..", "dashboard", "dist"),
    join(here, "..", "..", "dashboard", "dist"),
  ];
  return candidates.find((dir) => existsSync(join(dir, "index.html")));
}
