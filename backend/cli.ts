// The `binwheel` command (npm bin, `python -m binwheel` and the Python package's console script).
// Each command is one module in commands/ that declares its flags and help (args.ts); adding a
// command is adding it to COMMANDS.
import { closest } from "../src/errors.js";
import { VERSION } from "../src/version.js";
import { COMMON_FLAGS, UsageError, applyCommonFlags, commandHelp, flagLines, parseCommand, parseFlags, type Command } from "./args.js";
import { build } from "./commands/build.js";
import { cache } from "./commands/cache.js";
import { check } from "./commands/check.js";
import { init } from "./commands/init.js";
import { initCi } from "./commands/init-ci.js";
import { lock } from "./commands/lock.js";
import { release } from "./commands/release.js";
import { targets } from "./commands/targets.js";

// Command<any>: each command's own flag types are checked where it is declared.
export const COMMANDS: Command<any>[] = [build, release, check, targets, lock, init, initCi, cache];

const TOP_FLAGS = { ...COMMON_FLAGS, version: { type: "boolean", short: "V", help: "show binwheel's version" } } as const;

export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    "usage: binwheel <command> [arguments] [options]",
    "",
    "Builds Python wheels from an upstream project's prebuilt release binaries.",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${"help".padEnd(width)}show a command's options: binwheel help <command> (or binwheel <command> --help)`,
    "",
    "options:",
    ...flagLines(TOP_FLAGS),
    "",
    "As a PEP 517 backend: set build-backend = \"binwheel\" in pyproject.toml and build with pip, build or uv;",
    "-C settings (target, upstream-version, offline, locked, verbose) do what the flags of the same name do.",
    "",
  ].join("\n");
}

function find(name: string): Command {
  const found = COMMANDS.find((c) => c.name === name);
  if (found) return found;
  const hint = closest(name, [...COMMANDS.map((c) => c.name), "help"]);
  throw new UsageError(`unknown command "${name}"${hint ? `; did you mean "${hint}"?` : "."} Run "binwheel --help" for the list of commands.`);
}

export async function runCli(argv: string[]): Promise<number> {
  // Options before the command's name: the common ones, --version, --help.
  let first = 0;
  while (first < argv.length && argv[first]!.startsWith("-") && argv[first] !== "--") {
    const flag = TOP_FLAGS[argv[first]!.slice(2) as keyof typeof TOP_FLAGS];
    first += flag?.type === "string" ? 2 : 1;
  }
  const leading = argv.slice(0, first);
  const { values } = parseFlags(leading, TOP_FLAGS, "binwheel");
  applyCommonFlags(values, "binwheel");
  const [name, ...rest] = argv.slice(first);
  if (values.version) {
    process.stdout.write(`binwheel ${VERSION}\n`);
    return 0;
  }
  if (values.help || name === undefined || name === "--") {
    process.stdout.write(topHelp());
    return 0;
  }
  if (name === "help") {
    if (rest.length > 1) throw new UsageError(`binwheel help takes one command, got ${rest.join(" ")}.`);
    process.stdout.write(rest[0] === undefined ? topHelp() : commandHelp(find(rest[0])));
    return 0;
  }
  const cmd = find(name);
  const end = rest.indexOf("--");
  if ((end < 0 ? rest : rest.slice(0, end)).some((a) => a === "-h" || a === "--help")) {
    process.stdout.write(commandHelp(cmd));
    return 0;
  }
  // The flags given before the command still count (binwheel -q build): they come first, the command's own win.
  const { values: own, positionals } = parseCommand(cmd, [...leading, ...rest]);
  if (own.help) {
    process.stdout.write(commandHelp(cmd));
    return 0;
  }
  return (await cmd.run(own, positionals)) ?? 0;
}
