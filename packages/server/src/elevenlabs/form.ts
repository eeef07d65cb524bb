import type { FastifyRequest } from "fastify";
import { ApiError } from "../errors.js";
import { FormFieldError } from "./errors.js";
import { DUBBING_FIELDS, PARSE_ERRORS, type DubbingField } from "./fields.js";

/** An uploaded file, as the simulator keeps it: what it was, never its bytes. */
export interface Upload {
  filename: string;
  content_type: string;
  bytes: number;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The files of a dubbing form, by field; set by `readDubbingForm`. */
    uploads: Partial<Record<DubbingField, Upload>> | null;
  }
}

/** Largest file taken, in bytes: ElevenLabs' own limit for an upload to the dubbing API. */
export const MAX_UPLOAD_BYTES = 1024 ** 3;

/**
 * preValidation of `POST /v1/dubbing`: reads the multipart form into `request.body` (each field
 * as its text, each file as its name, for the schema to check) and the files' sizes and types
 * into `request.uploads`. A file is read through and dropped, so its size costs no memory.
 */
export async function readDubbingForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) {
    throw new ApiError("unsupported_media_type", "Send the form as multipart/form-data");
  }
  const body: Record<string, string> = {};
  const uploads: Partial<Record<DubbingField, Upload>> = {};
  try {
    for await (const part of request.parts({ limits: { fileSize: MAX_UPLOAD_BYTES } })) {
      const name = part.fieldname;
      if (Object.hasOwn(body, name)) {
        if (part.type === "file") part.file.resume();
        throw new FormFieldError({
          loc: ["body", name],
          msg: "Field given more than once",
          type: "value_error",
        });
      }
      const kind = Object.hasOwn(DUBBING_FIELDS, name)
        ? DUBBING_FIELDS[name as DubbingField]
        : undefined;
      if (part.type === "file") {
        let bytes = 0;
        for await (const chunk of part.file) bytes += (chunk as Buffer).length;
        if (kind !== undefined && kind !== "file") {
          throw new FormFieldError({ loc: ["body", name], ...PARSE_ERRORS.text });
        }
        const filename = part.filename || "upload";
        body[name] = filename;
        uploads[name as DubbingField] = { filename, content_type: part.mimetype, bytes };
        continue;
      }
      if (kind === "file") {
        throw new FormFieldError({ loc: ["body", name], ...PARSE_ERRORS.file });
      }
      body[name] = String(part.value);
    }
  } catch (error) {
    throw unreadable(error);
  }
  request.body = body;
  request.uploads = uploads;
}

/**
 * What a failure to read the form answers: our own errors and the multipart plugin's client
 * errors (a file too large: 413) as they are; the parser's (no boundary, a form cut short, a
 * malformed part header) are the client's too, so 400, never 500.
 */
function unreadable(error: unknown): unknown {
  if (error instanceof FormFieldError || error instanceof ApiError) return error;
  const { statusCode } = error as { statusCode?: unknown };
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ApiError("invalid_request", `The multipart form could not be read: ${reason}`, {
    cause: error,
  });
}
