// `binwheel build`: this machine's wheel, some targets' wheels, or all of them; and the sdist.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { loadProject } from "../../src/config/pyproject.js";
import { KNOWN_TRIPLES, closestTriple } from "../../src/platform/triples.js";
import { buildArtifacts, removeArtifacts } from "../../src/release/artifacts.js";
import { buildSdist } from "../../src/sdist/build.js";
import { buildWheel } from "../../src/wheel/build.js";
import { BUILD_FLAGS, PROJECT_DIR, UsageError, buildOptions, command, hostFacts, projectDir } from "../args.js";

export const build = command({
  name: "build",
  summary: "build this machine's wheel (or --target's, or --all-targets') into --out-dir",
  details: "Prints the path of each file written. A failure leaves none of this run's files behind.",
  args: PROJECT_DIR,
  flags: {
    target: { type: "string", value: "triple", multiple: true, choices: KNOWN_TRIPLES, suggest: closestTriple, help: "a target from [tool.binwheel.targets] instead of this machine's" },
    "all-targets": { type: "boolean", help: "every configured target, two at a time" },
    sdist: { type: "boolean", help: "also build the sdist" },
    "out-dir": { type: "string", value: "dir", help: "where to write (default: DIR/dist)" },
    ...BUILD_FLAGS,
  },
  async run(values, positionals) {
    const dir = projectDir(positionals);
    const outDir = path.resolve(values["out-dir"] ?? path.join(dir, "dist"));
    const options = buildOptions(values);
    mkdirSync(outDir, { recursive: true });
    const print = (file: string) => process.stdout.write(`${path.join(outDir, file)}\n`);
    if (values["all-targets"] || values.target) {
      if (values["all-targets"] && values.target) throw new UsageError(`--all-targets builds every target; give it or --target, not both. Run "binwheel build --help" for its options.`);
      const project = loadProject(dir, options.upstreamVersion);
      for (const artifact of await buildArtifacts(project, outDir, options, process.env, values.sdist ?? false, values.target)) print(artifact.name);
      return;
    }
    // This machine's wheel. As with the targets, a failure removes what this run wrote.
    const written: string[] = [];
    try {
      if (values.sdist) written.push(await buildSdist({ projectDir: dir, outDir, options, env: process.env }));
      written.push(await buildWheel({ projectDir: dir, outDir, options, host: hostFacts(), env: process.env }));
    } catch (e) {
      removeArtifacts(outDir, written);
      throw e;
    }
    written.forEach(print);
  },
});
