import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TranslationStatusClient, type WaitMode } from "@translation-status/client";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from "../support/chromium.js";
import { simulator } from "../support/servers.js";

const found = hasChromium("the dashboard's browser test");

describe.skipIf(!found)("the dashboard in headless Chromium", () => {
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), "dashboard-e2e-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1200, height: 1000 },
    });
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it("creates a job, sees it finish, and shows its timeline with both marks", async () => {
    const server = await simulator({ sseProgressIntervalMs: 200 });
    const index = await fetch(`${server.url}/`);
    expect(index.status, "GET / must serve the built dashboard: run `npm run build`").toBe(200);

    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.locator("#connection").textContent()).toContain("Live");

    // A short job that cannot fail, from the page's own form.
    await page.getByLabel("Duration (seconds)").fill("2.5");
    await page.getByLabel("Error probability (0–1)").fill("0");
    await page.getByRole("button", { name: "Create job" }).click();
    const created = page.locator("#create-message");
    await expect.poll(() => created.textContent()).toMatch(/^Created job_/);
    const id = (await created.textContent())!.replace(/^Created /, "").replace(/\.$/, "");
    const row = page.locator(`tr[data-job="${id}"]`);
    await expect.poll(() => row.locator(".status").textContent()).toContain("Pending");

    // Two more clients follow the same job, so the timeline compares them with the page.
    const others = (["poll", "long-poll"] as WaitMode[]).map((mode) =>
      new TranslationStatusClient({
        baseUrl: server.url,
        headers: { "x-client-name": `${mode}-client` },
      }).waitForCompletion({ jobId: id, mode }),
    );

    // The page learns the end from its live stream, not from a reload.
    await expect
      .poll(() => row.locator(".status").textContent(), { timeout: 10_000 })
      .toContain("Completed");
    await Promise.all(others);

    // Keyboard: the timeline button is reachable and works with Enter.
    await row.getByRole("button", { name: `Timeline of ${id}` }).focus();
    await page.keyboard.press("Enter");
    const chart = page.locator("#timeline-chart svg");
    await expect.poll(() => chart.getAttribute("aria-label")).toContain(id);
    await expect.poll(() => page.locator('[data-mark="learned"]').count()).toBe(1);
    await expect(page.locator('[data-mark="completed"]').count()).resolves.toBe(1);
    const modes = await page
      .locator('#timeline-chart [data-mark="request"]')
      .evaluateAll((marks) => marks.map((mark) => mark.getAttribute("data-mode")));
    expect(modes).toEqual(expect.arrayContaining(["create", "stream", "poll", "long-poll"]));
    await expect(page.locator('[data-fact="client-learned"]').textContent()).resolves.toMatch(
      /later, by [\w-]+ \((stream|long-poll)\)/,
    );

    // The same truth over the API: the page's stream told it, shortly after the end.
    const timeline = (await (await fetch(`${server.url}/jobs/${id}/timeline`)).json()) as {
      completedAt: string;
      learned: { delayMs: number; client: string; mode: string };
    };
    expect(["dashboard", "long-poll-client"]).toContain(timeline.learned.client);
    expect(timeline.learned.delayMs).toBeLessThan(1_000);

    // The comparison chart has all three clients, each of which learned the end.
    const learnedColumn = () =>
      page
        .locator("#summary-chart .summary-table tbody tr td:nth-of-type(4)")
        .evaluateAll((cells) => cells.map((cell) => cell.textContent));
    await expect.poll(learnedColumn, { timeout: 10_000 }).toEqual(["1", "1", "1"]);
    await mkdir("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/dashboard.png", fullPage: true });

    // Narrow screens: nothing wider than the viewport but the scrollable tables.
    await page.setViewportSize({ width: 380, height: 900 });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "test-results/dashboard-narrow.png", fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("asks for the API key when the server wants one, and uses it for every call", async () => {
    const server = await simulator({ apiKeys: ["sk_dashboard_e2e"] });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await expect
      .poll(() => page.locator("#connection").textContent())
      .toContain("needs an API key");

    // A key no header can carry is refused in the page, before any request.
    await page.getByLabel("API key").fill("sk dashboard");
    await page.getByLabel("API key").press("Enter");
    await expect
      .poll(() => page.locator("#connection").textContent())
      .toContain("Not a usable API key");

    await page.getByLabel("API key").fill("sk_dashboard_e2e");
    await page.getByLabel("API key").press("Enter");
    await expect.poll(() => page.locator("#connection").textContent()).toContain("Live");
    await page.getByRole("button", { name: "Create job" }).click();
    await expect.poll(() => page.locator("#create-message").textContent()).toMatch(/^Created job_/);
    const id = (await page.locator("#create-message").textContent())!.slice(8, -1);
    // Made with the key: the job belongs to it, and the key is not kept in the page's storage.
    const owned = await fetch(`${server.url}/jobs/${id}`, {
      headers: { "x-api-key": "sk_dashboard_e2e" },
    });
    expect(owned.status).toBe(200);
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    await page.close();
  });
});
