// The simulator's API as the page uses it: every call names the page as its client, and carries
// the API key when one was given.

import type { ClientSummary, JobStatus, JobView } from "@translation-status/server";

// The server's wire types, shared (type-only: nothing of the server reaches the bundle).
export type { ClientSummary, JobStatus, JobView };

export type Mode = "create" | "poll" | "long-poll" | "stream" | "cancel";

export interface TimelineEntry {
  at: string;
  endedAt?: string;
  endpoint: string;
  mode: Mode;
  statusCode: number;
  result?: JobStatus;
  client: string;
  terminalAt?: string;
}

export interface JobTimeline {
  jobId: string;
  status: JobStatus;
  createdAt: string;
  completedAt?: string;
  learned?: { at: string; delayMs: number; client: string; mode: Mode; endpoint: string };
  requestCount: number;
  droppedCount: number;
  entries: TimelineEntry[];
}

/** The name this page's requests carry, so its own requests show as one client. */
export const CLIENT_NAME = "dashboard";

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  apiKey = "";

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      "x-client-name": CLIENT_NAME,
      ...(this.apiKey !== "" && { "x-api-key": this.apiKey }),
      ...extra,
    };
  }

  async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(path, {
      ...init,
      headers: this.headers(init.headers as Record<string, string> | undefined),
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const message =
        (body as { error?: { message?: string } } | undefined)?.error?.message ??
        `HTTP ${response.status}`;
      throw new ApiError(response.status, message);
    }
    return body as T;
  }

  /** Every job of the caller, following the list's cursors (at most `pages` pages). */
  async listJobs(pages = 10): Promise<JobView[]> {
    const jobs: JobView[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < pages; page++) {
      const query = `limit=100${cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`}`;
      const result = await this.json<{ data: JobView[]; nextCursor: string | null }>(
        `/jobs?${query}`,
      );
      jobs.push(...result.data);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return jobs;
  }

  createJob(pendingDurationMs: number, errorProbability: number): Promise<JobView> {
    return this.json<JobView>("/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pendingDurationMs, errorProbability }),
    });
  }

  cancelJob(id: string): Promise<JobView> {
    return this.json<JobView>(`/jobs/${encodeURIComponent(id)}`, { method: "DELETE" });
  }

  timeline(id: string): Promise<JobTimeline> {
    return this.json<JobTimeline>(`/jobs/${encodeURIComponent(id)}/timeline`);
  }

  async summary(): Promise<ClientSummary[]> {
    return (await this.json<{ clients: ClientSummary[] }>("/timelines/summary")).clients;
  }
}
