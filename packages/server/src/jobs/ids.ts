import { randomInt } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** What a job id looks like; ids from other stores may be longer, up to 64 characters. */
export const JOB_ID_PATTERN = /^job_[A-Za-z0-9]{1,64}$/;

/** `job_` and 20 base62 characters (about 119 bits), from the OS's CSPRNG so ids are unguessable. */
export function newJobId(): string {
  let id = "job_";
  for (let i = 0; i < 20; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}
