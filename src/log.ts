// Human messages go to stderr (stdout belongs to the frontend and to command output).
import { redact } from "./errors.js";

let verbose = false;

export function setVerbose(on: boolean): void {
  verbose = on;
}

export function isVerbose(): boolean {
  return verbose;
}

export function info(message: string): void {
  process.stderr.write(`binwheel: ${redact(message)}\n`);
}

/** Printed only with `-C verbose=true` or BINWHEEL_VERBOSE=1. */
export function detail(message: string): void {
  if (verbose) info(message);
}

export function warn(message: string): void {
  process.stderr.write(`binwheel: warning: ${redact(message)}\n`);
}
