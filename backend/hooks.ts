// The PEP 517 side of the executable: the Python shim writes a JSON request, runs
// `node _core.mjs --pep517 <request.json> <result.json>`, and reads the hook's return value
// from the result file (never from the logs, which go to stderr for the frontend to show).
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { readOptions, type ConfigSettings } from "../src/config/settings.js";
import { fail } from "../src/errors.js";
import { setVerbose } from "../src/log.js";
import type { HostFacts } from "../src/target/host.js";
import { buildWheel } from "../src/wheel/build.js";

/** What python_shim/binwheel/_backend.py sends. */
export interface HookRequest {
  hook: string;
  source_dir: string;
  config_settings: ConfigSettings;
  host: HostFacts;
  wheel_directory?: string;
  metadata_directory?: string | null;
}

export async function runHook(requestFile: string, resultFile: string): Promise<void> {
  const request = JSON.parse(await readFile(requestFile, "utf8")) as HookRequest;
  const options = readOptions(request.config_settings, process.env);
  setVerbose(options.verbose);
  let result: unknown;
  switch (request.hook) {
    case "build_wheel":
      result = await buildWheel({
        projectDir: path.resolve(request.source_dir),
        outDir: path.resolve(request.wheel_directory ?? fail("build_wheel needs a wheel directory")),
        options,
        host: request.host,
        env: process.env,
      });
      break;
    default:
      fail(`the Python shim asked for the unknown hook "${request.hook}"; the binwheel package is damaged or mixed versions are installed.`);
  }
  await writeFile(resultFile, JSON.stringify({ return: result }));
}
