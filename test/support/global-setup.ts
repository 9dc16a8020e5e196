// Once per test run: binwheel's own wheel (for --find-links) and a tools venv with the
// validators (packaging, wheel, build) from the configured package index, and binwheel.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import type { TestProject } from "vitest/node";
import { buildShimWheel, pipEnv } from "./project.js";

declare module "vitest" {
  export interface ProvidedContext {
    shimWheels: string;
    toolsPython: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(path.join(tmpdir(), "binwheel-tests-"));
  // Builds under test never touch the user's download cache; workers inherit this.
  process.env["BINWHEEL_CACHE_DIR"] = path.join(root, "cache");
  const tools = path.join(root, "tools");
  const [links] = await Promise.all([
    buildShimWheel(path.join(root, "links")),
    (async () => {
      await execa("python3", ["-m", "venv", tools]);
      await execa(path.join(tools, "bin", "python"), ["-m", "pip", "install", "-q", "packaging", "wheel", "build"], { env: pipEnv() });
    })(),
  ]);
  // binwheel itself in the tools venv, for tests that call the hooks through pyproject_hooks.
  await execa(path.join(tools, "bin", "python"), ["-m", "pip", "install", "-q", "--no-index", "--find-links", links, "binwheel"], { env: pipEnv() });
  project.provide("shimWheels", links);
  project.provide("toolsPython", path.join(tools, "bin", "python"));
  return () => rmSync(root, { recursive: true, force: true });
}
