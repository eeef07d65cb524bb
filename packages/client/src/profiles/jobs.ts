import { parseSnapshot } from "../parse.js";
import type { ApiProfile } from "./types.js";

/** Our own shape: `POST /jobs`, `GET /jobs/{id}` answering the job itself. */
export const jobsProfile: ApiProfile = {
  name: "jobs",
  jobUrl: (baseUrl, jobId) => `${baseUrl}/jobs/${encodeURIComponent(jobId)}`,
  createUrl: (baseUrl) => `${baseUrl}/jobs`,
  idempotentCreate: true,
  jobsExtras: true,
  parseStatus: parseSnapshot,
  parseCreated: parseSnapshot,
};
