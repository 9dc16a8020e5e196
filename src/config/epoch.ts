// SOURCE_DATE_EPOCH: the timestamp of every file binwheel writes, for reproducible builds.
import { fail } from "../errors.js";

const MIN = 315532800; // 1980-01-01T00:00:00Z, the earliest time a zip can hold
const MAX = 4354819198; // 2107-12-31T23:59:58Z, the latest

/** Seconds since 1970 from SOURCE_DATE_EPOCH, clamped to 1980..2107; 1980-01-01 without it. */
export function buildTimestamp(env: NodeJS.ProcessEnv): number {
  const value = env["SOURCE_DATE_EPOCH"];
  if (value === undefined || value.trim() === "") return MIN;
  const seconds = Number(value);
  if (!Number.isInteger(seconds)) fail(`SOURCE_DATE_EPOCH="${value}" is not a whole number of seconds.`);
  return Math.min(Math.max(seconds, MIN), MAX);
}
