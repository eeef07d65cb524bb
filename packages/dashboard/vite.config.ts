import { defineConfig } from "vite";

// Served by the simulator: the page at `/`, its files under `/dashboard/`. No CDN: everything
// the page needs is bundled, the client's build included (`npm run build` builds the client
// first: it comes before the dashboard in the workspaces).
export default defineConfig({
  root: "src",
  base: "/dashboard/",
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    target: "es2022",
    assetsDir: "assets",
  },
});
