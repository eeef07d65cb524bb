import type { FastifyPluginAsync } from "fastify";
import type { HeygenRouteOptions } from "./index.js";
import { heygenErrorResponses, v3Data, v3ErrorSchema } from "./schemas.js";

/**
 * Target languages, named as HeyGen names them ("Spanish (Spain)"). HeyGen's own list is longer
 * and changes; this is a stable sample of it, and creation does not check against it.
 */
export const LANGUAGES: readonly string[] = [
  "Arabic",
  "Chinese (Cantonese, Traditional)",
  "Chinese (Mandarin, Simplified)",
  "Dutch",
  "English",
  "English (United Kingdom)",
  "French",
  "French (Canada)",
  "German",
  "Hindi",
  "Indonesian",
  "Italian",
  "Japanese",
  "Korean",
  "Polish",
  "Portuguese",
  "Portuguese (Brazil)",
  "Russian",
  "Spanish",
  "Spanish (Mexico)",
  "Spanish (Spain)",
  "Swedish",
  "Turkish",
  "Ukrainian",
  "Vietnamese",
];

/** `GET /v3/video-translations/languages`. */
export const heygenV3LanguagesRoutes: FastifyPluginAsync<HeygenRouteOptions> = async (app) => {
  app.get(
    "/v3/video-translations/languages",
    {
      schema: {
        summary: "List the target languages (HeyGen v3 shape)",
        description: "The language names `output_languages` takes.",
        tags: ["heygen-v3"],
        response: {
          200: v3Data({
            type: "object",
            required: ["languages"],
            properties: { languages: { type: "array", items: { type: "string" } } },
          }),
          ...heygenErrorResponses(v3ErrorSchema),
        },
      },
    },
    async () => ({ data: { languages: LANGUAGES } }),
  );
};
