import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from "../support/chromium.js";
import { simulator } from "../support/servers.js";

// The built client (what a bundler or a <script type="module"> gets) in Debian's Chromium, loaded
// by a page of another origin than the simulator's: every request it makes is cross-origin.
const found = hasChromium("the client's browser test");

const CLIENT = fileURLToPath(new URL("../../packages/client/dist/index.js", import.meta.url));

// The page imports the client as a module and offers one function to the test.
const PAGE = `<!doctype html>
<title>client in a page</title>
<script type="module">
  import { TranslationStatusClient } from "./client.js";

  window.waitOnce = async (baseUrl) => {
    const client = new TranslationStatusClient({ baseUrl });
    const job = await client.createJob({ pendingDurationMs: 1500, errorProbability: 0 });
    const polls = [];
    const result = await client.waitForCompletion({
      jobId: job.jobId,
      onPoll: (event) => polls.push({ mode: event.mode }),
    });
    // The hints as the page itself sees them, on a second job.
    const created = await fetch(baseUrl + "/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pendingDurationMs: 2000, errorProbability: 0 }),
    });
    const names = ["location", "retry-after", "poll-after-ms", "link", "x-request-id"];
    const headers = Object.fromEntries(names.map((name) => [name, created.headers.get(name)]));
    // Polling on purpose, to see where its delays come from.
    const sources = [];
    const polled = await client.waitForCompletion({
      jobId: (await created.json()).id,
      mode: "poll",
      onPoll: (event) => sources.push(event.delaySource),
    });
    return {
      status: result.status,
      mode: result.mode,
      modes: polls.map((poll) => poll.mode),
      headers,
      polled: polled.status,
      sources,
    };
  };

  // No retries: a CORS refusal looks like a network error, which would be retried with backoff.
  window.readStatus = (baseUrl) =>
    new TranslationStatusClient({ baseUrl, maxRetries: 0 })
      .getStatus()
      .then((snapshot) => snapshot.status, (error) => error.name);

  window.ready = true;
</script>`;

async function pageServer(): Promise<{ url: string; server: Server }> {
  const client = await readFile(CLIENT, "utf8");
  const server = createServer((request, response) => {
    if (request.url === "/client.js") {
      response.writeHead(200, { "content-type": "text/javascript" }).end(client);
    } else if (request.url === "/") {
      response.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    } else {
      // favicon.ico: nothing, without a 404 in the console.
      response.writeHead(204).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  // localhost, not 127.0.0.1: another host as well as another port.
  return { url: `http://localhost:${port}`, server };
}

describe.skipIf(!found)("the built client in headless Chromium, on another origin", () => {
  let browser: Browser;
  let site: { url: string; server: Server };
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    site = await pageServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
    });
    page = await browser.newPage();
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(`${site.url}/`);
    await page.waitForFunction(() => (window as { ready?: boolean }).ready === true);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    site?.server.closeAllConnections();
    await new Promise((resolve) => site?.server.close(resolve));
  });

  it("creates a job, waits on its stream with the default options, and reads the hints", async () => {
    const server = await simulator({ errorProbability: 0 });
    expect(new URL(server.url).origin).not.toBe(site.url);
    const outcome = await page.evaluate(
      (baseUrl) =>
        (window as unknown as { waitOnce: (url: string) => Promise<unknown> }).waitOnce(baseUrl),
      server.url,
    );
    expect(outcome).toMatchObject({ status: "completed", mode: "stream" });
    const { modes, headers, polled, sources } = outcome as {
      modes: string[];
      headers: Record<string, string | null>;
      polled: string;
      sources: Array<string | undefined>;
    };
    // The stream is advertised in Link: the client could read it, so it streamed.
    expect(modes).toContain("stream");
    // Polling: the first delay came from Poll-After-Ms, read across origins.
    expect(polled).toBe("completed");
    expect(sources[0]).toBe("poll-after");
    expect(headers["location"]).toMatch(/^\/jobs\/job_\w+$/);
    expect(Number(headers["poll-after-ms"])).toBeGreaterThan(0);
    expect(Number(headers["retry-after"])).toBeGreaterThan(0);
    expect(headers["link"]).toContain('rel="events"');
    expect(headers["x-request-id"]).toBeTruthy();
    expect(problems).toEqual([]);
  });

  it("is refused by a simulator whose CORS_ORIGINS leaves the page out", async () => {
    const allowed = await simulator({ corsOrigins: [site.url] });
    const other = await simulator({ corsOrigins: ["https://app.example"] });
    const read = (baseUrl: string) =>
      page.evaluate(
        (url) =>
          (window as unknown as { readStatus: (url: string) => Promise<string> }).readStatus(url),
        baseUrl,
      );
    expect(await read(allowed.url)).toBe("pending");
    expect(await read(other.url)).toBe("NetworkError");
    problems.length = 0;
  });
});
