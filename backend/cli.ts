// The `binwheel` command (npm bin, `python -m binwheel` and the Python package's console script).
import { mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { loadProject } from "../src/config/pyproject.js";
import { readOptions } from "../src/config/settings.js";
import { fail } from "../src/errors.js";
import { setVerbose } from "../src/log.js";
import { nodeHostFacts, type HostFacts } from "../src/target/host.js";
import { planTarget } from "../src/target/plan.js";
import { cacheDir } from "../src/upstream/cache.js";
import { VERSION } from "../src/version.js";
import { buildSdist } from "../src/sdist/build.js";
import { bundleBinaries, buildWheel, withScratch } from "../src/wheel/build.js";

const USAGE = `usage: binwheel <command> [options]

commands:
  targets [DIR]  print the plan: each configured target, its asset, its tags and where files go
                   --fetch                      download the assets and derive the tags now
                   --upstream-version <version> plan for another upstream release
  build [DIR]    build the wheel for this machine, or for --target, into --out-dir
                   --target <triple>            a Rust target triple from [tool.binwheel.targets]
                   --sdist                      also build the sdist
                   --offline                    use only the download cache (or BINWHEEL_ASSET_DIR)
                   --upstream-version <version> the upstream release to take binaries from
                   --out-dir <dir>              where to write the wheel (default: DIR/dist)
                   --verbose                    list every file copied and where it went

  cache dir      print the download cache's folder
  cache clean    delete the download cache

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
  if (command === "targets") return printTargets(rest);
  if (command === "cache") return cacheCommand(rest);
  if (command !== "build") fail(`unknown command "${command}". Run "binwheel --help" for the list of commands.`);

  const { values, projectDir } = parse("build", rest, {
    target: { type: "string" },
    "upstream-version": { type: "string" },
    "out-dir": { type: "string" },
    sdist: { type: "boolean" },
    offline: { type: "boolean" },
    verbose: { type: "boolean" },
  });
  const outDir = path.resolve(values["out-dir"] ?? path.join(projectDir, "dist"));
  const settings: Record<string, string> = {};
  if (values.target !== undefined) settings["target"] = values.target;
  if (values["upstream-version"] !== undefined) settings["upstream-version"] = values["upstream-version"];
  if (values.verbose) settings["verbose"] = "true";
  if (values.offline) settings["offline"] = "true";
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

/** Parses a command's options and its one optional project folder. */
function parse<T extends ParseArgsConfig["options"]>(command: string, args: string[], options: T) {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: options! });
  } catch (e) {
    fail(`${(e as Error).message}. Run "binwheel --help" for the options.`);
  }
  if (parsed.positionals.length > 1) fail(`binwheel ${command} takes one project folder, got ${parsed.positionals.length}.`);
  return { values: parsed.values as ParsedValues<T>, projectDir: path.resolve(parsed.positionals[0] ?? ".") };
}

type ParsedValues<T> = { [K in keyof T]?: T[K] extends { type: "boolean" } ? boolean : string };

/** `binwheel targets`: one block per configured target. */
async function printTargets(args: string[]): Promise<void> {
  const { values, projectDir } = parse("targets", args, { fetch: { type: "boolean" }, "upstream-version": { type: "string" } });
  const settings: Record<string, string> = {};
  if (values["upstream-version"] !== undefined) settings["upstream-version"] = values["upstream-version"];
  const options = readOptions(settings, process.env);
  const project = loadProject(projectDir, options.upstreamVersion);
  if (!project.config.upstream) {
    process.stdout.write(`${project.metadata.name} ${project.metadata.version} has no [tool.binwheel.upstream]: it builds one pure wheel (py3-none-any).\n`);
    return;
  }
  const out: string[] = [];
  for (const [triple] of project.config.targets) {
    const targetOptions = { ...options, target: triple };
    const plan = planTarget(project, targetOptions, undefined, process.env);
    let tags = plan.tagSetting === "auto" ? `auto (derived from the binaries when built; without any: ${plan.target.defaultTags.join(".")})` : plan.tagSetting.join(".");
    if (values.fetch) {
      tags = await withScratch(async (scratch, spool) => {
        const bundle = await bundleBinaries(project, { projectDir, outDir: scratch, options: targetOptions, env: process.env }, scratch, spool);
        return bundle.platformTags.join(".");
      });
    }
    out.push(
      `${triple}`,
      `  asset         ${plan.assetName} (${plan.upstream.owner}/${plan.upstream.repo} ${plan.releaseTag})`,
      `  tags          ${tags}`,
      ...plan.include.map((r) => `  ${r.fromGlob.padEnd(13)} -> ${r.toDir}/`),
      "",
    );
  }
  process.stdout.write(out.join("\n"));
}

async function cacheCommand(args: string[]): Promise<void> {
  const dir = cacheDir(process.env);
  if (args.length === 1 && args[0] === "dir") {
    process.stdout.write(`${dir}\n`);
  } else if (args.length === 1 && args[0] === "clean") {
    await rm(dir, { recursive: true, force: true });
    process.stdout.write(`removed ${dir}\n`);
  } else {
    fail(`binwheel cache takes "dir" or "clean", got ${args.join(" ") || "nothing"}.`);
  }
}

/** `python -m binwheel` passes the interpreter's facts; otherwise Node's own are used. */
function hostFacts(): HostFacts {
  const fromShim = process.env["BINWHEEL_HOST_FACTS"];
  return fromShim ? (JSON.parse(fromShim) as HostFacts) : nodeHostFacts();
}
