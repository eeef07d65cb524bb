import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ExitCode } from "@translation-status/cli";
import { cli } from "./run-cli.js";
import { apiKeyFor, baseUrlFor } from "../src/profiles.js";
import { rawServer, simulator } from "../../../test/support/servers.js";

const KEY = "sk_test_cli";

const fast = ["--initial-interval", "50ms", "--max-interval", "200ms", "--no-learn"];

/** Each API's creation fields, as its real service takes them. */
const profiles = [
  { api: "jobs", env: "TRANSLATION_STATUS_API_KEY", input: {} },
  {
    api: "heygen-v2",
    env: "HEYGEN_API_KEY",
    input: { video_url: "https://example.com/talk.mp4", output_language: "Spanish" },
  },
  {
    api: "heygen-v3",
    env: "HEYGEN_API_KEY",
    input: {
      video: { type: "url", url: "https://example.com/talk.mp4" },
      output_languages: ["French"],
    },
  },
  {
    api: "elevenlabs",
    env: "ELEVENLABS_API_KEY",
    input: { source_url: "https://example.com/talk.mp4", target_lang: "es" },
  },
] as const;

let cacheHome: string;
beforeEach(async () => {
  cacheHome = await mkdtemp(join(tmpdir(), "translation-status-cache-"));
  vi.stubEnv("XDG_CACHE_HOME", cacheHome);
  vi.stubEnv("TRANSLATION_STATUS_API_KEY", "");
  vi.stubEnv("HEYGEN_API_KEY", "");
  vi.stubEnv("ELEVENLABS_API_KEY", "");
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(cacheHome, { recursive: true, force: true });
});

describe.each(profiles)("--api $api against the simulator", ({ api, env, input }) => {
  it(`creates and waits a job with the key from ${env}`, async () => {
    vi.stubEnv(env, KEY);
    const server = await simulator({ apiKeys: [KEY], pendingDurationMs: 200, errorProbability: 0 });
    const at = ["--api", api, "--base-url", server.url];
    const created = await cli("create", ...at, "--input", JSON.stringify(input));
    expect(created.stderr).toBe("");
    expect(created.code).toBe(ExitCode.Completed);
    const id = created.stdout.trim();
    expect(id).not.toBe("");

    const waited = await cli("wait", id, ...at, "--json", ...fast);
    expect(waited.code).toBe(ExitCode.Completed);
    expect(waited.json()).toMatchObject({ jobId: id, status: "completed" });
  });

  it("takes --api-key over the environment, and a wrong key is a CLI error", async () => {
    vi.stubEnv(env, "sk_wrong");
    const server = await simulator({ apiKeys: [KEY], pendingDurationMs: 0, errorProbability: 0 });
    const at = ["--api", api, "--base-url", server.url];
    const withFlag = await cli("create", ...at, "--api-key", KEY, "--input", JSON.stringify(input));
    expect(withFlag.code).toBe(ExitCode.Completed);

    const refused = await cli("create", ...at, "--input", JSON.stringify(input), "--json");
    expect(refused.code).toBe(ExitCode.Failure);
    expect(refused.json()).toMatchObject({ error: { name: "AuthenticationError" } });
  });
});

describe("profile defaults", () => {
  it("point at the real services unless --base-url says otherwise", () => {
    expect(baseUrlFor("jobs")).toBe("http://localhost:8000");
    expect(baseUrlFor("heygen-v2")).toBe("https://api.heygen.com");
    expect(baseUrlFor("heygen-v3")).toBe("https://api.heygen.com");
    expect(baseUrlFor("elevenlabs")).toBe("https://api.elevenlabs.io");
  });

  it("read TRANSLATION_STATUS_API_KEY first, then the vendor's variable", () => {
    expect(apiKeyFor("heygen-v2", { HEYGEN_API_KEY: "h" })).toBe("h");
    expect(apiKeyFor("heygen-v2", { TRANSLATION_STATUS_API_KEY: "t", HEYGEN_API_KEY: "h" })).toBe(
      "t",
    );
    expect(apiKeyFor("elevenlabs", { ELEVENLABS_API_KEY: "e", HEYGEN_API_KEY: "h" })).toBe("e");
    // Another vendor's key is never sent.
    expect(apiKeyFor("jobs", { HEYGEN_API_KEY: "h" })).toBeUndefined();
    expect(
      apiKeyFor("elevenlabs", { HEYGEN_API_KEY: "h", ELEVENLABS_API_KEY: "" }),
    ).toBeUndefined();
  });
});

describe("the CLI's requests", () => {
  it("name the CLI and the client's version", async () => {
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    const { url } = await rawServer((request, response) => {
      seen.push(request.headers);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ id: "job_1", status: "completed" }));
    });
    expect((await cli("status", "job_1", "--base-url", url)).code).toBe(ExitCode.Completed);
    expect(seen[0]).toMatchObject({
      "x-client-name": "translation-status-cli",
      "user-agent": expect.stringMatching(/^translation-status\/\d+\.\d+\.\d+$/),
    });
  });
});
