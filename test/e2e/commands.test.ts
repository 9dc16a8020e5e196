// Issue 14: commands at native speed, and every file in a wheel accounted for. A real executable
// (compiled here by gcc) is shipped two ways: behind the default POSIX launcher (an sh script in
// .data/scripts that execs the package's copy) and as a direct command (the executable itself in
// .data/scripts). Both are installed by pip into a venv, with --user, --prefix and --target, run
// with their exit codes, and found by the generated locator. Then what must be refused: direct
// for an executable that needs a bundled library, a stray binary of another platform among the
// project's own files; and a Windows wheel's .data/scripts/<cmd>.exe installed by pip's own rules.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { machO } from "../support/binaries.js";
import { fixtureLibrary } from "../support/fixtures.js";
import { NODE, REPO, pipEnv } from "../support/project.js";
import { validateWheel } from "../support/python.js";
import { rewriteWheel } from "../support/rewrite-wheel.js";
import { skipAllUnless } from "../support/tools.js";
import { renderShellLauncher } from "../../src/wheel/runtime.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const LINUX = "x86_64-unknown-linux-gnu";
const WINDOWS = "x86_64-pc-windows-msvc";
const MAC = "aarch64-apple-darwin";
const PYTHON = "python3";
let work: string;
let tool: Buffer;

const TOOL_C = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "--exit") == 0) return atoi(argv[2]);
  if (argc > 1 && strcmp(argv[1], "--version") == 0) { printf("tool 1.0 (%s)\\n", argv[0]); return 0; }
  printf("tool args=%d\\n", argc - 1);
  return 0;
}
`;

const why = skipAllUnless("the commands' tests (they compile a tool)", ["gcc"]);

beforeAll(() => {
  if (why) return;
  work = mkdtempSync(path.join(tmpdir(), "binwheel-commands-"));
  writeFileSync(path.join(work, "tool.c"), TOOL_C);
  execFileSync("gcc", ["-O1", "-o", path.join(work, "tool"), path.join(work, "tool.c")]);
  tool = readFileSync(path.join(work, "tool"));
});
afterAll(() => work && rmSync(work, { recursive: true, force: true }));

let count = 0;

/** A project "demo-cli" with package demo, a locator, and `scripts`; assets from its own folder. */
function project(scripts: string, files: Record<string, Buffer | string>, extra = ""): { root: string; assets: string } {
  const root = path.join(work, `p${count++}`);
  const assets = `${root}-assets`;
  mkdirSync(path.join(root, "demo"), { recursive: true });
  mkdirSync(assets, { recursive: true });
  writeFileSync(path.join(root, "demo/__init__.py"), "");
  writeFileSync(path.join(root, "pyproject.toml"), `[project]
name = "demo-cli"
version = "1.0"

[tool.binwheel]
packages = ["demo"]
locator = "demo/_binaries.py"
${extra}

[tool.binwheel.upstream]
github = "acme/demo"
asset = "demo-{version}-{target}.tar.gz"

[tool.binwheel.targets]
"${LINUX}" = "auto"
"${WINDOWS}" = { archive = "tar.gz" }
"${MAC}" = "auto"

[[tool.binwheel.include]]
from = "bin/*"
to = "demo/_bin/{platform}"

${Object.keys(files).some((name) => name.startsWith("lib/")) ? '[[tool.binwheel.include]]\nfrom = "lib/*"\nto = "demo/lib/{platform}"\n' : ""}
[tool.binwheel.scripts]
${scripts}
`);
  const stage = mkdtempSync(path.join(work, "stage-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(stage, "demo-1.0", name)), { recursive: true });
    writeFileSync(path.join(stage, "demo-1.0", name), content);
    chmodSync(path.join(stage, "demo-1.0", name), name.startsWith("bin/") ? 0o755 : 0o644);
  }
  for (const triple of [LINUX, WINDOWS, MAC]) execFileSync("tar", ["-czf", path.join(assets, `demo-1.0-${triple}.tar.gz`), "-C", stage, "demo-1.0"]);
  return { root, assets };
}

async function build(p: { root: string; assets: string }, target = LINUX) {
  const out = path.join(work, `out${count++}`);
  const result = await execa(NODE, [CORE, "build", p.root, "--target", target, "--out-dir", out], {
    env: { BINWHEEL_ASSET_DIR: p.assets, BINWHEEL_CACHE_DIR: path.join(work, "cache") },
    reject: false,
  });
  return { ...result, wheel: result.exitCode === 0 ? path.join(out, readdirSync(out)[0]!) : "" };
}

const pip = (args: string[], env: Record<string, string> = {}) =>
  execa(PYTHON, ["-m", "pip", "install", "--no-deps", "--no-index", "-q", ...args], { env: pipEnv(env) });

describe("the default launcher and direct commands, installed every usual way", () => {
  let wheel: string;
  beforeAll(async () => {
    if (why) return;
    const p = project('demo-launch = "tool"\ndemo-direct = { executable = "tool2", direct = true }', { "bin/tool": tool, "bin/tool2": tool });
    const built = await build(p);
    expect(built.exitCode, built.stderr).toBe(0);
    wheel = built.wheel;
  });

  it("stores the direct executable once, in .data/scripts, and a launcher for the other", async () => {
    const summary = await validateWheel(wheel);
    expect(summary.files.filter((f) => f.includes("/_bin/") || f.includes(".data/"))).toEqual([
      "demo/_bin/linux-x86_64/tool",
      "demo_cli-1.0.data/scripts/demo-direct",
      "demo_cli-1.0.data/scripts/demo-launch",
    ]);
    expect(summary.entry_points["console_scripts"] ?? {}).toEqual({});
  });

  // Each layout: how to install, where the commands land, and what PYTHONPATH/PYTHONUSERBASE lets Python see the package.
  const layouts: [string, (dir: string) => Promise<{ bin: string; python: string; env: Record<string, string> }>][] = [
    ["a venv", async (dir) => {
      await execa(PYTHON, ["-m", "venv", dir]);
      await execa(path.join(dir, "bin/python"), ["-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel], { env: pipEnv() });
      return { bin: path.join(dir, "bin"), python: path.join(dir, "bin/python"), env: {} };
    }],
    ["--user", async (dir) => {
      await pip(["--user", wheel], { PYTHONUSERBASE: dir });
      return { bin: path.join(dir, "bin"), python: PYTHON, env: { PYTHONUSERBASE: dir } };
    }],
    ["--prefix", async (dir) => {
      await pip(["--prefix", dir, wheel]);
      const site = path.join(dir, "lib", readdirSync(path.join(dir, "lib"))[0]!, "site-packages");
      return { bin: path.join(dir, "bin"), python: PYTHON, env: { PYTHONPATH: site } };
    }],
    ["--target", async (dir) => {
      await pip(["--target", dir, wheel]);
      return { bin: path.join(dir, "bin"), python: PYTHON, env: { PYTHONPATH: dir } };
    }],
  ];

  it.each(layouts)("runs both commands with their exit codes and locates both executables after pip install into %s", async (_, install) => {
    const dir = path.join(work, `install-${count++}`);
    const { bin, python, env } = await install(dir);
    for (const command of ["demo-launch", "demo-direct"]) {
      const ran = await execa(path.join(bin, command), ["a", "b c"], { env, reject: false });
      expect(ran.stdout, command).toBe("tool args=2");
      expect((await execa(path.join(bin, command), ["--exit", "7"], { env, reject: false })).exitCode, command).toBe(7);
    }
    // The direct command is the executable itself: no launcher between.
    expect(readFileSync(path.join(bin, "demo-direct")).equals(tool)).toBe(true);
    const located = await execa(python, ["-c", "import demo._binaries as b, json; print(json.dumps(b.executables()))"], { env: { ...process.env, ...env } });
    const found = JSON.parse(located.stdout) as Record<string, string>;
    expect(readFileSync(found["tool"]!).equals(tool)).toBe(true);
    expect(path.resolve(found["tool2"]!)).toBe(path.resolve(path.join(bin, "demo-direct")));
  });

  it("finds the executable without any Python in lib64 layouts (Fedora) and through a relative link run as `sh link`", async () => {
    const dir = path.join(work, `install-${count++}`);
    await pip(["--prefix", dir, wheel]);
    execFileSync("mv", [path.join(dir, "lib"), path.join(dir, "lib64")]);
    const noPython = { PATH: "/nonexistent" };
    const ran = await execa("/bin/sh", [path.join(dir, "bin/demo-launch"), "a"], { env: noPython, extendEnv: false, reject: false });
    expect(ran.stdout, ran.stderr).toBe("tool args=1");
    // A relative symlink beside the script, run by name from its own folder.
    execFileSync("ln", ["-s", "demo-launch", path.join(dir, "bin/rel-launch")]);
    const linked = await execa("/bin/sh", ["rel-launch", "x", "y"], { cwd: path.join(dir, "bin"), env: noPython, extendEnv: false, reject: false });
    expect(linked.stdout, linked.stderr).toBe("tool args=2");
  });

  it("never takes the package from the current folder, nor another version's, when it falls back to Python", async () => {
    const dir = path.join(work, `install-${count++}`);
    await pip(["--prefix", dir, wheel]);
    const elsewhere = path.join(work, `elsewhere-${count++}`);
    mkdirSync(path.join(elsewhere, "demo"), { recursive: true });
    writeFileSync(path.join(elsewhere, "demo-launch"), readFileSync(path.join(dir, "bin/demo-launch")), { mode: 0o755 });
    // A planted package in the folder the user runs the command from.
    writeFileSync(path.join(elsewhere, "demo/__init__.py"), "");
    writeFileSync(path.join(elsewhere, "demo/_binwheel_scripts.py"), "def run_demo_launch():\n    print('PLANTED')\n");
    const planted = await execa(path.join(elsewhere, "demo-launch"), [], { cwd: elsewhere, env: { PYTHONPATH: "" }, reject: false });
    expect(planted.stdout).not.toContain("PLANTED");
    expect(planted.exitCode).not.toBe(0);
    expect(planted.stderr).toMatch(/demo-launch: the Python found \(.*\) has no demo-cli, not demo-cli 1\.0, which this command belongs to; reinstall demo-cli/);
  });

  it("falls back to Python when it cannot find the executable beside it", async () => {
    const dir = path.join(work, `install-${count++}`);
    await pip(["--prefix", dir, wheel]);
    // A copy of the launcher somewhere else still runs, through the package Python can import.
    const elsewhere = path.join(work, `elsewhere-${count++}`);
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, "demo-launch"), readFileSync(path.join(dir, "bin/demo-launch")), { mode: 0o755 });
    const site = path.join(dir, "lib", readdirSync(path.join(dir, "lib"))[0]!, "site-packages");
    const ran = await execa(path.join(elsewhere, "demo-launch"), ["x"], { env: { PYTHONPATH: site } });
    expect(ran.stdout).toBe("tool args=1");
  });
});

describe("python -m <package> with [tool.binwheel] main", () => {
  it.each([
    ["a launcher command", 'demo-launch = "tool"\ndemo-direct = { executable = "tool2", direct = true }', "demo-launch"],
    ["a direct command", 'demo-launch = "tool"\ndemo-direct = { executable = "tool2", direct = true }', "demo-direct"],
  ])("runs %s with its arguments and exit code, installed by pip", async (_, scripts, main) => {
    const built = await build(project(scripts, { "bin/tool": tool, "bin/tool2": tool }, `main = "${main}"`));
    expect(built.exitCode, built.stderr).toBe(0);
    expect((await validateWheel(built.wheel)).files).toContain("demo/__main__.py");
    // --target: the package and the scripts folder (bin/) where the direct command's file lands.
    const target = path.join(work, `main-target-${count++}`);
    await pip(["--target", target, built.wheel]);
    const env = { PYTHONPATH: target };
    // argv[0] is the command's name, as the console command gives it.
    expect((await execa(PYTHON, ["-m", "demo", "--version"], { env })).stdout).toBe(`tool 1.0 (${main})`);
    expect((await execa(PYTHON, ["-m", "demo", "a", "b c"], { env })).stdout).toBe("tool args=2");
    expect((await execa(PYTHON, ["-m", "demo", "--exit", "9"], { env, reject: false })).exitCode).toBe(9);
    // Importing the module (pydoc, tests) runs nothing.
    expect((await execa(PYTHON, ["-c", "import demo.__main__; print('imported')"], { env })).stdout).toBe("imported");
  });

  it.each([
    ['main = "nope"', 'demo-launch = "tool"', /\[tool\.binwheel\] main = "nope" must name a command of \[tool\.binwheel\.scripts\] \("demo-launch"\)/],
    ['main = "demo-launch"', 'demo-launch = { executable = "tool", targets = ["*-linux-*"] }', /names a command only some targets have \(targets = \["\*-linux-\*"\]\)/],
  ])("refuses %s when it cannot be every wheel's python -m", async (extra, scripts, message) => {
    const refused = await build(project(scripts, { "bin/tool": tool }, extra));
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(message);
  });

  it("refuses to replace the project's own __main__.py", async () => {
    const p = project('demo-launch = "tool"', { "bin/tool": tool }, 'main = "demo-launch"');
    writeFileSync(path.join(p.root, "demo/__main__.py"), "print('mine')\n");
    const refused = await build(p);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("demo/__main__.py exists in the project, but binwheel generates a module at that path ([tool.binwheel] main, for python -m) and would replace it. Keep your own __main__.py and remove main.");
  });
});

describe("a direct command with data beside its folder", () => {
  it("warns that share/ and lib/ stay in the package, and says to keep a launcher; a launcher has no warning", async () => {
    const files = { "bin/tool": tool, "share/tool/modules/a.cmake": "# a\n", "share/tool/modules/b.cmake": "# b\n", "lib/tool/plugin.txt": "p\n" };
    const layout = (p: { root: string; assets: string }) => {
      const file = path.join(p.root, "pyproject.toml");
      writeFileSync(file, readFileSync(file, "utf8").replace('from = "bin/*"', 'from = "**"').replace(/\[\[tool\.binwheel\.include\]\]\nfrom = "lib\/\*"\nto = "demo\/lib\/\{platform\}"\n/, ""));
      return p;
    };
    const direct = await build(layout(project('tool = { executable = "tool", direct = true }', files)));
    expect(direct.exitCode, direct.stderr).toBe(0);
    expect(direct.stderr).toContain(
      "binwheel: warning: [tool.binwheel.scripts] tool is direct, so demo/_bin/linux-x86_64/bin/tool is installed alone in the scripts folder, but 3 included files beside its folder " +
        "(../lib/, ../share/, under demo/_bin/linux-x86_64/) stay in the package: a program that finds its data relative to itself will not find them. " +
        'If tool does, keep it a launcher (direct = false on the command, or commands = "launcher").',
    );
    const launcher = await build(layout(project('tool = "tool"', files)));
    expect(launcher.exitCode, launcher.stderr).toBe(0);
    expect(launcher.stderr).not.toMatch(/is direct/);
    // An executable alone in its rule's folder has nothing beside it, whatever else the wheel holds.
    const flat = await build(project('tool = { executable = "tool", direct = true }', { "bin/tool": tool, "lib/libdata.txt": "d\n" }));
    expect(flat.exitCode, flat.stderr).toBe(0);
    expect(flat.stderr).not.toMatch(/is direct/);
  });
});

describe("the sh launcher's own text", () => {
  it("holds wheel paths with shell characters as data: nothing in them runs, the message shows them as they are", async () => {
    const dir = mkdtempSync(path.join(work, "quoting-"));
    const wheelPath = `demo/_bin/x$(touch${"${IFS}"}PWNED)\`touch TICK\`"q'/tool`;
    const script = renderShellLauncher({ command: "demo-tool", packageName: "demo", fn: "run_demo_tool", wheelPath, distInfo: "demo_cli-1.0.dist-info", distribution: "demo-cli", version: "1.0" });
    writeFileSync(path.join(dir, "demo-tool"), script, { mode: 0o755 });
    const ran = await execa("/bin/sh", [path.join(dir, "demo-tool")], { cwd: dir, env: { PATH: "/nonexistent" }, extendEnv: false, reject: false });
    expect(ran.exitCode).toBe(127);
    expect(ran.stderr).toBe(`demo-tool: cannot find ${wheelPath} of demo-cli 1.0 beside this script, nor a Python to ask`);
    expect(readdirSync(dir)).toEqual(["demo-tool"]);
  });
});

describe("what is refused", () => {
  it("refuses direct for an executable that loads a library the wheel bundles", async () => {
    const dir = mkdtempSync(path.join(work, "linked-"));
    writeFileSync(path.join(dir, "lib.c"), "int answer(void) { return 42; }\n");
    writeFileSync(path.join(dir, "main.c"), "int answer(void); int main(void) { return answer(); }\n");
    execFileSync("gcc", ["-shared", "-fPIC", "-o", path.join(dir, "libanswer.so"), path.join(dir, "lib.c")]);
    // demo/_bin/linux-x86_64/linked finds demo/lib/linux-x86_64/libanswer.so two folders up.
    execFileSync("gcc", ["-o", path.join(dir, "linked"), path.join(dir, "main.c"), `-L${dir}`, "-lanswer", "-Wl,-rpath,$ORIGIN/../../lib/linux-x86_64"]);
    const files = { "bin/linked": readFileSync(path.join(dir, "linked")), "lib/libanswer.so": readFileSync(path.join(dir, "libanswer.so")) };
    const direct = await build(project("linked = { executable = \"linked\", direct = true }", files));
    expect(direct.exitCode).toBe(1);
    expect(direct.stderr).toMatch(/\[tool\.binwheel\.scripts\] linked is direct, but demo\/_bin\/linux-x86_64\/linked loads libanswer\.so, which the wheel bundles in the package \(it looks in \$ORIGIN\/\.\.\/\.\.\/lib\/linux-x86_64\)/);
    expect((await build(project('linked = "linked"', files))).exitCode).toBe(0);
  });

  it("refuses direct for a Mach-O executable that loads a framework the wheel bundles (a library without an extension)", async () => {
    const files = {
      "bin/tool": machO({ cpu: "arm64", minos: "11.0", dylibs: ["/usr/lib/libSystem.B.dylib", "@rpath/Foo.framework/Versions/A/Foo"], rpaths: ["@executable_path/../Frameworks"] }),
      "lib/Foo": machO({ cpu: "arm64", minos: "11.0" }),
    };
    const direct = await build(project('tool = { executable = "tool", direct = true }', files), MAC);
    expect(direct.exitCode).toBe(1);
    expect(direct.stderr).toContain("[tool.binwheel.scripts] tool is direct, but demo/_bin/macos-aarch64/tool loads Foo, which the wheel bundles in the package (it looks in @executable_path/../Frameworks)");
  });

  it("refuses a stray binary of another platform among the project's files, and says how to leave it out", async () => {
    const p = project('demo-launch = "tool"', { "bin/tool": tool });
    mkdirSync(path.join(p.root, "demo/old/darwin-arm64"), { recursive: true });
    writeFileSync(path.join(p.root, "demo/old/darwin-arm64/tool"), fixtureLibrary("aarch64-apple-darwin"));
    const refused = await build(p);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/demo\/old\/darwin-arm64\/tool is a Mach-O binary, which cannot run on linux, and it is one of the project's own files \(not from the asset\)\. .*leave it out with \[tool\.binwheel\] exclude = \["demo\/old\/darwin-arm64\/tool"\]/);
    // The sdist never carries it either.
    const sdist = await execa(NODE, [CORE, "build", p.root, "--sdist", "--target", LINUX, "--out-dir", path.join(work, `sd${count++}`)], { env: { BINWHEEL_ASSET_DIR: p.assets }, reject: false });
    expect(sdist.stderr).toMatch(/demo\/old\/darwin-arm64\/tool \(a Mach-O binary\) in the sdist/);
    writeFileSync(path.join(p.root, "pyproject.toml"), readFileSync(path.join(p.root, "pyproject.toml"), "utf8").replace('locator = "demo/_binaries.py"', 'locator = "demo/_binaries.py"\nexclude = ["demo/old/**"]'));
    const excluded = await build(p);
    expect(excluded.exitCode, excluded.stderr).toBe(0);
    expect((await validateWheel(excluded.wheel)).files.some((f) => f.startsWith("demo/old/"))).toBe(false);
    // binwheel check finds the same file in any wheel, whoever built it, and in any folder of it.
    for (const member of ["demo/old/darwin-arm64/tool", "demo_cli-1.0.data/scripts/tool"]) {
      const tampered = path.join(work, `tampered-${count++}`, path.basename(excluded.wheel));
      mkdirSync(path.dirname(tampered), { recursive: true });
      await rewriteWheel(excluded.wheel, tampered, { [member]: fixtureLibrary("aarch64-apple-darwin") });
      // Legal in a wheel (it may be data), so a warning: it fails under --strict, as a release is.
      const checked = await execa(NODE, [CORE, "check", "--strict", tampered], { reject: false });
      expect(checked.exitCode).toBe(1);
      expect(checked.stdout).toContain(`BW603 warning ${member} is a Mach-O binary, which cannot run on linux (the tag ${path.basename(tampered).split("-").at(-1)!.split(".")[0]})`);
    }
  });

  it("counts a binary of the same platform among the project's files toward the tags", async () => {
    const p = project('demo-launch = "tool"', { "bin/tool": fixtureLibrary(LINUX) });
    writeFileSync(path.join(p.root, "demo/helper.so"), fixtureLibrary(LINUX, "2.28"));
    const built = await build(p);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(path.basename(built.wheel)).toBe("demo_cli-1.0-py3-none-manylinux_2_28_x86_64.whl");
  });
});

describe("a Windows wheel's direct command", () => {
  it("is .data/scripts/<command>.exe, which pip installs as it is", async () => {
    const exe = fixtureLibrary(WINDOWS);
    const p = project('demo-direct = { executable = "tool", direct = true }\ndemo-launch = "tool2"', { "bin/tool.exe": exe, "bin/tool2.exe": exe });
    const built = await build(p, WINDOWS);
    expect(built.exitCode, built.stderr).toBe(0);
    const summary = await validateWheel(built.wheel);
    expect(summary.files.filter((f) => f.includes(".data/") || f.includes("/_bin/"))).toEqual(["demo/_bin/windows-x86_64/tool2.exe", "demo_cli-1.0.data/scripts/demo-direct.exe"]);
    expect(summary.entry_points["console_scripts"]).toEqual({ "demo-launch": "demo._binwheel_scripts:run_demo_launch" });
    // pip's own installer, for a Windows wheel into a folder (--platform): the file lands in bin/ unchanged.
    const target = path.join(work, `win-${count++}`);
    await pip(["--platform", "win_amd64", "--only-binary=:all:", "--target", target, built.wheel]);
    expect(readFileSync(path.join(target, "bin/demo-direct.exe")).equals(exe)).toBe(true);
  });
});
