// Issue 12's path classes, tried as an attacker would: values that become paths after
// placeholders are filled, include destinations that reach .git or .dist-info or the author's own
// files, project links that leave the tree, generated modules over the author's files, and archive
// names that are different strings but one file. Archives are made by the real `tar` and Python's
// zipfile/tarfile. Each case asserts the safe outcome: a clear refusal naming the culprit, nothing
// written outside the intended folders and no partial file.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOptions } from "../../src/config/settings.js";
import { loadProject } from "../../src/config/pyproject.js";
import { buildSdist } from "../../src/sdist/build.js";
import { buildWheel } from "../../src/wheel/build.js";
import { buildEditable } from "../../src/wheel/editable.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { fixtureLibrary } from "../support/fixtures.js";
import { inspectZip } from "../support/zip-inspect.js";

const LINUX = "x86_64-unknown-linux-gnu";
const WINDOWS = "x86_64-pc-windows-msvc";
let work: string;
let count = 0;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-trust-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Setup {
  include?: string;
  asset?: string;
  tool?: string;
  files?: Record<string, string>;
}

/** A project "demo" with package pkg/, an upstream `up/tool`, and assets read from its own folder. */
function project(setup: Setup = {}): { root: string; assets: string; out: string; env: NodeJS.ProcessEnv } {
  const root = path.join(work, `p${count++}`);
  const files: Record<string, string> = {
    "pyproject.toml": `[project]
name = "demo"
version = "1.0"

[tool.binwheel]
packages = ["pkg"]
${setup.tool ?? ""}

[tool.binwheel.upstream]
github = "up/tool"
asset = "${setup.asset ?? "tool-{version}-{target}.{archive}"}"

[tool.binwheel.targets]
"${LINUX}" = "auto"
"${WINDOWS}" = "auto"

${setup.include ?? '[[tool.binwheel.include]]\nfrom = "bin/*"\nto = "pkg/_bin/{platform}"'}
`,
    "pkg/__init__.py": "AUTHOR = 'mine'\n",
    ...setup.files,
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  const assets = path.join(root, "..", `assets-${count}`);
  const out = path.join(root, "..", `out-${count}`);
  mkdirSync(assets, { recursive: true });
  mkdirSync(out, { recursive: true });
  return { root, assets, out, env: { BINWHEEL_ASSET_DIR: assets, BINWHEEL_CACHE_DIR: path.join(work, "cache") } };
}

/** A .tar.gz made by the real tar from files on disk, under one top folder (names may be any bytes Linux allows). */
function tarAsset(dir: string, name: string, files: Record<string, Buffer | string>): void {
  const stage = mkdtempSync(path.join(work, "stage-"));
  const top = name.replace(/\.tar\.gz$/, "");
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(stage, top, file)), { recursive: true });
    writeFileSync(path.join(stage, top, file), content, { mode: 0o755 });
  }
  execFileSync("tar", ["-czf", path.join(dir, name), "-C", stage, top]);
}

/** Python's zipfile and tarfile, for names no file system holds (a NUL, "a//b"). */
function python(script: string, ...args: string[]): void {
  execFileSync("python3", ["-c", script, ...args]);
}

const ZIP_WITH = `
import sys, zipfile
out, names = sys.argv[1], sys.argv[2:]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for n in names:
        z.writestr(n.replace("<NUL>", "#"), b"not a binary")
data = open(out, "rb").read()
for n in names:
    if "<NUL>" in n:
        data = data.replace(n.replace("<NUL>", "#").encode(), n.replace("<NUL>", "\\0").encode())
open(out, "wb").write(data)
`;

const TAR_WITH_PAX_PATHS = `
import io, sys, tarfile
out, names = sys.argv[1], sys.argv[2:]
with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as t:
    for n in names:
        info = tarfile.TarInfo("placeholder")
        info.pax_headers = {"path": n.replace("<NUL>", "\\0")}
        info.size = 4
        info.mode = 0o755
        t.addfile(info, io.BytesIO(b"echo"))
`;

const request = (p: ReturnType<typeof project>, target = LINUX, options: Record<string, unknown> = {}) => ({
  projectDir: p.root,
  outDir: p.out,
  options: { target, offline: false, locked: false, verbose: false, ...options },
  env: p.env,
});

const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

describe("values that become path parts are checked where they enter, and paths after placeholders are filled", () => {
  it.each([
    ["-C upstream-version", () => readOptions({ "upstream-version": "../../../../tmp/x" }, {}), /-C upstream-version \(--upstream-version\) "\.\.\/\.\.\/\.\.\/\.\.\/tmp\/x" is not a usable upstream version/],
    ["BINWHEEL_UPSTREAM_VERSION", () => readOptions({}, { BINWHEEL_UPSTREAM_VERSION: "1.0/../../x" }), /BINWHEEL_UPSTREAM_VERSION "1\.0\/\.\.\/\.\.\/x" is not a usable upstream version/],
    ["a version with a newline", () => readOptions({ "upstream-version": "1.0\nx" }, {}), /is not a usable upstream version/],
  ])("refuses a hostile %s", (_, read, message) => {
    expect(read).toThrow(message);
  });

  it("refuses a hostile [tool.binwheel.upstream] version", () => {
    const p = project({ tool: "" });
    writeFileSync(path.join(p.root, "pyproject.toml"), readFileSync(path.join(p.root, "pyproject.toml"), "utf8").replace('github = "up/tool"', 'github = "up/tool"\nversion = "../../x"'));
    expect(() => loadProject(p.root)).toThrow(/pyproject\.toml: \[tool\.binwheel\.upstream\] version "\.\.\/\.\.\/x" is not a usable upstream version/);
  });

  it("refuses a destination that depends on the version, and checks every destination again once filled", async () => {
    const p = project({ include: '[[tool.binwheel.include]]\nfrom = "bin/*"\nto = "pkg/_bin/{version}"' });
    expect(() => loadProject(p.root)).toThrow(/include\[0\]\.to "pkg\/_bin\/\{version\}" uses \{version\}; a destination cannot depend on the version/);
    // Every value a destination can take is checked where it enters; the gate after filling is
    // the second line, tried here with a var that got past the first.
    const q = project({ include: '[[tool.binwheel.include]]\nfrom = "bin/*"\nto = "pkg/_bin/{platform}"' });
    const loaded = loadProject(q.root);
    loaded.config.targets[0]!.vars["plat"] = "../../../../x";
    loaded.config.include[0]!.to = "pkg/_bin/{plat}";
    expect(() => planTarget(loaded, { target: LINUX, offline: false, locked: false, verbose: false }, undefined, {})).toThrow(/to = "pkg\/_bin\/\{plat\}" gives "pkg\/_bin\/\.\.\/\.\.\/\.\.\/\.\.\/x", which has a "\.\." segment/);
  });

  it("refuses an asset name that is a path once filled", async () => {
    const p = project();
    await expect(buildWheel(request(p, LINUX, { upstreamVersion: "a/../../b" }))).rejects.toThrow(/\[tool\.binwheel\.upstream\] asset gives "tool-a\/\.\.\/\.\.\/b-x86_64-unknown-linux-gnu\.tar\.gz" for x86_64-unknown-linux-gnu, which has a "\.\." segment; an asset name is one file name/);
  });
});

describe("include destinations stay inside the packages, off binwheel's metadata and off the author's files", () => {
  const HOOK = "#!/bin/sh\necho pwned > /tmp/binwheel-pwned\n";

  it.each([
    ['to = "."', '[[tool.binwheel.include]]\nfrom = "**"\nto = "."', /gives "\.", which has a "\." segment/],
    ['to = "{platform}"', '[[tool.binwheel.include]]\nfrom = "**"\nto = "{platform}"', /gives "linux-x86_64", which is not inside one of the package folders \(pkg\)/],
    ['to = "demo-1.0.dist-info"', '[[tool.binwheel.include]]\nfrom = "**"\nto = "demo-1.0.dist-info"', /is not inside one of the package folders/],
  ])("%s is refused for the wheel and the editable install", async (_, include, message) => {
    const p = project({ include });
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { ".git/hooks/post-checkout": HOOK, "demo-1.0.dist-info/entry_points.txt": "[console_scripts]\nx = os:system\n" });
    for (const build of [buildWheel, buildEditable]) await expect(build(request(p))).rejects.toThrow(message);
    expect(listing(p.out)).toEqual([]);
    expect(existsSync(path.join(p.root, ".git"))).toBe(false);
  });

  it("refuses an archive that reaches into a version-control folder", async () => {
    const p = project({ include: '[[tool.binwheel.include]]\nfrom = "**"\nto = "pkg/_bin"' });
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/tool": fixtureLibrary(LINUX), ".git/hooks/post-checkout": HOOK });
    for (const build of [buildWheel, buildEditable]) {
      await expect(build(request(p))).rejects.toThrow(/"tool-1\.0-x86_64-unknown-linux-gnu\/\.git\/hooks\/post-checkout" would go to "pkg\/_bin\/\.git\/hooks\/post-checkout" in the (wheel|editable install).*goes into a version-control folder/);
    }
    expect(existsSync(path.join(p.root, "pkg/_bin"))).toBe(false);
  });

  it('refuses to = "pkg" (the package folder itself), so an archive __init__.py never replaces the author\'s', async () => {
    const p = project({ include: '[[tool.binwheel.include]]\nfrom = "**"\nto = "pkg"' });
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "__init__.py": "import os; os.system('id')\n", "bin/tool": fixtureLibrary(LINUX) });
    for (const build of [buildWheel, buildEditable]) await expect(build(request(p))).rejects.toThrow(/to = "pkg" gives "pkg", which is the package folder itself/);
    expect(readFileSync(path.join(p.root, "pkg/__init__.py"), "utf8")).toBe("AUTHOR = 'mine'\n");
    expect(listing(p.out)).toEqual([]);
  });

  it("refuses an archive file over the author's own file in a subfolder, in the wheel and the editable install", async () => {
    const p = project({ include: '[[tool.binwheel.include]]\nfrom = "**"\nto = "pkg/sub"', files: { "pkg/sub/__init__.py": "MINE = 1\n" } });
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "__init__.py": "import os; os.system('id')\n", "bin/tool": fixtureLibrary(LINUX) });
    await expect(buildWheel(request(p))).rejects.toThrow(/pkg\/sub\/__init__\.py is in pkg\/sub, a folder \[\[tool\.binwheel\.include\]\] fills with upstream files, but binwheel did not put it there/);
    await expect(buildSdist(request(p))).rejects.toThrow(/pkg\/sub\/__init__\.py is in pkg\/sub/);
    await expect(buildEditable(request(p))).rejects.toThrow(/would write pkg\/sub\/__init__\.py .* but a file binwheel did not write is there/);
    expect(readFileSync(path.join(p.root, "pkg/sub/__init__.py"), "utf8")).toBe("MINE = 1\n");
    expect(listing(p.out)).toEqual([]);
  });

  it("an editable install replaces its own files, removes those it no longer writes, and never writes through a link", async () => {
    const p = project();
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/tool": fixtureLibrary(LINUX), "bin/old": fixtureLibrary(LINUX) });
    await buildEditable(request(p));
    expect(readdirSync(path.join(p.root, "pkg/_bin/linux-x86_64")).sort()).toEqual(["old", "tool"]);
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/tool": fixtureLibrary(LINUX, "2.28") });
    await buildEditable(request(p));
    expect(readdirSync(path.join(p.root, "pkg/_bin/linux-x86_64"))).toEqual(["tool"]);
    expect(readFileSync(path.join(p.root, "pkg/_bin/linux-x86_64/tool")).equals(fixtureLibrary(LINUX, "2.28"))).toBe(true);
    // The author edits a file binwheel wrote: it is theirs now.
    writeFileSync(path.join(p.root, "pkg/_bin/linux-x86_64/tool"), "patched by hand");
    await expect(buildEditable(request(p))).rejects.toThrow(/would write pkg\/_bin\/linux-x86_64\/tool .*or it changed since binwheel wrote it/);
    expect(readFileSync(path.join(p.root, "pkg/_bin/linux-x86_64/tool"), "utf8")).toBe("patched by hand");
    // A destination folder that is a link out of the package.
    rmSync(path.join(p.root, "pkg/_bin"), { recursive: true });
    const outside = mkdtempSync(path.join(work, "outside-"));
    symlinkSync(outside, path.join(p.root, "pkg/_bin"));
    await expect(buildEditable(request(p))).rejects.toThrow(/pkg\/_bin leads to .*outside-.*, outside .*\/pkg \(through a link\)\. Remove the link/);
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe("an editable install that is refused writes nothing, and a record is no order to delete", () => {
  it("checks every file before writing any", async () => {
    const p = project({ files: { "pkg/_bin/linux-x86_64/b": "the author's" } });
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/a": fixtureLibrary(LINUX), "bin/b": fixtureLibrary(LINUX) });
    await expect(buildEditable(request(p))).rejects.toThrow(/would write pkg\/_bin\/linux-x86_64\/b .* but a file binwheel did not write is there/);
    expect(readdirSync(path.join(p.root, "pkg/_bin/linux-x86_64"))).toEqual(["b"]);
    expect(existsSync(path.join(p.root, ".binwheel-editable.json"))).toBe(false);
  });

  it("deletes only files in binwheel's own destinations, whatever the record lists", async () => {
    const p = project({ files: { "README.md": "# mine\n" } });
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/tool": fixtureLibrary(LINUX) });
    const { createHash } = await import("node:crypto");
    const hash = createHash("sha256").update("# mine\n").digest("base64url");
    writeFileSync(path.join(p.root, ".binwheel-editable.json"), JSON.stringify({ "README.md": hash, "pkg/__init__.py": createHash("sha256").update("AUTHOR = 'mine'\n").digest("base64url") }));
    await buildEditable(request(p));
    expect(readFileSync(path.join(p.root, "README.md"), "utf8")).toBe("# mine\n");
    expect(readFileSync(path.join(p.root, "pkg/__init__.py"), "utf8")).toBe("AUTHOR = 'mine'\n");
  });
});

describe("project files stay inside the project", () => {
  it("refuses a package folder that is a link out of the project", () => {
    const p = project();
    const elsewhere = mkdtempSync(path.join(work, "elsewhere-"));
    writeFileSync(path.join(elsewhere, "__init__.py"), "");
    rmSync(path.join(p.root, "pkg"), { recursive: true });
    symlinkSync(elsewhere, path.join(p.root, "pkg"));
    expect(() => loadProject(p.root)).toThrow(/\[tool\.binwheel\] packages: pkg is a link to .*outside the project/);
    // A search (the default license-file globs) never follows it, nor walks below the top folder.
  });

  it("refuses a file in a package that links out of the project, in the wheel and the sdist", async () => {
    const p = project();
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/tool": fixtureLibrary(LINUX) });
    symlinkSync("/etc/passwd", path.join(p.root, "pkg/data.txt"));
    await expect(buildWheel(request(p))).rejects.toThrow(/pkg\/data\.txt is a link to \/etc\/passwd, outside the project/);
    await expect(buildSdist(request(p))).rejects.toThrow(/pkg\/data\.txt is a link to \/etc\/passwd, outside the project/);
    expect(listing(p.out)).toEqual([]);
  });

  it("stops at link loops at once, one or two of them", async () => {
    const p = project();
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/tool": fixtureLibrary(LINUX) });
    symlinkSync(".", path.join(p.root, "pkg/l1"));
    await expect(buildWheel(request(p))).rejects.toThrow(/pkg\/l1 is a link to a folder that contains it \(a link loop\)/);
    symlinkSync(".", path.join(p.root, "pkg/l2"));
    const started = Date.now();
    await expect(buildSdist(request(p))).rejects.toThrow(/a link loop/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("copies a folder reached twice through links once, not exponentially: it refuses", async () => {
    const p = project();
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/tool": fixtureLibrary(LINUX) });
    // d0/x and d0/y both lead to d1, whose x and y both lead to d2, ...: 2^n paths to one file.
    for (let i = 0; i < 12; i++) {
      mkdirSync(path.join(p.root, `pkg/d${i}`), { recursive: true });
      symlinkSync(`../d${i + 1}`, path.join(p.root, `pkg/d${i}/x`));
      symlinkSync(`../d${i + 1}`, path.join(p.root, `pkg/d${i}/y`));
    }
    mkdirSync(path.join(p.root, "pkg/d12"));
    writeFileSync(path.join(p.root, "pkg/d12/leaf.txt"), "leaf");
    await expect(buildWheel(request(p))).rejects.toThrow(/pkg\/d\d+\/\w(\/\w)* and pkg\/d\d+(\/\w)* are one folder \(through a link\); binwheel would copy it twice/);
  });

  it("never packages a cache folder (CACHEDIR.TAG) that sits inside a package", async () => {
    const p = project();
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/tool": fixtureLibrary(LINUX) });
    const wheel = await buildWheel({ ...request(p), env: { ...p.env, BINWHEEL_CACHE_DIR: path.join(p.root, "pkg/dlcache") } });
    expect(existsSync(path.join(p.root, "pkg/dlcache/CACHEDIR.TAG"))).toBe(true);
    const names = inspectZip(readFileSync(path.join(p.out, wheel))).entries.map((e) => e.name);
    expect(names.filter((n) => n.startsWith("pkg/"))).toEqual(["pkg/__init__.py", "pkg/_bin/linux-x86_64/tool"]);
  });

  it("keeps links that stay inside the project", async () => {
    const p = project({ files: { "shared/data.txt": "shared\n" } });
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/tool": fixtureLibrary(LINUX) });
    symlinkSync("../shared/data.txt", path.join(p.root, "pkg/data.txt"));
    expect(await buildWheel(request(p))).toMatch(/^demo-1\.0-py3-none-manylinux/);
  });
});

describe("generated modules and commands never take the author's names", () => {
  it.each([
    ['locator = "pkg/__init__.py"', /locator = "pkg\/__init__\.py" must be the path of a new module/],
    ['locator = "pkg/_binwheel_scripts.py"', /must be the path of a new module/],
  ])("refuses %s", (tool, message) => {
    const p = project({ tool });
    expect(() => loadProject(p.root)).toThrow(message);
  });

  it("refuses a locator over the author's own module, for the wheel and the sdist", async () => {
    const p = project({ tool: 'locator = "pkg/mine.py"', files: { "pkg/mine.py": "def mine(): pass\n" } });
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/tool": fixtureLibrary(LINUX) });
    for (const build of [buildWheel, buildSdist]) await expect(build(request(p))).rejects.toThrow(/pkg\/mine\.py exists in the project, but binwheel generates a module at that path \(\[tool\.binwheel\] locator\)/);
    expect(listing(p.out)).toEqual([]);
  });

  it.each(["..", ".hidden", "-rf"])("refuses the command name %j", (name) => {
    const p = project();
    writeFileSync(path.join(p.root, "pyproject.toml"), `${readFileSync(path.join(p.root, "pyproject.toml"), "utf8")}\n[tool.binwheel.scripts]\n"${name}" = "tool"\n`);
    expect(() => loadProject(p.root)).toThrow(/a command name may only contain letters, digits/);
  });
});

describe("archive names that are different strings but one file", () => {
  // Each case: the names in the archive, and the refusal. tar.gz for Linux, zip for Windows.
  const cases: [string, string[], RegExp][] = [
    ["a doubled slash", ["bin/a", "bin//a"], /holds "[^"]*bin\/a(\.exe)?" twice/],
    ["a ./ segment", ["bin/a", "bin/./a"], /holds "[^"]*bin\/a(\.exe)?" twice/],
    ["case", ["bin/Foo", "bin/foo"], /would both go to the wheel .* as "pkg\/_bin\/[a-z-0-9_]+\/Foo(\.exe)?" and "pkg\/_bin\/[a-z-0-9_]+\/foo(\.exe)?" \(paths that differ only in case/],
    ["Unicode normalization", ["bin/caf\u00e9", "bin/cafe\u0301"], /paths that differ only in case or Unicode normalization/],
    ["a NUL", ["bin/a<NUL>b"], /unsafe path .*control characters in names are refused/],
    ["a newline", ["bin/a\nb"], /unsafe path .*control characters in names are refused/],
    // pip reads RECORD with splitlines, which breaks at these: one name would be two rows.
    ["a Unicode line separator", ["bin/a\u2028pyproject_hooks"], /unsafe path .*control characters in names are refused/],
    ["a next-line character", ["bin/a\u0085b"], /unsafe path .*control characters in names are refused/],
    ["a trailing dot (one file on Windows)", ["bin/a", "bin/a."], /which has a segment ending in "\."/],
    ["a data stream (one file on Windows)", ["bin/a", "bin/a:evil"], /which holds a ":"/],
    ["a file and a folder of one name", ["bin/a", "bin/a/b"], /one path cannot be both a file and a folder/],
  ];

  const include = '[[tool.binwheel.include]]\nfrom = "bin/**"\nto = "pkg/_bin/{platform}"';

  it.each(cases)("refuses %s in a .tar.gz (pax, made by Python's tarfile)", async (_, names, message) => {
    const p = project({ include });
    const asset = path.join(p.assets, `tool-1.0-${LINUX}.tar.gz`);
    python(TAR_WITH_PAX_PATHS, asset, ...names.map((n) => `tool/${n}`));
    await expect(buildWheel(request(p))).rejects.toThrow(message);
    expect(listing(p.out)).toEqual([]);
  });

  it.each(cases)("refuses %s in a .zip (Python's zipfile)", async (_, names, message) => {
    const p = project({ include });
    python(ZIP_WITH, path.join(p.assets, `tool-1.0-${WINDOWS}.zip`), ...names);
    await expect(buildWheel(request(p, WINDOWS))).rejects.toThrow(message);
    expect(listing(p.out)).toEqual([]);
  });

  it("refuses case twins made by the real tar from files on disk", async () => {
    const p = project();
    tarAsset(p.assets, `tool-1.0-${LINUX}.tar.gz`, { "bin/Tool": fixtureLibrary(LINUX), "bin/tool": fixtureLibrary(LINUX) });
    await expect(buildWheel(request(p))).rejects.toThrow(/as "pkg\/_bin\/linux-x86_64\/(Tool|tool)" and "pkg\/_bin\/linux-x86_64\/(tool|Tool)" \(paths that differ only in case/);
  });
});
