// The whole PEP 517 / 660 backend through real frontends: python -m build (sdist, then the wheel
// from the sdist), prepare_metadata_for_build_wheel followed by build_wheel, pip install -e,
// the runtime locator, and a pure wheel.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { toondbRelease } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { assembleExampleProject, pipEnv } from "../support/project.js";
import { installInVenv, onlyWheel, pipWheel, validateSdist, validateWheel } from "../support/python.js";

let github: GitHubStandIn;
let work: string;
let env: Record<string, string>;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-backend-"));
  github = await GitHubStandIn.start();
  github.addRelease(await toondbRelease("0.3.2"));
  env = { GITHUB_API_URL: github.apiUrl };
});

afterAll(async () => {
  await github?.close();
  rmSync(work, { recursive: true, force: true });
});

/** `python -m build` of `project` into `outDir` (sdist, then the wheel from the unpacked sdist). */
async function pythonBuild(project: string, outDir: string, extra: Record<string, string> = {}, args: string[] = []) {
  const result = await execa(inject("toolsPython"), ["-m", "build", "--outdir", outDir, ...args, project], {
    env: pipEnv({ ...env, PIP_NO_INDEX: "1", PIP_FIND_LINKS: inject("shimWheels"), ...extra }),
    reject: false,
    all: true,
  });
  expect(result.exitCode, result.all).toBe(0);
  return result;
}

const only = (dir: string, suffix: string) => path.join(dir, readdirSync(dir).find((f) => f.endsWith(suffix))!);

describe("python -m build", () => {
  let project: string;
  let sdist: string;
  let wheelFromSdist: string;
  beforeAll(async () => {
    project = assembleExampleProject(path.join(work, "build-project"));
    const dist = path.join(work, "build-dist");
    await pythonBuild(project, dist, { SOURCE_DATE_EPOCH: "1700000000" });
    sdist = only(dist, ".tar.gz");
    wheelFromSdist = onlyWheel(dist);
  });

  it("writes an sdist with the sources, the readme and the license, and no binaries", async () => {
    expect(path.basename(sdist)).toBe("toondb_client-0.3.2.tar.gz");
    const summary = await validateSdist(sdist);
    expect(summary.members.map((m) => m.name)).toEqual([
      "PKG-INFO", "pyproject.toml", "README.md", "LICENSE", "tests/test_database.py", "toondb/__init__.py",
    ]);
    expect(summary.mtime).toBe(1700000000);
    expect(summary.pkg_info).toMatch(/^Metadata-Version: 2\.4\nName: toondb-client\nVersion: 0\.3\.2\n/);
  });

  it("builds the wheel from the unpacked sdist, equal to the wheel built from the tree", async () => {
    await validateWheel(wheelFromSdist);
    const dist = path.join(work, "tree-dist");
    const built = await pipWheel("python3", project, dist, { env: { ...env, SOURCE_DATE_EPOCH: "1700000000" } });
    expect(built.exitCode, built.all).toBe(0);
    expect(readFileSync(onlyWheel(dist)).equals(readFileSync(wheelFromSdist))).toBe(true);
  });

  it("rebuilds a byte-identical sdist", async () => {
    const again = path.join(work, "build-again");
    await pythonBuild(project, again, { SOURCE_DATE_EPOCH: "1700000000" }, ["--sdist"]);
    expect(readFileSync(only(again, ".tar.gz")).equals(readFileSync(sdist))).toBe(true);
  });
});

describe("prepare_metadata_for_build_wheel, then build_wheel", () => {
  it("downloads nothing for the metadata, and the wheel carries the same metadata bytes", async () => {
    const project = assembleExampleProject(path.join(work, "hooks-project"));
    const before = github.requests.length;
    const result = await execa(inject("toolsPython"), ["-c", `
import json, os, sys, zipfile
from pyproject_hooks import BuildBackendHookCaller
project, out = sys.argv[1], sys.argv[2]
hooks = BuildBackendHookCaller(project, "binwheel")
md = os.path.join(out, "md")
os.makedirs(md)
# Windows: its commands are console scripts, so entry_points.txt is there to compare.
settings = {"target": "x86_64-pc-windows-msvc"}
name = hooks.prepare_metadata_for_build_wheel(md, config_settings=settings)
prepared = {f: open(os.path.join(md, name, f), "rb").read().decode() for f in ("METADATA", "entry_points.txt")}
print(json.dumps({"prepared": prepared, "files": sorted(os.listdir(os.path.join(md, name)))}))
sys.stdout.flush()
wheel = hooks.build_wheel(out, config_settings=settings, metadata_directory=os.path.join(md, name))
with zipfile.ZipFile(os.path.join(out, wheel)) as z:
    built = {f: z.read(name + "/" + f).decode() for f in prepared}
print(json.dumps({"wheel": wheel, "built": built}))
`, project, path.join(work, "hooks-out")], { env: pipEnv({ ...env, BINWHEEL_CACHE_DIR: path.join(work, "hooks-cache") }), reject: false });
    expect(result.exitCode, result.stderr).toBe(0);
    const [first, second] = result.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(first.files).toEqual(["METADATA", "entry_points.txt", "licenses"]);
    expect(second.built).toEqual(first.prepared);
    expect(first.prepared["entry_points.txt"]).toContain("toondb-bulk = toondb._binwheel_scripts:run_toondb_bulk");
    const during = github.requests.slice(before);
    expect(during.filter((r) => r.origin === "storage")).toHaveLength(1); // the build_wheel download only
  });
});

describe("pip install -e", () => {
  let project: string;
  let bin: string;
  beforeAll(async () => {
    project = assembleExampleProject(path.join(work, "editable-project"));
    const venv = path.join(work, "editable-venv");
    await execa("python3", ["-m", "venv", venv]);
    bin = path.join(venv, "bin");
    const installed = await execa(path.join(bin, "python"), ["-m", "pip", "install", "--no-index", "--find-links", inject("shimWheels"), "-e", project], {
      env: pipEnv(env),
      reject: false,
      all: true,
    });
    expect(installed.exitCode, installed.all).toBe(0);
  });

  it("puts the host's binaries and generated modules in the source tree", () => {
    for (const file of ["toondb/_bin/linux-x86_64/toondb-bulk", "toondb/lib/linux-x86_64/libtoondb_index.so", "toondb/_binwheel_scripts.py", "toondb/_binaries.py"]) {
      expect(existsSync(path.join(project, file)), file).toBe(true);
    }
  });

  it("runs the bundled commands and the locator", async () => {
    expect((await execa(path.join(bin, "toondb-bulk"), ["--help"])).stdout).toContain("toondb-bulk (ToonDB fixture build)");
    const located = await execa(path.join(bin, "python"), ["-c", "import toondb, toondb._binaries as b; print(b.executable('toondb-bulk')); print(toondb.server_version().splitlines()[1])"]);
    expect(located.stdout.split("\n")).toEqual([path.join(project, "toondb/_bin/linux-x86_64/toondb-bulk"), "toondb-server (ToonDB fixture build)"]);
  });

  it("imports edited code without reinstalling", async () => {
    const init = path.join(project, "toondb/__init__.py");
    writeFileSync(init, `${readFileSync(init, "utf8")}\nEDITED = "yes"\n`);
    expect((await execa(path.join(bin, "python"), ["-c", "import toondb; print(toondb.EDITED, toondb.__file__)"])).stdout).toBe(`yes ${init}`);
  });

  it("leaves the tree's regular wheel and sdist free of what it wrote", async () => {
    const dist = path.join(work, "after-editable");
    await pythonBuild(project, dist);
    const wheel = await validateWheel(onlyWheel(dist));
    expect(wheel.files.filter((f) => f.startsWith("toondb/_bin/"))).toHaveLength(3);
    expect((await validateSdist(only(dist, ".tar.gz"))).members.map((m) => m.name)).not.toContain("toondb/_binaries.py");
  });
});

describe("an installed wheel", () => {
  it("answers the runtime locator", async () => {
    const project = assembleExampleProject(path.join(work, "locator-project"));
    const dist = path.join(work, "locator-dist");
    expect((await pipWheel("python3", project, dist, { env })).exitCode).toBe(0);
    const bin = await installInVenv("python3", path.join(work, "locator-venv"), onlyWheel(dist));
    const result = await execa(path.join(bin, "python"), ["-c", `
import os, subprocess, toondb._binaries as b
print(b.TARGET, b.PLATFORM)
print(sorted(b.executables()))
print(os.path.basename(b.library_dir()), os.path.isfile(os.path.join(b.library_dir(), "libtoondb_index.so")))
print(subprocess.run([b.executable("toondb-grpc-server"), "--exit", "4"]).returncode)
try:
    b.executable("nope")
except LookupError as e:
    print(e)
`]);
    expect(result.stdout.split("\n")).toEqual([
      "x86_64-unknown-linux-gnu linux-x86_64",
      "['toondb-bulk', 'toondb-grpc-server', 'toondb-server']",
      "linux-x86_64 True",
      "4",
      "no bundled executable named 'nope'; this wheel has: toondb-bulk, toondb-grpc-server, toondb-server",
    ]);
  });
});

describe("a dynamic version", () => {
  it.each([
    ["__version__", 'version = { file = "toondb/__init__.py" }', [] as string[], "0.3.2"],
    ["the upstream release", 'version = { upstream = true }', ["-C", "upstream-version=0.3.2"], "0.3.2"],
  ])("from %s goes through the sdist into the wheel", async (_, source, args, version) => {
    const project = assembleExampleProject(path.join(work, `dynamic-${args.length}`));
    const pyproject = path.join(project, "pyproject.toml");
    writeFileSync(pyproject, readFileSync(pyproject, "utf8")
      .replace('version = "0.3.2"', 'dynamic = ["version"]')
      .replace('locator = "toondb/_binaries.py"', `locator = "toondb/_binaries.py"\n${source}`));
    const dist = path.join(work, `dynamic-dist-${args.length}`);
    await pythonBuild(project, dist, {}, args);
    expect((await validateSdist(only(dist, ".tar.gz"))).version).toBe(version);
    expect((await validateWheel(onlyWheel(dist))).version).toBe(version);
  });
});

describe("a project without [tool.binwheel.upstream]", () => {
  it("builds a pure py3-none-any wheel and sdist", async () => {
    const project = path.join(work, "pure");
    mkdirSync(path.join(project, "src", "pure_sdk"), { recursive: true });
    writeFileSync(path.join(project, "pyproject.toml"), `[build-system]\nrequires = ["binwheel"]\nbuild-backend = "binwheel"\n\n[project]\nname = "Pure.SDK"\nversion = "2.0"\nlicense = "MIT"\n`);
    writeFileSync(path.join(project, "src", "pure_sdk", "__init__.py"), "VALUE = 42\n");
    writeFileSync(path.join(project, "LICENSE.txt"), "MIT\n");
    const dist = path.join(work, "pure-dist");
    await pythonBuild(project, dist);
    const wheel = onlyWheel(dist);
    expect(path.basename(wheel)).toBe("pure_sdk-2.0-py3-none-any.whl");
    const summary = await validateWheel(wheel);
    expect(summary.root_is_purelib).toBe("true");
    expect(summary.files).toEqual(["pure_sdk/__init__.py", "pure_sdk-2.0.dist-info/METADATA", "pure_sdk-2.0.dist-info/WHEEL", "pure_sdk-2.0.dist-info/licenses/LICENSE.txt", "pure_sdk-2.0.dist-info/RECORD"]);
    expect((await validateSdist(only(dist, ".tar.gz"))).members.map((m) => m.name)).toEqual(["PKG-INFO", "pyproject.toml", "LICENSE.txt", "src/pure_sdk/__init__.py"]);
    const bin = await installInVenv("python3", path.join(work, "pure-venv"), wheel);
    expect((await execa(path.join(bin, "python"), ["-c", "import pure_sdk; print(pure_sdk.VALUE)"])).stdout).toBe("42");
  });
});
