// The command line's framework: each command module declares its flags, positionals and help text
// beside its code (`command({...})`); this module parses arguments against that declaration, words
// usage errors (exit 2, with a "did you mean"), writes the help, and maps the flags shared with
// -C settings to build options. The flags every command takes (-h, -q, -v, --color) are here.
import path from "node:path";
import { readOptions, type BuildOptions } from "../src/config/settings.js";
import { UsageError, closest, didYouMean } from "../src/errors.js";

export { UsageError };
import { setColour, setVerbose, setVerbosity, type ColourSetting } from "../src/log.js";
import { checkedHostFacts, nodeHostFacts, type HostFacts } from "../src/platform/host.js";

export interface Flag {
  type: "string" | "boolean";
  /** A string flag that may be given more than once (its values in order). */
  multiple?: boolean;
  /** A one-letter form: "q" for -q. */
  short?: string;
  /** A string flag's value as the help shows it: "triple" gives `--target <triple>`. */
  value?: string;
  /** One line for the help. */
  help: string;
  /** The only values a string flag takes: anything else is a usage error with a "did you mean". */
  choices?: readonly string[];
  /** The choice a wrong value most likely meant, when spelling alone does not find it (target triples). */
  suggest?: (value: string) => string | undefined;
}

export type Flags = Record<string, Flag>;

export type Values<F extends Flags> = {
  [K in keyof F]?: F[K]["type"] extends "boolean" ? boolean : F[K]["multiple"] extends true ? string[] : string;
};

export interface Command<F extends Flags = Flags> {
  name: string;
  /** One line in `binwheel --help`. */
  summary: string;
  /** Paragraphs for `binwheel <name> --help`, after the summary. */
  details?: string;
  /** The positional arguments: how the usage line shows them, how many, and (if fixed) which words. */
  args: { usage: string; min: number; max: number; choices?: readonly string[] };
  flags: F;
  /** Returns the exit code, or nothing for 0; failures throw. */
  run(values: Values<F>, positionals: string[]): Promise<number | void>;
}

/** Declares a command (a function only so that TypeScript infers the flags' value types). */
export function command<F extends Flags>(c: Command<F>): Command<F> {
  return c;
}


/** The flags every command takes, also before the command's name (`binwheel -q build`). */
export const COMMON_FLAGS = {
  quiet: { type: "boolean", short: "q", help: "print only warnings and errors" },
  verbose: { type: "boolean", short: "v", help: "print every detail: each file copied and where it went, cache hits" },
  color: { type: "string", value: "when", choices: ["auto", "always", "never"], help: "colour error: and warning: (auto: on a terminal, unless NO_COLOR; FORCE_COLOR forces it)" },
  help: { type: "boolean", short: "h", help: "show this help" },
} as const satisfies Flags;

/** The flags the project commands share with -C settings (see buildOptions). */
export const BUILD_FLAGS = {
  "upstream-version": { type: "string", value: "version", help: "the upstream release to take binaries from (-C upstream-version)" },
  offline: { type: "boolean", help: "use only the download cache (or BINWHEEL_ASSET_DIR); never the network" },
  locked: { type: "boolean", help: "build only what binwheel.lock covers" },
} as const satisfies Flags;

/** The project folder: the one optional positional of the project commands. */
export const PROJECT_DIR = { usage: "[DIR]", min: 0, max: 1 } as const;

export const projectDir = (positionals: string[]): string => path.resolve(positionals[0] ?? ".");

/**
 * Parses `args` against `flags`: `--name value`, `--name=value`, `-x value`, grouped short
 * booleans (`-qv`), and `--` before positionals that start with a dash. Throws UsageError.
 */
export function parseFlags<F extends Flags>(args: string[], flags: F, who: string): { values: Values<F>; positionals: string[] } {
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(flags).flatMap(([name, f]) => (f.short ? [[f.short, name] as const] : [])));
  const names = Object.keys(flags).map((n) => `--${n}`);
  const set = (name: string, shown: string, value: string | undefined, next: () => string | undefined) => {
    const flag = flags[name]!;
    if (flag.type === "boolean") {
      if (value !== undefined) throw new UsageError(`${shown} takes no value (got "${value}").${helpHint(who)}`);
      values[name] = true;
      return;
    }
    const v = value ?? next();
    if (v === undefined || (value === undefined && v.startsWith("-") && v !== "-")) {
      throw new UsageError(`${shown} needs a value: ${shown} <${flag.value ?? "value"}>.${helpHint(who)}`);
    }
    if (flag.choices && !flag.choices.includes(v)) {
      const hint = flag.suggest?.(v) ?? closest(v, flag.choices);
      throw new UsageError(`${shown} "${v}" is not one of the values it takes${hint ? `; did you mean "${hint}"?` : "."} It takes: ${flag.choices.join(", ")}.${helpHint(who)}`);
    }
    if (flag.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), v];
    else values[name] = v;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = () => (i + 1 < args.length ? args[++i] : undefined);
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      if (!(name in flags)) {
        const hint = closest(`--${name}`, names);
        throw new UsageError(`unknown option --${name}${hint ? `; did you mean ${hint}?` : "."}${helpHint(who)}`);
      }
      set(name, `--${name}`, eq < 0 ? undefined : arg.slice(eq + 1), next);
    } else if (arg.startsWith("-") && arg.length > 1) {
      // -qv: booleans grouped; -o value or -ovalue: a string flag takes the rest.
      for (let j = 1; j < arg.length; j++) {
        const name = byShort.get(arg[j]!);
        if (name === undefined) throw new UsageError(`unknown option -${arg[j]}${arg.length > 2 ? ` (in ${arg})` : ""}.${helpHint(who)}`);
        const rest = arg.slice(j + 1);
        if (flags[name]!.type === "string") {
          set(name, `-${arg[j]}`, rest || undefined, next);
          break;
        }
        set(name, `-${arg[j]}`, undefined, next);
      }
    } else {
      positionals.push(arg);
    }
  }
  return { values: values as Values<F>, positionals };
}

const helpHint = (who: string) => ` Run "${who} --help" for its options.`;

/** Parses a command's arguments, applies the common flags, and checks the positionals. */
export function parseCommand<F extends Flags>(cmd: Command<F>, args: string[]): { values: Values<F & typeof COMMON_FLAGS>; positionals: string[] } {
  const who = `binwheel ${cmd.name}`;
  const { values, positionals } = parseFlags(args, { ...cmd.flags, ...COMMON_FLAGS }, who);
  applyCommonFlags(values, who);
  if (values.help) return { values, positionals };
  const { min, max, usage, choices } = cmd.args;
  if (positionals.length < min) throw new UsageError(`${who} needs ${usage}.${helpHint(who)}`);
  if (positionals.length > max) {
    throw new UsageError(`${who} takes ${max === 0 ? "no arguments" : max === 1 ? `one ${usage.replace(/[[\]]/g, "")}` : `at most ${max} arguments`}, got ${positionals.map((p) => `"${p}"`).join(" ")}.${helpHint(who)}`);
  }
  for (const p of positionals) {
    if (choices && !choices.includes(p)) throw new UsageError(`${who} takes ${choices.map((c) => `"${c}"`).join(" or ")}, not "${p}"${didYouMean(p, choices) || "."}${helpHint(who)}`);
  }
  return { values, positionals };
}

/** -q, -v and --color, wherever they were given. */
export function applyCommonFlags(values: Values<typeof COMMON_FLAGS>, who: string): void {
  if (values.quiet && values.verbose) throw new UsageError(`-q (--quiet) and -v (--verbose) ask for opposite things; give one.${helpHint(who)}`);
  setVerbosity(values.quiet ? "quiet" : values.verbose ? "verbose" : "normal");
  setColour((values.color as ColourSetting | undefined) ?? "auto");
}

/** `binwheel <name> --help`. */
export function commandHelp(cmd: Command): string {
  const lines = [`usage: binwheel ${cmd.name}${cmd.args.usage ? ` ${cmd.args.usage}` : ""} [options]`, "", `${cmd.summary[0]!.toUpperCase()}${cmd.summary.slice(1)}.`];
  if (cmd.details) lines.push("", cmd.details);
  if (Object.keys(cmd.flags).length) lines.push("", "options:", ...flagLines(cmd.flags));
  lines.push("", "common options:", ...flagLines(COMMON_FLAGS));
  return `${lines.join("\n")}\n`;
}

export function flagLines(flags: Flags): string[] {
  const left = Object.entries(flags).map(([name, f]) => `${f.short ? `-${f.short}, ` : "    "}--${name}${f.type === "string" ? ` <${f.value ?? "value"}>` : ""}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return Object.values(flags).map((f, i) => `  ${left[i]!.padEnd(width)}${f.help}${f.multiple ? " (repeatable)" : ""}`);
}

/** Build options from the flags a command shares with -C settings, and BINWHEEL_* variables. */
export function buildOptions(flags: Values<typeof BUILD_FLAGS>): BuildOptions {
  const settings: Record<string, string> = {};
  if (flags["upstream-version"] !== undefined) settings["upstream-version"] = flags["upstream-version"];
  if (flags.offline) settings["offline"] = "true";
  if (flags.locked) settings["locked"] = "true";
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
