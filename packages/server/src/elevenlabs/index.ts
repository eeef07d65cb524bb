import multipart from "@fastify/multipart";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import fp from "fastify-plugin";
import { ApiError } from "../errors.js";
import { JobFinishedError } from "../jobs/errors.js";
import { deriveState } from "../jobs/derive.js";
import type { JobSnapshot } from "../jobs/service.js";
import { ownerOf } from "../auth/caller.js";
import { readVendorJob, setVendorHints, type VendorHints } from "../vendor/hints.js";
import { installDetailErrors } from "./errors.js";
import { DUBBING_FIELDS, fieldValue, type DubbingField } from "./fields.js";
import { readDubbingForm, type Upload } from "./form.js";
import {
  detailErrorResponses,
  dubbingCreatedSchema,
  dubbingDeletedSchema,
  dubbingFormSchema,
  dubbingIdParamsSchema,
  dubbingMetadataSchema,
  validationErrorSchema,
} from "./schemas.js";
import { toCreatedView, toDubbingView } from "./view.js";

export interface ElevenlabsOptions {
  /**
   * Whether these routes add the simulator's hints and honour `Prefer: wait`; the real API
   * does neither.
   * @default false
   */
  vendorHints?: boolean;
}

const PATH = "/v1/dubbing";
const TAGS = ["elevenlabs"];
// Keys are optional, as everywhere: the server asks for one only when started with API_KEYS.
const SECURITY = [{}, { xiApiKey: [] }, { bearer: [] }];
const FAITHFUL =
  "ElevenLabs' request and answers, as its official JS SDK sends and parses them, over the " +
  "simulator's own jobs; see docs/elevenlabs.md.";

type DubbingForm = Partial<Record<DubbingField, string>>;

/**
 * ElevenLabs' dubbing: create (a multipart form), read, delete. The jobs are the ones `/jobs`
 * serves (`app.jobs`: register it after the core plugin); auth is `xi-api-key` against the same
 * keys; every error is in ElevenLabs' shape. Encapsulated: its form parser and error shape stay
 * on its own routes.
 */
const dubbing: FastifyPluginAsync<ElevenlabsOptions> = async (app, { vendorHints = false }) => {
  const { jobs: service, live } = app;
  // Here only: the rest of the API takes JSON alone.
  await app.register(multipart);
  installDetailErrors(app);
  app.decorateRequest("uploads", null);
  const hints: VendorHints = { enabled: vendorHints, live };
  const pathOf = (id: string) => `${PATH}/${encodeURIComponent(id)}`;
  const config = { apiKeyHeader: "xi-api-key" };
  const jobConfig = { ...config, jobParam: "dubbing_id" };

  app.post<{ Body: DubbingForm }>(
    PATH,
    {
      config: { ...config, timelineKind: "create" },
      schema: {
        summary: "Dub a video or audio file (ElevenLabs shape)",
        description: `${FAITHFUL} Send \`source_url\` or \`file\`, and \`target_lang\`.`,
        tags: TAGS,
        security: SECURITY,
        consumes: ["multipart/form-data"],
        body: dubbingFormSchema,
        response: {
          200: dubbingCreatedSchema,
          422: validationErrorSchema,
          ...detailErrorResponses(400, 413, 415),
        },
      },
      preValidation: readDubbingForm,
    },
    async (request, reply) => {
      const form = request.body;
      const { source_url, target_lang } = form;
      const file = request.uploads?.file;
      if (source_url === undefined && file === undefined) {
        throw new ApiError("invalid_request", "Send source_url or file: the media to dub");
      }
      if (source_url !== undefined && file !== undefined) {
        throw new ApiError("invalid_request", "Send source_url or file, not both");
      }
      if (target_lang === undefined) {
        throw new ApiError("invalid_request", "Send target_lang: the language to dub into");
      }
      const created = await service.create(
        {
          api: "elevenlabs",
          outputLanguage: target_lang,
          title: form.name ?? defaultName(source_url, file),
          ...(source_url !== undefined && { videoUrl: source_url }),
          metadata: formMetadata(form, request.uploads ?? {}),
        },
        { owner: ownerOf(request) },
      );
      return answer(reply, created, toCreatedView(created.record, created.at));
    },
  );

  app.get<{ Params: { dubbing_id: string } }>(
    `${PATH}/:dubbing_id`,
    {
      config: { ...jobConfig, timelineKind: "read" },
      schema: {
        summary: "Read a dub (ElevenLabs shape)",
        description: `${FAITHFUL} Status \`dubbing\`, \`dubbed\` or \`failed\`.`,
        tags: TAGS,
        security: SECURITY,
        params: dubbingIdParamsSchema,
        response: { 200: dubbingMetadataSchema, ...detailErrorResponses(404) },
      },
    },
    async (request, reply) => {
      const { dubbing_id: id } = request.params;
      const owner = ownerOf(request);
      const snapshot = await readVendorJob(request, reply, hints, () => service.get(id, owner));
      return answer(reply, snapshot, toDubbingView(snapshot.record, snapshot.at));
    },
  );

  // The simulator never forgets a job: a dub still running is stopped (and then reads as
  // failed), a finished one stays readable, as it does under /jobs.
  app.delete<{ Params: { dubbing_id: string } }>(
    `${PATH}/:dubbing_id`,
    {
      config: { ...jobConfig, timelineKind: "cancel" },
      schema: {
        summary: "Delete a dub (ElevenLabs shape)",
        description: `${FAITHFUL} A dub still running is cancelled; a finished one is kept.`,
        tags: TAGS,
        security: SECURITY,
        params: dubbingIdParamsSchema,
        response: { 200: dubbingDeletedSchema, ...detailErrorResponses(404) },
      },
    },
    async (request) => {
      const { dubbing_id: id } = request.params;
      const owner = ownerOf(request);
      const snapshot = await service.get(id, owner);
      const pending = deriveState(snapshot.record, snapshot.at).status === "pending";
      const after = pending ? await stop(id, owner, snapshot) : snapshot;
      request.answered = { record: after.record, state: deriveState(after.record, after.at) };
      return { status: "ok" };
    },
  );

  /** Cancels a running dub; one that ended meanwhile is left as it is. */
  async function stop(id: string, owner: string | undefined, read: JobSnapshot) {
    try {
      return await service.cancel(id, owner);
    } catch (error) {
      if (error instanceof JobFinishedError) return read;
      throw error;
    }
  }

  /** Leaves the job answered on the request, adds the hints when on, and sends `body`. */
  function answer<T>(reply: FastifyReply, snapshot: JobSnapshot, body: T): T {
    const { record, at } = snapshot;
    reply.request.answered = { record, state: deriveState(record, at) };
    setVendorHints(reply, snapshot, pathOf(record.id), hints);
    return body;
  }
};

export const elevenlabsRoutes = fp(dubbing, {
  name: "elevenlabs",
  dependencies: ["core"],
  encapsulate: true,
});

/** The fields the simulator does not act on, and the uploads, kept with the job. */
function formMetadata(
  form: DubbingForm,
  uploads: Partial<Record<DubbingField, Upload>>,
): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(form) as Array<[DubbingField, string]>) {
    if (["source_url", "target_lang", "name"].includes(name)) continue;
    const kind = DUBBING_FIELDS[name];
    metadata[name] = kind === "file" ? uploads[name] : fieldValue(kind, text);
  }
  return metadata;
}

/** A project's name when the form gives none: the file's name, else the URL's last segment. */
function defaultName(sourceUrl: string | undefined, file: Upload | undefined): string {
  if (file !== undefined) return file.filename;
  const segment = sourceUrl?.split(/[?#]/, 1)[0]?.split("/").filter(Boolean).at(-1);
  return segment === undefined || segment.includes(":") ? "Untitled" : segment;
}
