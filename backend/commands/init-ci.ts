// `binwheel init-ci`: writes .github/workflows/release.yml (never over an existing file unless
// --force), through a temporary file renamed into place, and only inside the project: a link in
// .github that leads out of it is an error, not a way to write elsewhere.
import { lstatSync } from "node:fs";
import path from "node:path";
import { loadProject } from "../../src/config/pyproject.js";
import { fail } from "../../src/errors.js";
import { makeFolderInside } from "../../src/fs/files.js";
import { renderWorkflow } from "../../src/release/workflow.js";
import { writeThroughTemporary } from "../../src/fs/tempfiles.js";
import { PROJECT_DIR, command, projectDir } from "../args.js";

export const initCi = command({
  name: "init-ci",
  summary: "write .github/workflows/release.yml, a release workflow for this project",
  details: "It builds every wheel and the sdist, tests them on Linux, macOS and Windows, and publishes to PyPI with trusted publishing. It installs the binwheel that wrote it (binwheel==<its version>).",
  args: PROJECT_DIR,
  flags: { force: { type: "boolean", help: "replace an existing release.yml" } },
  async run(values, positionals) {
    const dir = projectDir(positionals);
    const file = path.join(dir, ".github", "workflows", "release.yml");
    const there = (() => {
      try {
        return lstatSync(file);
      } catch {
        return undefined;
      }
    })();
    if (there && !values.force) fail(`${file} exists; pass --force to replace it.`);
    if (there && !there.isFile()) fail(`${file} is ${there.isSymbolicLink() ? "a symbolic link" : "not a regular file"}; binwheel replaces only a regular file. Remove it first.`);
    const workflow = renderWorkflow(loadProject(dir));
    const problem = makeFolderInside(dir, path.dirname(file));
    if (problem) fail(`${problem}; binwheel writes the workflow only inside the project.`);
    await writeThroughTemporary(file, (out) => out.writeFile(workflow));
    process.stdout.write(`${file}\n`);
  },
});
