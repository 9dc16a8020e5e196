// The optional tools some tests need: compressors (xz, zstd, bzip2, pbzip2, lbzip2), a C compiler,
// pyenv's Pythons. A test that needs a missing one is skipped, and the reason printed (vitest
// itself shows skipped tests only as a count). .ci/run installs the compressors; CONTRIBUTING
// lists the rest.
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { beforeEach, it } from "vitest";

const found = new Map<string, boolean>();

/** Whether `tool` is on PATH. */
export function hasTool(tool: string): boolean {
  if (!found.has(tool)) found.set(tool, spawnSync("sh", ["-c", 'command -v "$1"', "sh", tool], { stdio: "ignore" }).status === 0);
  return found.get(tool)!;
}

/** The interpreter of a pyenv-installed Python version ("3.9", "3.13"), or undefined without pyenv or that version. */
export function pyenvPythonPath(version: string): string | undefined {
  if (!hasTool("pyenv")) return undefined;
  try {
    return path.join(execFileSync("pyenv", ["prefix", version], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim(), "bin", "python");
  } catch {
    return undefined;
  }
}

/** Why tests that need `tools` (and Pythons `pythons`) cannot run here, or undefined when they can. */
export function missing(tools: string[], pythons: string[] = []): string | undefined {
  const gone = [...tools.filter((t) => !hasTool(t)), ...pythons.filter((v) => !pyenvPythonPath(v)).map((v) => `pyenv's Python ${v}`)];
  return gone.length ? `${gone.join(", ")} not installed` : undefined;
}

/** Prints why `what` is skipped, once. */
export function tellSkipped(what: string, why: string): void {
  console.warn(`skipped: ${what}: ${why}`);
}

/** `it`, or (when a tool is missing) a skip that prints why. */
export function itNeeds(tools: string[], pythons: string[] = []) {
  const why = missing(tools, pythons);
  return (name: string, test: () => Promise<void> | void, timeout?: number) => {
    if (!why) return it(name, test, timeout);
    tellSkipped(name, why);
    return it.skip(`${name} [skipped: ${why}]`, test);
  };
}

/**
 * For a file or block whose set-up needs the tools: skips each of its tests (printing why once).
 * Returns the reason, so that the set-up (beforeAll) can return early.
 */
export function skipAllUnless(what: string, tools: string[], pythons: string[] = []): string | undefined {
  const why = missing(tools, pythons);
  if (why) {
    tellSkipped(what, why);
    beforeEach((ctx) => ctx.skip(why));
  }
  return why;
}
