import { jobIdParamsSchema, jobStatusSchema } from "../routes/schemas.js";

// Schemas of the timeline routes: they drive serialization and the OpenAPI document.

const timestamp = {
  type: "string",
  format: "date-time",
  description: "ISO 8601 with milliseconds",
} as const;

const modeSchema = {
  type: "string",
  enum: ["create", "poll", "long-poll", "stream", "cancel"],
  description: "How the request asked: a plain read is a poll, `Prefer: wait` a long-poll",
} as const;

const entrySchema = {
  type: "object",
  required: ["at", "endpoint", "mode", "statusCode", "client"],
  properties: {
    at: { ...timestamp, description: "When the request arrived" },
    endedAt: {
      ...timestamp,
      description: "When it was answered; for a stream, when it ended (absent while open)",
    },
    endpoint: { type: "string", description: "Method and route, e.g. `GET /jobs/:id`" },
    mode: modeSchema,
    statusCode: { type: "integer" },
    result: { ...jobStatusSchema, description: "The job's status the answer carried" },
    client: { type: "string", description: "X-Client-Name, else the User-Agent's product" },
    terminalAt: {
      ...timestamp,
      description: "When this request told its client the job had ended",
    },
  },
} as const;

export const timelineParamsSchema = jobIdParamsSchema;

export const jobTimelineSchema = {
  type: "object",
  required: ["jobId", "status", "createdAt", "requestCount", "droppedCount", "entries"],
  properties: {
    jobId: { type: "string" },
    status: jobStatusSchema,
    createdAt: timestamp,
    completedAt: {
      ...timestamp,
      description: "When the job really completed, failed or was cancelled",
    },
    learned: {
      type: "object",
      description: "The first answer or event that told a client the job had ended",
      required: ["at", "delayMs", "client", "mode", "endpoint"],
      properties: {
        at: timestamp,
        delayMs: { type: "number", description: "at - completedAt, in ms" },
        client: { type: "string" },
        mode: modeSchema,
        endpoint: { type: "string" },
      },
    },
    requestCount: { type: "integer", description: "Every request recorded for the job" },
    droppedCount: {
      type: "integer",
      description: "Older requests no longer listed (only the most recent are kept)",
    },
    entries: { type: "array", items: entrySchema },
  },
} as const;

const nullableMs = { type: ["number", "null"] } as const;

export const timelineSummarySchema = {
  type: "object",
  required: ["clients"],
  properties: {
    clients: {
      type: "array",
      items: {
        type: "object",
        required: [
          "client",
          "jobs",
          "requests",
          "requestsPerJob",
          "detections",
          "meanDelayMs",
          "medianDelayMs",
          "maxDelayMs",
        ],
        properties: {
          client: { type: "string" },
          jobs: { type: "integer", description: "Jobs it asked about" },
          requests: { type: "integer", description: "Its poll, long-poll and stream requests" },
          requestsPerJob: { type: "number" },
          detections: { type: "integer", description: "Jobs whose end it learned" },
          meanDelayMs: { ...nullableMs, description: "From a job's end to this client knowing" },
          medianDelayMs: nullableMs,
          maxDelayMs: nullableMs,
        },
      },
    },
  },
} as const;
