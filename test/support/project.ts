// Shared by the end-to-end tests and the demo: the example SDK project, binwheel's own wheel,
// and an environment for pip that never waits on the unreachable public index.
import { cpSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";

/** The repository root: the nearest folder above this file (or its bundle in dist/) with python_shim/. */
export const REPO = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "python_shim", "pyproject.toml"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find the binwheel repository root");
    dir = parent;
  }
  return dir;
})();

/**
 * The node that runs the bundled core in tests: BINWHEEL_NODE when set (as the shim reads it, so
 * pip and direct runs use the same Node; .ci/run sets it to Node 22 and 24), else node on PATH.
 */
export const NODE = process.env["BINWHEEL_NODE"] || "node";

/** Copies examples/toondb-sdk and pyproject.example.toml into `dir` as a buildable project. */
export function assembleExampleProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(REPO, "examples/toondb-sdk"), dir, { recursive: true });
  cpSync(path.join(REPO, "pyproject.example.toml"), path.join(dir, "pyproject.toml"));
  return dir;
}

/** The environment for pip: no retries against the public index, no prompts, no version check. */
export function pipEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PIP_RETRIES: "0",
    PIP_NO_INPUT: "1",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    ...extra,
  };
}

/**
 * Builds binwheel's own wheel from python_shim/ with binwheel itself (needs `npm run build`
 * first); returns the folder holding it, for `--find-links`.
 */
export async function buildShimWheel(outDir: string, python = "python3"): Promise<string> {
  await execa(python, ["-m", "pip", "wheel", "--no-deps", "--no-index", "-q", "-w", outDir, path.join(REPO, "python_shim")], {
    env: pipEnv(),
    stdin: "ignore",
  });
  if (!readdirSync(outDir).some((f) => /^binwheel-.*-py3-none-any\.whl$/.test(f))) {
    throw new Error(`no binwheel wheel in ${outDir}`);
  }
  return outDir;
}
