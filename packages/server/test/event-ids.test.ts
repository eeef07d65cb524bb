import { describe, expect, it } from "vitest";
import { START, createJob, openStream, parseEvents, settle, setup, until } from "./helpers.js";

const options = { pendingDurationMs: 10_000, errorProbability: 0, etaError: 0 };

/** Ids are epoch ms; these jobs start at START. */
const at = (ms: number) => String(START + ms);

const idsOf = (events: Array<{ id?: string; event?: string }>) =>
  events.filter((e) => e.id !== undefined).map((e) => [e.event, e.id]);

describe("one event id scheme for the job and the multiplexed stream", () => {
  it("gives a job's done the same id on both routes: the moment it ended", async () => {
    const { app, clock } = setup(options);
    const job = await createJob(app, { pendingDurationMs: 2_500 });
    const single = await openStream(app, `/jobs/${job.id}/events`);
    const many = await openStream(app, `/events?ids=${job.id}`);
    clock.advance(1_000);
    clock.advance(1_000);
    clock.advance(1_000);
    await single.untilEnded();
    await many.untilEnded();
    expect(idsOf(single.events())).toEqual([
      ["progress", at(0)],
      ["progress", at(1_000)],
      ["progress", at(2_000)],
      ["done", at(2_500)],
    ]);
    expect(idsOf(many.events())).toEqual([
      ["progress", at(0)],
      ["done", at(2_500)],
      ["end", at(2_500)],
    ]);
  });

  it("resumes both routes the same way: jobs ended by Last-Event-ID are not sent again", async () => {
    const { app, clock } = setup(options);
    const a = await createJob(app, { pendingDurationMs: 1_000 });
    const b = await createJob(app, { pendingDurationMs: 3_000 });
    clock.advance(5_000);
    const headers = (id: string) => ({ "last-event-id": id });

    // Has a's end: a's stream is done (204), b's and the pair's go on with what is new.
    expect(
      (await app.inject({ url: `/jobs/${a.id}/events`, headers: headers(at(1_000)) })).statusCode,
    ).toBe(204);
    const single = await app.inject({ url: `/jobs/${b.id}/events`, headers: headers(at(1_000)) });
    expect(idsOf(parseEvents(single.body))).toEqual([["done", at(3_000)]]);
    const many = await app.inject({
      url: `/events?ids=${a.id},${b.id}`,
      headers: headers(at(1_000)),
    });
    expect(idsOf(parseEvents(many.body))).toEqual([
      ["done", at(3_000)],
      ["end", at(5_000)],
    ]);
    expect(JSON.parse(parseEvents(many.body)[1]!.data!)).toMatchObject({ id: b.id });

    // Has both ends: nothing left on either route.
    for (const url of [`/jobs/${b.id}/events`, `/events?ids=${a.id},${b.id}`]) {
      const response = await app.inject({ url, headers: headers(at(3_000)) });
      expect(response.statusCode, url).toBe(204);
    }
    // The same through ?lastEventId=, for clients that cannot set headers.
    const query = await app.inject({ url: `/events?ids=${a.id},${b.id}&lastEventId=${at(3_000)}` });
    expect(query.statusCode).toBe(204);
  });

  it("opens a multiplexed stream with the ends first, in the order they happened", async () => {
    const { app, clock } = setup(options);
    const a = await createJob(app, { pendingDurationMs: 1_000 });
    const b = await createJob(app, { pendingDurationMs: 3_000 });
    const c = await createJob(app);
    clock.advance(3_500);
    const stream = await openStream(app, `/events?ids=${c.id},${b.id},${a.id}`);
    await until(() => stream.events().length === 4);
    const events = stream.events();
    expect(events.map((e) => [e.event, e.data && JSON.parse(e.data).id, e.id])).toEqual([
      ["open", undefined, undefined],
      ["done", a.id, at(1_000)],
      ["done", b.id, at(3_000)],
      ["progress", c.id, at(3_500)],
    ]);
  });

  it("never sends an id before the done of a job that ended earlier, however late the timer", async () => {
    // A timer that never fires: the completion wake-up is as late as it can be, so only the
    // order the stream keeps puts a's end before b's cancel.
    const { app, clock } = setup({ ...options, setTimer: () => () => {} });
    const a = await createJob(app, { pendingDurationMs: 1_000 });
    const b = await createJob(app);
    const stream = await openStream(app, `/events?ids=${a.id},${b.id}`);
    clock.advance(2_000);
    await settle();
    expect(stream.events().map((e) => e.event)).toEqual(["open", "progress", "progress"]);
    await app.inject({ method: "DELETE", url: `/jobs/${b.id}` });
    await stream.untilEnded();
    const ends = stream.events().slice(3);
    expect(ends.map((e) => [e.event, e.data && JSON.parse(e.data).id, e.id])).toEqual([
      ["done", a.id, at(1_000)],
      ["done", b.id, at(2_000)],
      ["end", undefined, at(2_000)],
    ]);
  });
});
