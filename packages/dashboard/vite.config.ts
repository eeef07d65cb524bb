import { defineConfig } from "vite";

// Served by the simulator: the page at `/`, its files under `/dashboard/`. No CDN: everything
// the page needs is bundled.
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
