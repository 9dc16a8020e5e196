// Human messages go to stderr (stdout belongs to the frontend and to command output).
import { printable } from "./fs/artifact-path.js";
import { redact } from "./errors.js";

let verbose = false;

export function setVerbose(on: boolean): void {
  verbose = on;
}

export function isVerbose(): boolean {
  return verbose;
}

export function info(message: string): void {
  process.stderr.write(`binwheel: ${shown(message)}\n`);
}

/** Printed only with `-C verbose=true` or BINWHEEL_VERBOSE=1. */
export function detail(message: string): void {
  if (verbose) info(message);
}

export function warn(message: string): void {
  process.stderr.write(`binwheel: warning: ${shown(message)}\n`);
}

/**
 * A message as printed: secrets masked, and control characters from outside (an archive's link
 * target, a file name) escaped, so no input can forge a line or move the cursor. binwheel's own
 * messages are one paragraph: they hold no newline either.
 */
export function shown(message: string): string {
  return printable(redact(message));
}
