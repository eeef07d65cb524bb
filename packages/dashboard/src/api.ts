// The simulator's API as the page uses it, through the client: every call names the page as its
// client, and carries the API key when one was given.

import {
  AuthenticationError,
  CLIENT_DEFAULTS,
  HttpError,
  TranslationStatusClient,
  readEvents,
  type ServerSentEvent,
} from "@translation-status/client";
import type {
  ClientSummary,
  JobPage,
  JobStatus,
  JobTimelineView,
  JobView,
  TimelineEntryView,
  TimelineSummaryView,
} from "@translation-status/server";

// The server's wire types, shared (type-only: nothing of the server reaches the bundle).
export type { ClientSummary, JobStatus, JobTimelineView, JobView, TimelineEntryView };

/** The name this page's requests carry, so its own requests show as one client. */
export const CLIENT_NAME = "dashboard";

export class Api {
  readonly #origin: string;
  #apiKey: string | undefined;
  #client: TranslationStatusClient;

  constructor(origin: string) {
    this.#origin = origin;
    this.#client = this.#clientFor(undefined);
  }

  /**
   * Sets the key every call sends; empty for none. Throws a TypeError, naming the option, for a
   * key no header can carry.
   */
  useKey(apiKey: string): void {
    const key = apiKey === "" ? undefined : apiKey;
    this.#client = this.#clientFor(key);
    this.#apiKey = key;
  }

  /** Every job of the caller, following the list's cursors (at most `pages` pages). */
  async listJobs(pages = 10): Promise<JobView[]> {
    const jobs: JobView[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < pages; page++) {
      const query = `limit=100${cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`}`;
      const result = await this.#get<JobPage>(`/jobs?${query}`);
      jobs.push(...result.data);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return jobs;
  }

  async createJob(pendingDurationMs: number, errorProbability: number): Promise<JobView> {
    const created = await this.#client.createJob({ pendingDurationMs, errorProbability });
    return created.raw as JobView;
  }

  async cancelJob(id: string): Promise<JobView> {
    return (await this.#client.cancelJob(id)).raw as JobView;
  }

  timeline(id: string): Promise<JobTimelineView> {
    return this.#get<JobTimelineView>(`/jobs/${encodeURIComponent(id)}/timeline`);
  }

  async summary(): Promise<ClientSummary[]> {
    return (await this.#get<TimelineSummaryView>("/timelines/summary")).clients;
  }

  /** The multiplexed stream of these jobs, until it ends or `signal` aborts. */
  followJobs(
    ids: Iterable<string>,
    signal: AbortSignal,
    onEvent: (event: ServerSentEvent) => void,
  ): Promise<void> {
    const query = [...ids].map(encodeURIComponent).join(",");
    return readEvents(`${this.#origin}/events?ids=${query}`, onEvent, {
      signal,
      clientName: CLIENT_NAME,
      headers: this.#keyHeader(),
    });
  }

  #clientFor(apiKey: string | undefined): TranslationStatusClient {
    return new TranslationStatusClient({
      baseUrl: this.#origin,
      clientName: CLIENT_NAME,
      ...(apiKey !== undefined && { apiKey }),
    });
  }

  #keyHeader(): Record<string, string> {
    return this.#apiKey === undefined ? {} : { "x-api-key": this.#apiKey };
  }

  /**
   * The simulator's own reads (lists, timelines, the comparison) are no job status, so the
   * client has no method for them: a plain GET, failing with the client's error classes.
   */
  async #get<T>(path: string): Promise<T> {
    const url = `${this.#origin}${path}`;
    const response = await fetch(url, {
      headers: { accept: "application/json", "x-client-name": CLIENT_NAME, ...this.#keyHeader() },
      // A hung server must not pile up the page's periodic reads.
      signal: AbortSignal.timeout(CLIENT_DEFAULTS.requestTimeoutMs),
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      const details = {
        method: "GET",
        url,
        status: response.status,
        code: error?.code,
        serverMessage: error?.message,
      };
      throw response.status === 401 || response.status === 403
        ? new AuthenticationError(details)
        : new HttpError(details);
    }
    return body as T;
  }
}
