// `binwheel build`: this machine's wheel, some targets' wheels, or all of them; and the sdist.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { loadProject } from "../../src/config/pyproject.js";
import { buildArtifacts, removeArtifacts } from "../../src/release/artifacts.js";
import { buildSdist } from "../../src/sdist/build.js";
import { buildWheel } from "../../src/wheel/build.js";
import { buildOptions, hostFacts, parse } from "../args.js";

export async function buildCommand(args: string[]): Promise<void> {
  const { values, projectDir } = parse("build", args, {
    target: { type: "string", multiple: true },
    "all-targets": { type: "boolean" },
    "upstream-version": { type: "string" },
    "out-dir": { type: "string" },
    sdist: { type: "boolean" },
    offline: { type: "boolean" },
    locked: { type: "boolean" },
    verbose: { type: "boolean" },
  });
  const outDir = path.resolve(values["out-dir"] ?? path.join(projectDir, "dist"));
  const options = buildOptions(values);
  mkdirSync(outDir, { recursive: true });
  const print = (file: string) => process.stdout.write(`${path.join(outDir, file)}\n`);
  if (values["all-targets"]) {
    const project = loadProject(projectDir, options.upstreamVersion);
    for (const artifact of await buildArtifacts(project, outDir, options, process.env, values.sdist ?? false)) print(artifact.name);
    return;
  }
  // As with --all-targets, a failure removes what this run wrote.
  const written: string[] = [];
  try {
    if (values.sdist) written.push(await buildSdist({ projectDir, outDir, options, env: process.env }));
    for (const target of values.target ?? [undefined]) {
      written.push(await buildWheel({ projectDir, outDir, options: { ...options, ...(target && { target }) }, host: hostFacts(), env: process.env }));
    }
  } catch (e) {
    removeArtifacts(outDir, written);
    throw e;
  }
  written.forEach(print);
}
