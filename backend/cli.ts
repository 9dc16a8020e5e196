// The `binwheel` command (npm bin, `python -m binwheel` and the Python package's console script).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { readOptions } from "../src/config/settings.js";
import { fail } from "../src/errors.js";
import { setVerbose } from "../src/log.js";
import { nodeHostFacts, type HostFacts } from "../src/target/host.js";
import { VERSION } from "../src/version.js";
import { buildSdist } from "../src/sdist/build.js";
import { buildWheel } from "../src/wheel/build.js";

const USAGE = `usage: binwheel <command> [options]

commands:
  build [DIR]    build the wheel for this machine, or for --target, into --out-dir
                   --target <triple>            a Rust target triple from [tool.binwheel.targets]
                   --sdist                      also build the sdist
                   --upstream-version <version> the upstream release to take binaries from
                   --out-dir <dir>              where to write the wheel (default: DIR/dist)
                   --verbose                    list every file copied and where it went

options:
  --help       show this help
  --version    show binwheel's version

As a PEP 517 backend: set build-backend = "binwheel" in pyproject.toml and use pip, build or uv.`;

export async function runCli(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === "--version" || command === "-V") {
    process.stdout.write(`binwheel ${VERSION}\n`);
    return;
  }
  if (command !== "build") fail(`unknown command "${command}". Run "binwheel --help" for the list of commands.`);

  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        target: { type: "string" },
        "upstream-version": { type: "string" },
        "out-dir": { type: "string" },
        sdist: { type: "boolean" },
        verbose: { type: "boolean" },
      },
    });
  } catch (e) {
    fail(`${(e as Error).message}. Run "binwheel --help" for the options.`);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) fail(`binwheel build takes one project folder, got ${positionals.length}.`);
  const projectDir = path.resolve(positionals[0] ?? ".");
  const outDir = path.resolve(values["out-dir"] ?? path.join(projectDir, "dist"));
  const settings: Record<string, string> = {};
  if (values.target !== undefined) settings["target"] = values.target;
  if (values["upstream-version"] !== undefined) settings["upstream-version"] = values["upstream-version"];
  if (values.verbose) settings["verbose"] = "true";
  const options = readOptions(settings, process.env);
  setVerbose(options.verbose);
  mkdirSync(outDir, { recursive: true });
  if (values.sdist) {
    const sdist = await buildSdist({ projectDir, outDir, options, env: process.env });
    process.stdout.write(`${path.join(outDir, sdist)}\n`);
  }
  const wheel = await buildWheel({ projectDir, outDir, options, host: hostFacts(), env: process.env });
  process.stdout.write(`${path.join(outDir, wheel)}\n`);
}

/** `python -m binwheel` passes the interpreter's facts; otherwise Node's own are used. */
function hostFacts(): HostFacts {
  const fromShim = process.env["BINWHEEL_HOST_FACTS"];
  return fromShim ? (JSON.parse(fromShim) as HostFacts) : nodeHostFacts();
}
