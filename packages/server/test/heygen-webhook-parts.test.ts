import { describe, expect, it } from "vitest";
import { ApiError } from "../src/errors.js";
import { sentEvents } from "../src/heygen/webhooks/event-history.js";
import { newestFirst, oldestFirst, pageOf, type Position } from "../src/heygen/webhooks/pages.js";
import type { JobRecord } from "../src/jobs/record.js";
import type { DeliveryAttempt } from "../src/webhooks/delivery-log.js";
import { hears } from "../src/webhooks/endpoint-filter.js";
import type { WebhookEndpoint } from "../src/webhooks/endpoints.js";
import { START, iso } from "./helpers.js";

describe("pages", () => {
  const items: Position[] = [5, 1, 3, 3, 2].map((at, i) => ({ at, id: `id${i}` }));
  const same = (item: Position) => item;

  it("walks a list page by page with the tokens it gives, in either order", () => {
    for (const order of [oldestFirst, newestFirst]) {
      const sorted = [...items].sort(order);
      const seen: Position[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = pageOf(sorted, same, order, { limit: 2, token });
        seen.push(...page.data);
        expect(page.has_more).toBe(page.next_token !== null);
        token = page.next_token ?? undefined;
        pages++;
      } while (token !== undefined);
      expect(seen).toEqual(sorted);
      expect(pages).toBe(3);
    }
  });

  it("keeps its place when items before it go, and is empty past the end", () => {
    const sorted = [...items].sort(oldestFirst);
    const { next_token } = pageOf(sorted, same, oldestFirst, { limit: 2 });
    const fewer = sorted.slice(1);
    expect(pageOf(fewer, same, oldestFirst, { limit: 10, token: next_token! }).data).toEqual(
      sorted.slice(2),
    );
    const last = pageOf(sorted, same, oldestFirst, { limit: 4 }).next_token!;
    expect(pageOf(sorted.slice(0, 4), same, oldestFirst, { limit: 4, token: last })).toEqual({
      data: [],
      has_more: false,
      next_token: null,
    });
  });

  it("refuses a token it did not give", () => {
    const sorted = [...items].sort(oldestFirst);
    const token = pageOf(sorted, same, oldestFirst, { limit: 1 }).next_token!;
    for (const bad of ["x", `${token}!`, Buffer.from("1.a b").toString("base64url"), "MTI"]) {
      expect(() => pageOf(sorted, same, oldestFirst, { limit: 1, token: bad })).toThrow(ApiError);
    }
  });
});

describe("the events sent", () => {
  const attempt = (eventId: string, at: number, rest: Partial<DeliveryAttempt> = {}) =>
    ({
      eventId,
      eventType: "video_translate.success",
      jobId: "job_a",
      webhookId: "wh_1",
      url: "http://r.test/",
      attempt: 1,
      attemptedAt: iso(START + at),
      statusCode: 500,
      error: null,
      durationMs: 1,
      outcome: "retrying",
      nextRetryAt: null,
      body: JSON.stringify({ event_type: "video_translate.success", event_data: { at } }),
      ...rest,
    }) satisfies DeliveryAttempt;

  it("lists an event once, from its first attempt on any endpoint", () => {
    const events = sentEvents(
      [[attempt("msg_1", 10), attempt("msg_1", 20)], [attempt("msg_1", 5, { webhookId: "wh_2" })]],
      {},
    );
    expect(events).toEqual([
      {
        event_id: "msg_1",
        event_type: "video_translate.success",
        event_data: { at: 5 },
        created_at: iso(START + 5),
        position: { at: START + 5, id: "msg_1" },
      },
    ]);
  });

  it("filters by type and by job, and skips attempts that kept no body", () => {
    const { body: _, ...bodiless } = attempt("msg_4", 4);
    const histories = [
      [
        attempt("msg_1", 1),
        attempt("msg_2", 2, { eventType: "video_translate.fail" }),
        attempt("msg_3", 3, { jobId: "job_b" }),
        bodiless,
      ],
    ];
    const ids = (filter: Parameters<typeof sentEvents>[1]) =>
      sentEvents(histories, filter).map((event) => event.event_id);
    expect(ids({})).toEqual(["msg_1", "msg_2", "msg_3"]);
    expect(ids({ eventType: "video_translate.fail" })).toEqual(["msg_2"]);
    expect(ids({ entityId: "job_b" })).toEqual(["msg_3"]);
  });
});

describe("which endpoints hear an event", () => {
  const job = { id: "job_a", createdAt: START } as JobRecord;
  const endpoint = (rest: Partial<WebhookEndpoint>): WebhookEndpoint => ({
    id: "wh_1",
    url: "http://r.test/",
    events: null,
    secret: "whsec_x",
    createdAt: START,
    ...rest,
  });

  it("hears the jobs created after it, or the one job it is scoped to", () => {
    expect(hears(endpoint({}), "job.completed", job)).toBe(true);
    expect(hears(endpoint({ createdAt: START + 1 }), "job.completed", job)).toBe(false);
    const scoped = { createdAt: START + 1, entityId: "job_a" };
    expect(hears(endpoint(scoped), "job.completed", job)).toBe(true);
    expect(hears(endpoint({ entityId: "job_b" }), "job.completed", job)).toBe(false);
  });

  it("hears the events it lists, and a HeyGen endpoint HeyGen's only", () => {
    expect(hears(endpoint({ events: ["job.failed"] }), "job.completed", job)).toBe(false);
    expect(hears(endpoint({ events: ["job.completed"] }), "job.completed", job)).toBe(true);
    const heygen = endpoint({ api: "heygen-v3" });
    expect(hears(heygen, "video_translate.fail", job)).toBe(true);
    expect(hears(heygen, "job.completed", job)).toBe(false);
    expect(
      hears({ ...heygen, events: ["video_translate.fail"] }, "video_translate.success", job),
    ).toBe(false);
  });
});
