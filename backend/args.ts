// Command-line parsing shared by the commands: node:util's parseArgs plus one optional project
// folder, and the build options the flags map to (the same as -C settings for the backend).
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { readOptions, type BuildOptions } from "../src/config/settings.js";
import { fail } from "../src/errors.js";
import { setVerbose } from "../src/log.js";
import { checkedHostFacts, nodeHostFacts, type HostFacts } from "../src/platform/host.js";

type Options = NonNullable<ParseArgsConfig["options"]>;
export type ParsedValues<T> = {
  [K in keyof T]?: T[K] extends { type: "boolean" } ? boolean : T[K] extends { multiple: true } ? string[] : string;
};

/** Parses a command's options and its one optional project folder (default: the current one). */
export function parse<T extends Options>(command: string, args: string[], options: T): { values: ParsedValues<T>; projectDir: string } {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options });
  } catch (e) {
    fail(`${(e as Error).message}. Run "binwheel --help" for the options.`);
  }
  if (parsed.positionals.length > 1) fail(`binwheel ${command} takes one project folder, got ${parsed.positionals.length}.`);
  return { values: parsed.values as ParsedValues<T>, projectDir: path.resolve(parsed.positionals[0] ?? ".") };
}

/** Build options from the flags a command shares with -C settings. */
export function buildOptions(flags: { "upstream-version"?: string; offline?: boolean; locked?: boolean; verbose?: boolean }): BuildOptions {
  const settings: Record<string, string> = {};
  if (flags["upstream-version"] !== undefined) settings["upstream-version"] = flags["upstream-version"];
  if (flags.offline) settings["offline"] = "true";
  if (flags.locked) settings["locked"] = "true";
  if (flags.verbose) settings["verbose"] = "true";
  const options = readOptions(settings, process.env);
  setVerbose(options.verbose);
  return options;
}

/** `python -m binwheel` passes the interpreter's facts; otherwise Node's own are used. */
export function hostFacts(): HostFacts {
  const fromShim = process.env["BINWHEEL_HOST_FACTS"];
  if (!fromShim) return nodeHostFacts();
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromShim);
  } catch {
    parsed = undefined;
  }
  return checkedHostFacts(parsed, "BINWHEEL_HOST_FACTS");
}
