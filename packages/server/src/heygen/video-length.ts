import { ParamError } from "./errors.js";

/** How a translation's length follows its video. */
export interface VideoTiming {
  /** Seconds of work per second of video translated. */
  workSecondsPerVideoSecond: number;
  /** The server's job length, in ms: the length of a translation whose request says nothing. */
  pendingDurationMs: number;
}

/** What a v3 request says of the part of the video to translate, in seconds. */
export interface VideoRange {
  start_time?: number;
  end_time?: number;
}

/** Longest a translation may take, in ms: as long as `POST /jobs` allows. */
export const MAX_TRANSLATION_MS = 86_400_000;

/**
 * The seconds of video a request translates (v3's `duration`) and the job's length, in ms.
 * The simulator has no video, so it gives every source the same length: the one whose
 * translation takes the server's PENDING_DURATION. A request that says nothing then keeps the
 * server's job length (`pendingDurationMs` undefined); `end_time` makes a clip of any length,
 * and `start_time` alone the rest of the video.
 */
export function translationLength(
  { start_time: start, end_time: end }: VideoRange,
  { workSecondsPerVideoSecond: rate, pendingDurationMs }: VideoTiming,
): { videoSeconds: number; pendingDurationMs?: number } {
  const videoLength = seconds(pendingDurationMs / 1_000 / rate);
  if (start === undefined && end === undefined) return { videoSeconds: videoLength };
  const from = start ?? 0;
  if (end !== undefined && end <= from) {
    throw new ParamError("end_time", "body.end_time must be greater than body.start_time");
  }
  if (end === undefined && from >= videoLength) {
    throw new ParamError(
      "start_time",
      `body.start_time is past the end of the video: the simulator's videos are ${videoLength} s long`,
    );
  }
  const videoSeconds = seconds((end ?? videoLength) - from);
  const lengthMs = Math.round(videoSeconds * rate * 1_000);
  if (lengthMs > MAX_TRANSLATION_MS) {
    throw new ParamError(
      end === undefined ? "start_time" : "end_time",
      `${videoSeconds} s of video would take ${lengthMs / 1_000} s to translate, more than the ` +
        `${MAX_TRANSLATION_MS / 1_000} s a job may last`,
    );
  }
  return { videoSeconds, pendingDurationMs: lengthMs };
}

/** To the millisecond, so that 0.1 + 0.2 reads 0.3. */
function seconds(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}
