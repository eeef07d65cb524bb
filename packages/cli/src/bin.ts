#!/usr/bin/env node
import { run } from "./program.js";
import { processIo } from "./io.js";
import { ExitCode } from "./exit-codes.js";

// Ctrl-C aborts the wait cleanly (no timer or socket left), then a second Ctrl-C kills.
const interrupt = new AbortController();
process.once("SIGINT", () => interrupt.abort(new Error("Interrupted")));

run(process.argv.slice(2), processIo(interrupt.signal)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = ExitCode.Failure;
  },
);
