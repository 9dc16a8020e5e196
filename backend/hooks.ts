// The PEP 517 / PEP 660 side of the executable: the Python shim writes a JSON request, runs
// `node _core.mjs --pep517 <request.json> <result.json>`, and reads the hook's return value
// from the result file (never from the logs, which go to stderr for the frontend to show).
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { loadProject } from "../src/config/pyproject.js";
import { readOptions, type BuildOptions, type ConfigSettings } from "../src/config/settings.js";
import { fail } from "../src/errors.js";
import { setColour, setVerbose } from "../src/log.js";
import { buildSdist } from "../src/sdist/build.js";
import { checkedHostFacts, resolveTarget, type HostFacts } from "../src/platform/host.js";
import { buildWheel, type WheelRequest } from "../src/wheel/build.js";
import { writePreparedMetadata } from "../src/wheel/distinfo.js";
import { buildEditable } from "../src/wheel/editable.js";

/** What python_shim/binwheel/_backend.py sends. */
export interface HookRequest {
  hook: string;
  source_dir: string;
  config_settings: ConfigSettings;
  host: HostFacts;
  /** The output folder: wheel_directory, sdist_directory or metadata_directory. */
  directory: string;
  /** build_wheel / build_editable: the folder prepare_metadata_for_build_* wrote, if any. */
  metadata_directory?: string | null;
}

export async function runHook(requestFile: string, resultFile: string): Promise<void> {
  const request = JSON.parse(await readFile(requestFile, "utf8")) as HookRequest;
  // Colour as on the command line's "auto": pip's pipe gets none, unless FORCE_COLOR asks for it.
  setColour("auto");
  const options = readOptions(request.config_settings, process.env);
  setVerbose(options.verbose);
  const projectDir = path.resolve(request.source_dir);
  const directory = path.resolve(request.directory);
  const wheelRequest: WheelRequest = {
    projectDir,
    outDir: directory,
    options,
    host: checkedHostFacts(request.host, "the shim's request"),
    env: process.env,
    ...(request.metadata_directory && { metadataDir: path.resolve(request.metadata_directory) }),
  };
  let result: string;
  switch (request.hook) {
    case "build_wheel":
      result = await buildWheel(wheelRequest);
      break;
    case "build_editable":
      result = await buildEditable(wheelRequest);
      break;
    case "build_sdist":
      result = await buildSdist({ projectDir, outDir: directory, options, env: process.env });
      break;
    case "prepare_metadata_for_build_wheel":
    case "prepare_metadata_for_build_editable":
      result = await prepareMetadata(projectDir, directory, options, wheelRequest.host!, request.hook === "prepare_metadata_for_build_editable");
      break;
    default:
      fail(`the Python shim asked for the unknown hook "${request.hook}"; the binwheel package is damaged or mixed versions are installed.`);
  }
  await writeFile(resultFile, JSON.stringify({ return: result }));
}

/** The .dist-info a build would write; with commands, their entry points depend on the target. */
async function prepareMetadata(projectDir: string, directory: string, options: BuildOptions, host: HostFacts, editable: boolean): Promise<string> {
  const project = loadProject(projectDir, options.upstreamVersion);
  const triple = project.config.scripts.length > 0 ? resolveTarget(options.target, host, process.env).triple : undefined;
  return writePreparedMetadata(project, directory, triple, editable);
}
