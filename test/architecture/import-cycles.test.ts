import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importCycles, importGraph, sourceFiles, valueImports } from "../support/import-graph.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const PACKAGES = ["client", "server", "cli", "dashboard"];

describe("the packages' sources", () => {
  it("have no value-import cycle: each module can load before whatever loads it", () => {
    const files = PACKAGES.flatMap((name) => sourceFiles(join(root, "packages", name, "src")));
    const graph = importGraph(files);
    // The graph is the real one: the app's entry loads a good part of the server.
    expect(graph.get(join(root, "packages/server/src/app.ts"))?.length).toBeGreaterThan(10);
    expect(importCycles(graph, root)).toEqual([]);
  });
});

describe("the import graph", () => {
  it("counts imports that load a module, not those of types alone", () => {
    const text = [
      'import type { A } from "./types-only.js";',
      'import { type B, type C } from "./named-types.js";',
      'import { type D, value } from "./mixed.js";',
      'import Default from "./default.js";',
      'import "./side-effect.js";',
      'export type { E } from "./reexported-types.js";',
      'export { F } from "./reexported.js";',
      'export * from "./star.js";',
    ].join("\n");
    expect(valueImports("a.ts", text)).toEqual([
      "./mixed.js",
      "./default.js",
      "./side-effect.js",
      "./reexported.js",
      "./star.js",
    ]);
  });

  it("reports each cycle once, as a path back to its start", () => {
    const graph = new Map([
      ["/r/a.ts", ["/r/b.ts"]],
      ["/r/b.ts", ["/r/c.ts", "/r/d.ts"]],
      ["/r/c.ts", ["/r/a.ts"]],
      ["/r/d.ts", ["/r/d.ts"]],
      ["/r/e.ts", ["/r/a.ts"]],
    ]);
    expect(importCycles(graph, "/r")).toEqual(["d.ts > d.ts", "a.ts > b.ts > c.ts > a.ts"]);
  });
});
