import type { CreateJobOptions, SimulatorCreateJobOptions } from "../create-options.js";
import { heygenV2Profile, type HeygenV2CreateJobOptions } from "./heygen-v2.js";
import { heygenV3Profile, type HeygenV3CreateJobOptions } from "./heygen-v3.js";
import { elevenlabsProfile, type ElevenlabsCreateJobOptions } from "./elevenlabs.js";
import { jobsProfile } from "./jobs.js";
import type { ApiName, ApiProfile } from "./types.js";

export type { ApiName, ApiProfile, BatchAnswer, StatusMap, StreamItem } from "./types.js";
export type { ElevenlabsCreateJobOptions, HeygenV2CreateJobOptions, HeygenV3CreateJobOptions };

/** What `createJob` takes with each API. */
export interface CreateJobOptionsByApi {
  jobs: CreateJobOptions & SimulatorCreateJobOptions;
  "heygen-v2": HeygenV2CreateJobOptions;
  "heygen-v3": HeygenV3CreateJobOptions;
  elevenlabs: ElevenlabsCreateJobOptions;
}

const PROFILES: Readonly<Record<ApiName, ApiProfile>> = {
  jobs: jobsProfile,
  "heygen-v2": heygenV2Profile,
  "heygen-v3": heygenV3Profile,
  elevenlabs: elevenlabsProfile,
};

/** The profile of an API; a TypeError naming the `api` option for any other value. */
export function profileFor(api: unknown): ApiProfile {
  if (typeof api === "string" && Object.hasOwn(PROFILES, api)) return PROFILES[api as ApiName];
  throw new TypeError(
    `Option "api" must be one of ${Object.keys(PROFILES).join(", ")}, got ${JSON.stringify(api)}`,
  );
}
