// `binwheel init-ci`: writes .github/workflows/release.yml (never over an existing file unless --force).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadProject } from "../../src/config/pyproject.js";
import { fail } from "../../src/errors.js";
import { renderWorkflow } from "../../src/release/workflow.js";
import { parse } from "../args.js";

export async function initCiCommand(args: string[]): Promise<void> {
  const { values, projectDir } = parse("init-ci", args, { force: { type: "boolean" } });
  const file = path.join(projectDir, ".github", "workflows", "release.yml");
  if (existsSync(file) && !values.force) fail(`${file} exists; pass --force to replace it.`);
  const workflow = renderWorkflow(loadProject(projectDir));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, workflow);
  process.stdout.write(`${file}\n`);
}
