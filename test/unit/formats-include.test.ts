// Asset formats decided by the name and confirmed by the bytes, through the include step: bare
// executables (renamed with `as`), compressed bare files, plain tars made by the real tar, local
// folders (no top folder dropped), and names that lie about their bytes.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { includeFromArchive } from "../../src/wheel/include.js";
import { loadProject } from "../../src/config/pyproject.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { Spool } from "../../src/wheel/member.js";
import { MemberCache } from "../../src/wheel/member-cache.js";
import { fixtureLibrary, packZip } from "../support/fixtures.js";
import { tempDir, tempProject } from "../support/tmp.js";

const LINUX = "x86_64-unknown-linux-gnu";
const ELF = fixtureLibrary(LINUX);

/** Plans `asset` for Linux with one include rule, and includes from `file` (a folder when `folder`). */
async function include(asset: string, rule: string, file: string, folder = false) {
  const root = tempProject({
    "pyproject.toml": `[project]\nname = "demo"\nversion = "1.0"\n[tool.binwheel]\npackages = ["pkg"]\n[tool.binwheel.upstream]\ngithub = "a/b"\nasset = "${asset}"\n[tool.binwheel.targets]\n"${LINUX}" = "auto"\n[[tool.binwheel.include]]\n${rule}\n`,
    "pkg/__init__.py": "",
  });
  const plan = planTarget(loadProject(root), { target: LINUX, offline: false, locked: false, verbose: false }, undefined, {});
  const spool = await Spool.create(path.join(root, "spool"));
  try {
    const placed = await includeFromArchive({ file, sha256: "0".repeat(64), folder }, plan, spool);
    return Object.fromEntries(placed.map((f) => [f.wheelPath, { mode: f.mode.toString(8), size: f.member.size, from: f.archivePath }]));
  } finally {
    await spool.close();
  }
}

function write(name: string, content: Buffer | string): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, content);
  return file;
}

describe("bare files", () => {
  it("are an archive of one member, renamed by as and made executable", async () => {
    const file = write("jq-linux-amd64", ELF);
    expect(await include("jq-linux-{goarch}", 'from = "jq-*"\nto = "pkg/_bin"\nas = "jq{exe}"', file)).toEqual({
      "pkg/_bin/jq": { mode: "755", size: ELF.length, from: "jq-linux-amd64" },
    });
  });

  it("may be gzip-compressed: the member is named without .gz", async () => {
    const file = write("tool-linux.gz", gzipSync(ELF));
    expect(await include("tool-linux.gz", 'from = "tool-linux"\nto = "pkg/_bin"', file)).toEqual({
      "pkg/_bin/tool-linux": { mode: "755", size: ELF.length, from: "tool-linux" },
    });
  });

  it("keep their own names when two assets have the same bytes (the member cache is keyed by both)", async () => {
    const cacheDir = tempDir();
    const cache = MemberCache.open(cacheDir)!;
    const names: string[] = [];
    for (const name of ["jq-linux-amd64", "kubectl"]) {
      const root = tempProject({
        "pyproject.toml": `[project]\nname = "demo"\nversion = "1.0"\n[tool.binwheel]\npackages = ["pkg"]\n[tool.binwheel.upstream]\ngithub = "a/b"\nasset = "${name}"\n[tool.binwheel.targets]\n"${LINUX}" = "auto"\n[[tool.binwheel.include]]\nfrom = "*"\nto = "pkg/_bin"\n`,
        "pkg/__init__.py": "",
      });
      const plan = planTarget(loadProject(root), { target: LINUX, offline: false, locked: false, verbose: false }, undefined, {});
      const placed = await includeFromArchive({ file: write(name, ELF), sha256: "1".repeat(64) }, plan, cache, cache);
      names.push(...placed.map((f) => f.wheelPath));
    }
    expect(names).toEqual(["pkg/_bin/jq-linux-amd64", "pkg/_bin/kubectl"]);
  });

  it("may not be matched by a rule with as that matches two files", async () => {
    const tar = tempDir();
    mkdirSync(path.join(tar, "t"));
    writeFileSync(path.join(tar, "t/jq-a"), ELF);
    writeFileSync(path.join(tar, "t/jq-b"), ELF);
    execFileSync("tar", ["-cf", path.join(tar, "jq.tar"), "-C", tar, "t"]);
    await expect(include("jq.tar", 'from = "jq-*"\nto = "pkg/_bin"\nas = "jq"', path.join(tar, "jq.tar"))).rejects.toThrow(/renames its file to "jq" \(as\), so it must match one file, but it matches "t\/jq-[ab]" too/);
  });
});

describe("plain tars and folders", () => {
  it("reads an uncompressed tar made by the real tar", async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "tool-1.0/bin"), { recursive: true });
    writeFileSync(path.join(dir, "tool-1.0/bin/tool"), ELF);
    chmodSync(path.join(dir, "tool-1.0/bin/tool"), 0o755);
    execFileSync("tar", ["-cf", path.join(dir, "tool-1.0.tar"), "-C", dir, "tool-1.0"]);
    expect(await include("tool-{version}.tar", 'from = "bin/*"\nto = "pkg/_bin"', path.join(dir, "tool-1.0.tar"))).toEqual({
      "pkg/_bin/tool": { mode: "755", size: ELF.length, from: "tool-1.0/bin/tool" },
    });
  });

  it("reads a folder as the layout itself: no top folder is dropped", async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "release/deps"), { recursive: true });
    writeFileSync(path.join(dir, "release/tool"), ELF, { mode: 0o755 });
    writeFileSync(path.join(dir, "release/deps/tool-1a2b.d"), "deps");
    expect(await include("release", 'from = "release/tool"\nto = "pkg/_bin"', dir, true)).toEqual({
      "pkg/_bin/tool": { mode: "755", size: ELF.length, from: "release/tool" },
    });
    await expect(include("release", 'from = "tool"\nto = "pkg/_bin"', dir, true)).rejects.toThrow(/matches nothing in release.*The archive holds: release\/deps\/tool-1a2b\.d, release\/tool\./);
  });
});

describe("names that lie about their bytes", () => {
  it.each([
    ["a zip named .tar.gz", "tool.tar.gz", async () => packZip([{ path: "bin/tool", content: "x" }]), /tool\.tar\.gz is named like a gzip-compressed tar archive, but its first bytes are a zip archive/],
    ["an error page named .tar.gz", "tool.tar.gz", async () => Buffer.from("<!DOCTYPE html><html>Not Found</html>"), /its first bytes are an HTML or XML page \(an error page saved as the asset\?\)/],
    ["gzip named .tar.xz", "tool.tar.xz", async () => gzipSync("x"), /named like an xz-compressed tar archive, but its first bytes are gzip data/],
    ["an ELF named .zip", "tool.zip", async () => ELF, /named like a zip archive, but its first bytes are an ELF binary/],
    ["junk named .tar", "tool.tar", async () => Buffer.alloc(1024, 0x41), /named like a tar archive, but its first bytes are something else/],
    ["an ELF named .gz", "tool.gz", async () => ELF, /named like a gzip-compressed file, but its first bytes are an ELF binary/],
  ])("refuses %s, naming both", async (_, name, make, message) => {
    await expect(include(name, 'from = "**"\nto = "pkg/_bin"', write(name, await make()))).rejects.toThrow(message);
  });
});
