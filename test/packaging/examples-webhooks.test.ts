import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { simulator } from "../support/servers.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

// main.ts through tsx against the sources; main.mjs with node alone, against the built packages.
const FORMS = [
  ["--import", "tsx", "examples/webhook-receiver/main.ts"],
  ["examples/webhook-receiver/main.mjs"],
];

describe.each(FORMS)("examples/webhook-receiver (%s %s %s)", (...command) => {
  it("registers itself, prints a verified event, and deletes its endpoint on Ctrl-C", async () => {
    const server = await simulator({ errorProbability: 0 });
    const child = spawn(process.execPath, [...command, server.url], { cwd: root });
    let stdout = "";
    const lines: Array<() => void> = [];
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const check of lines.splice(0)) check();
    });
    const untilOutput = (pattern: RegExp) =>
      new Promise<RegExpMatchArray>((resolve) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) resolve(match);
          else lines.push(check);
        };
        check();
      });

    try {
      const [, endpointId] = await untilOutput(/listening on http:\/\/\S+ as (wh_\w+)/);
      const created = await fetch(`${server.url}/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pendingDurationMs: 100 }),
      });
      const { id } = (await created.json()) as { id: string };
      const [line] = await untilOutput(new RegExp(`^msg_\\w+ .*"${id}".*$`, "m"));
      expect(JSON.parse(line!.slice(line!.indexOf(" ") + 1))).toMatchObject({
        type: "job.completed",
        data: { id, status: "completed" },
      });

      child.kill("SIGINT");
      const [code] = await once(child, "exit");
      expect(code).toBe(0);
      const gone = await fetch(`${server.url}/webhooks/${endpointId}`);
      expect(gone.status).toBe(404);
    } finally {
      if (child.exitCode === null) child.kill();
    }
    // A node process (tsx compiles on start): slow on a busy machine, so more than the default.
  }, 60_000);
});
