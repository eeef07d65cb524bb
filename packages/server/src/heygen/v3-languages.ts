import type { FastifyPluginAsync } from "fastify";
import type { HeygenRoutesOptions } from "../routes/heygen-v2.js";
import { installV3Errors, v3ErrorResponses } from "./v3-errors.js";

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
export const heygenV3LanguagesRoutes: FastifyPluginAsync<HeygenRoutesOptions> = async (app) => {
  installV3Errors(app);
  app.get(
    "/v3/video-translations/languages",
    {
      schema: {
        summary: "List the target languages (HeyGen v3 shape)",
        description: "The language names `output_languages` takes.",
        tags: ["heygen-v3"],
        response: {
          200: {
            type: "object",
            required: ["data"],
            properties: {
              data: {
                type: "object",
                required: ["languages"],
                properties: { languages: { type: "array", items: { type: "string" } } },
              },
            },
          },
          ...v3ErrorResponses(),
        },
      },
    },
    async () => ({ data: { languages: LANGUAGES } }),
  );
};
