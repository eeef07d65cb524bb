import type { JobFailure } from "./record.js";

/** Why a simulated job fails; one is drawn for each job whose outcome is "error". */
export const FAILURES: readonly JobFailure[] = [
  {
    code: "audio_extraction_failed",
    message: "Could not extract an audio track from the source video",
  },
  {
    code: "unsupported_language",
    message: "The language spoken in the source video is not supported",
  },
  {
    code: "source_video_unreachable",
    message: "The source video could not be downloaded",
  },
  {
    code: "transcription_failed",
    message: "Speech in the source video could not be transcribed",
  },
  {
    code: "translation_failed",
    message: "The transcript could not be translated into the target language",
  },
  {
    code: "voice_synthesis_failed",
    message: "The translated voice track could not be synthesized",
  },
];

/** The failure for a draw in [0, 1); clamped so a custom `random` returning 1 still picks one. */
export function pickFailure(draw: number): JobFailure {
  const index = Math.min(Math.max(Math.floor(draw * FAILURES.length), 0), FAILURES.length - 1);
  return { ...FAILURES[index]! };
}
