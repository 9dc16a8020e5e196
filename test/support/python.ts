// Python interpreters and tools for the end-to-end tests.
import { readdirSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { inject } from "vitest";
import { pipEnv } from "./project.js";
import { pyenvPythonPath } from "./tools.js";

/** The interpreter of a pyenv-installed Python version ("3.9", "3.13"); tests that need one skip without it (tools.ts). */
export async function pyenvPython(version: string): Promise<string> {
  const python = pyenvPythonPath(version);
  if (!python) throw new Error(`pyenv's Python ${version} is not installed; the test should have been skipped (test/support/tools.ts)`);
  return python;
}

/** `pip wheel` of `project` in an isolated build env that gets binwheel from its freshly built wheel. */
export function pipWheel(python: string, project: string, outDir: string, options: { env?: Record<string, string>; args?: string[] } = {}) {
  return execa(
    python,
    ["-m", "pip", "wheel", "--no-deps", "--no-index", "--find-links", inject("shimWheels"), "-w", outDir, ...(options.args ?? []), project],
    { env: pipEnv(options.env), stdin: "ignore", reject: false, all: true },
  );
}

export function onlyWheel(dir: string): string {
  const wheels = readdirSync(dir).filter((f) => f.endsWith(".whl"));
  if (wheels.length !== 1) throw new Error(`expected one wheel in ${dir}, found ${wheels.join(", ") || "none"}`);
  return path.join(dir, wheels[0]!);
}

export interface WheelSummary {
  name: string;
  version: string;
  tags: string[];
  root_is_purelib: string;
  files: string[];
  modes: Record<string, string>;
  metadata: string;
  entry_points: Record<string, Record<string, string>>;
  requires_dist: string[];
  provides_extra: string[];
}

/** Validates `wheel` strictly (test/support/validate_wheel.py); throws listing every problem. */
export async function validateWheel(wheel: string): Promise<WheelSummary> {
  const result = await execa(inject("toolsPython"), [path.join(import.meta.dirname, "validate_wheel.py"), wheel], { reject: false });
  if (result.exitCode !== 0) throw new Error(`${path.basename(wheel)} is not valid:\n${result.stderr}`);
  return JSON.parse(result.stdout) as WheelSummary;
}

export interface SdistSummary {
  members: { name: string; mode: string; size: number }[];
  mtime: number;
  pkg_info: string;
  version: string;
}

/** Validates `sdist` strictly (test/support/validate_sdist.py); throws listing every problem. */
export async function validateSdist(sdist: string): Promise<SdistSummary> {
  const result = await execa(inject("toolsPython"), [path.join(import.meta.dirname, "validate_sdist.py"), sdist], { reject: false });
  if (result.exitCode !== 0) throw new Error(`${path.basename(sdist)} is not valid:\n${result.stderr}`);
  return JSON.parse(result.stdout) as SdistSummary;
}

/** A fresh venv with `wheel` installed; returns its bin folder. */
export async function installInVenv(python: string, dir: string, wheel: string): Promise<string> {
  await execa(python, ["-m", "venv", dir]);
  const bin = path.join(dir, "bin");
  await execa(path.join(bin, "python"), ["-m", "pip", "install", "--no-index", "--no-deps", "-q", wheel], { env: pipEnv() });
  return bin;
}

/**
 * Rewrites `wheel` into `out` the way streaming zip writers do, with data descriptors (Python's
 * zipfile writes them when its output cannot seek): for tests of the validators.
 */
export async function withDataDescriptors(wheel: string, out: string): Promise<void> {
  await execa(inject("toolsPython"), ["-c", `
import sys, zipfile
class Unseekable:
    def __init__(self, f): self.f = f; self.n = 0
    def write(self, b): self.n += len(b); return self.f.write(b)
    def tell(self): return self.n
    def flush(self): self.f.flush()
with zipfile.ZipFile(sys.argv[1]) as z_in, open(sys.argv[2], "wb") as f:
    with zipfile.ZipFile(Unseekable(f), "w", zipfile.ZIP_DEFLATED) as z_out:
        for info in z_in.infolist():
            with z_in.open(info) as r, z_out.open(info, "w") as w:
                w.write(r.read())
`, wheel, out]);
}
