// Human messages go to stderr (stdout belongs to the frontend and to command output). On a
// terminal, running work may keep live lines at the bottom (download progress): every message is
// printed above them, and they are redrawn below it, so nothing overwrites anything else.
import { printable } from "./fs/artifact-path.js";
import { redact } from "./errors.js";

/** quiet: warnings and errors only (-q); verbose: also every detail (-v, -C verbose, BINWHEEL_VERBOSE). */
export type Verbosity = "quiet" | "normal" | "verbose";
export type ColourSetting = "auto" | "always" | "never";

let verbosity: Verbosity = "normal";
let colour = false;
/** Where messages go: stderr. The unit tests' setup drops them unless a test captures stderr (test/support/quiet-log.ts). */
let sink = (text: string): void => void process.stderr.write(text);

export function setLogSink(write: (text: string) => void): void {
  sink = write;
}

export function setVerbosity(level: Verbosity): void {
  verbosity = level;
}

/** `-C verbose` / BINWHEEL_VERBOSE turn verbose on; they never make a quiet run chatty. */
export function setVerbose(on: boolean): void {
  if (on && verbosity !== "quiet") verbosity = "verbose";
}

/**
 * Whether `error:` and `warning:` are coloured: --color always/never decides; on "auto",
 * FORCE_COLOR (not "0" or "false") turns colour on and wins over NO_COLOR, as in Node itself;
 * NO_COLOR (non-empty, no-color.org) turns it off; else colour on a terminal that is not "dumb".
 */
export function wantsColour(setting: ColourSetting, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (setting !== "auto") return setting === "always";
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return !["0", "false"].includes(force.toLowerCase());
  if (env["NO_COLOR"]) return false;
  return isTTY && env["TERM"] !== "dumb";
}

export function setColour(setting: ColourSetting, env: NodeJS.ProcessEnv = process.env): void {
  colour = wantsColour(setting, env, process.stderr.isTTY === true);
}

const paint = (code: string, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);

export function info(message: string): void {
  if (verbosity !== "quiet") print(`binwheel: ${shown(message)}`);
}

/** Printed only when verbose. */
export function detail(message: string): void {
  if (verbosity === "verbose") print(`binwheel: ${shown(message)}`);
}

export function warn(message: string): void {
  print(`binwheel: ${paint("1;33", "warning:")} ${shown(message)}`);
}

/** The one paragraph of a failure; `label` is "error" or "internal error". */
export function error(message: string, label = "error"): void {
  print(`binwheel: ${paint("1;31", `${label}:`)} ${shown(message)}`);
}

/** Text as is, without the `binwheel:` prefix (a stack trace with BINWHEEL_DEBUG=1). */
export function raw(text: string): void {
  print(text.split("\n").map(shown).join("\n"));
}

/**
 * A message as printed: secrets masked, and control characters from outside (an archive's link
 * target, a file name) escaped, so no input can forge a line or move the cursor. binwheel's own
 * messages are one paragraph: they hold no newline either.
 */
export function shown(message: string): string {
  return printable(redact(message));
}

// ---- live lines (a terminal only) ----

/** The live lines' texts, in the order they were opened, and how many rows are on screen now. */
const live: { text: string }[] = [];
let drawn = 0;

/** One line kept at the bottom of the terminal while its work runs; `update` redraws, `close` removes it. */
export interface LiveLine {
  update(text: string): void;
  close(): void;
}

/** Whether live lines can be drawn: stderr is a terminal and the run is not quiet. */
export function canDrawLive(): boolean {
  return process.stderr.isTTY === true && verbosity !== "quiet";
}

/** Opens a live line (callers check canDrawLive first). */
export function liveLine(text: string): LiveLine {
  const entry = { text: shown(text) };
  live.push(entry);
  print(undefined);
  return {
    update(next) {
      entry.text = shown(next);
      print(undefined);
    },
    close() {
      const i = live.indexOf(entry);
      if (i >= 0) live.splice(i, 1);
      print(undefined);
    },
  };
}

/** Erases the live rows, writes `text` (if any) where they were, and draws the live lines again below. */
function print(text: string | undefined): void {
  const out = process.stderr;
  let chunk = drawn ? `\x1b[${drawn}A\r\x1b[J` : "";
  if (text !== undefined) chunk += `${text}\n`;
  // Each line is cut to the terminal's width: a wrapped line would take two rows and break the count.
  const width = Math.max((out.columns || 80) - 1, 20);
  for (const { text: line } of live) chunk += `${line.length <= width ? line : `${line.slice(0, width - 1)}…`}\n`;
  drawn = live.length;
  if (chunk) sink(chunk);
}
