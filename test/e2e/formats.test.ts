// Every archive compression binwheel reads, end to end: wheels built by the bundled CLI
// (`binwheel build`) from assets the real tools made (.tar.xz, .tar.zst, .tar.bz2, .tar, and bare
// .xz/.zst/.gz files), read by name from BINWHEEL_ASSET_DIR, each wheel validated strictly and
// its files compared with what went into the asset; and a damaged asset refused in one paragraph.
// The tools are installed by .ci/run.
import { execFileSync, execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { fixtureLibrary } from "../support/fixtures.js";
import { NODE, REPO } from "../support/project.js";
import { validateWheel } from "../support/python.js";
import { itNeeds } from "../support/tools.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const LINUX = "x86_64-unknown-linux-gnu";
let work: string;
let count = 0;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-formats-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `it`, or a skip that prints which tool is missing (.ci/run installs them all). */
const withTool = (...tools: string[]) => itNeeds(tools);

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** An executable over 1 MiB that compresses like code: ELF headers, then this machine's node. */
const TOOL = Buffer.concat([fixtureLibrary(LINUX), readFileSync(process.execPath).subarray(0, 3 << 20)]);
const LIBRARY = fixtureLibrary(LINUX);

/** A project "demo" (package pkg/) whose upstream asset is `asset`, read from its own folder. */
function project(asset: string, include: string): { root: string; assets: string; out: string } {
  const root = path.join(work, `p${count++}`);
  const files: Record<string, string> = {
    "pyproject.toml": `[project]
name = "demo"
version = "1.0"

[tool.binwheel]
packages = ["pkg"]

[tool.binwheel.upstream]
github = "up/tool"
asset = "${asset}"

[tool.binwheel.targets]
"${LINUX}" = "auto"

${include}
`,
    "pkg/__init__.py": "",
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  const assets = path.join(root, "..", `assets-${count}`);
  mkdirSync(assets, { recursive: true });
  return { root, assets, out: path.join(root, "..", `out-${count}`) };
}

const TAR_RULES = `[[tool.binwheel.include]]
from = "bin/*"
to = "pkg/_bin"

[[tool.binwheel.include]]
from = "lib/*"
to = "pkg/lib"`;

/** A tar of bin/tool and lib/libtool.so under one top folder, by the real tar, piped through `compress`. */
function tarAsset(dir: string, name: string, compress: string | null): void {
  const stage = mkdtempSync(path.join(work, "stage-"));
  const top = "tool-1.0";
  mkdirSync(path.join(stage, top, "bin"), { recursive: true });
  mkdirSync(path.join(stage, top, "lib"), { recursive: true });
  writeFileSync(path.join(stage, top, "bin/tool"), TOOL, { mode: 0o755 });
  writeFileSync(path.join(stage, top, "lib/libtool.so"), LIBRARY, { mode: 0o644 });
  const tar = `tar -C ${stage} --owner=0 --group=0 -cf - ${top}`;
  execSync(compress ? `${tar} | ${compress} > ${path.join(dir, name)}` : `${tar} > ${path.join(dir, name)}`);
}

async function build(p: { root: string; out: string; assets: string }) {
  return execa(NODE, [CORE, "build", p.root, "--out-dir", p.out, "--target", LINUX], {
    env: { BINWHEEL_ASSET_DIR: p.assets, BINWHEEL_CACHE_DIR: path.join(work, "cache") },
    reject: false,
    all: true,
  });
}

/** The one wheel in `out`, validated; its files' sha256 by path. */
async function wheelFiles(out: string): Promise<Record<string, string>> {
  const wheels = readdirSync(out).filter((f) => f.endsWith(".whl"));
  expect(wheels).toHaveLength(1);
  const wheel = path.join(out, wheels[0]!);
  const summary = await validateWheel(wheel);
  expect(summary.tags).toContain("py3-none-manylinux_2_17_x86_64");
  const zip = await JSZip.loadAsync(readFileSync(wheel));
  const files: Record<string, string> = {};
  for (const name of Object.keys(zip.files).filter((n) => /^pkg\/(_bin|lib)\/[^/]+$/.test(n))) {
    files[name] = sha256(await zip.file(name)!.async("nodebuffer"));
  }
  return files;
}

describe("binwheel build reads every archive compression", () => {
  const CASES: [string, string, string | null][] = [
    ["tar.xz", "xz", "xz -T1 -c"],
    ["tar.xz", "xz", "xz -T1 -9 --check=sha256 -c"],
    ["tar.xz", "xz", "xz -T2 --block-size=1MiB -c"],
    ["txz", "xz", "xz -T1 -c"],
    ["tar.zst", "zstd", "zstd -q -c"],
    ["tar.zst", "zstd", "zstd -q -19 --long -c"],
    ["tzst", "zstd", "zstd -q --no-check -c"],
    ["tar.bz2", "bzip2", "bzip2 -c"],
    ["tbz2", "pbzip2", "pbzip2 -p2 -b1 -c"],
    ["tar.bz2", "lbzip2", "lbzip2 -n2 -c"],
    ["tar", "tar", null],
  ];
  for (const [suffix, tool, compress] of CASES) {
    withTool(tool)(`.${suffix} from \`${compress ?? "tar"}\``, async () => {
      const p = project(`tool-{version}-{target}.${suffix}`, TAR_RULES);
      tarAsset(p.assets, `tool-1.0-${LINUX}.${suffix}`, compress);
      const result = await build(p);
      expect(result.exitCode, result.all).toBe(0);
      expect(await wheelFiles(p.out)).toEqual({ "pkg/_bin/tool": sha256(TOOL), "pkg/lib/libtool.so": sha256(LIBRARY) });
    });
  }

  withTool("xz", "zstd", "gzip")("bare files: tool.xz, tool.zst and tool.gz, renamed by `as`", async () => {
    for (const [suffix, compress] of [["xz", "xz -c"], ["zst", "zstd -q -c"], ["gz", "gzip -c"]] as const) {
      const p = project(`tool-{version}-{target}.${suffix}`, '[[tool.binwheel.include]]\nfrom = "tool-*"\nto = "pkg/_bin"\nas = "tool"');
      writeFileSync(path.join(p.assets, `tool-1.0-${LINUX}.${suffix}`), execSync(compress, { input: TOOL, maxBuffer: 64 << 20 }));
      const result = await build(p);
      expect(result.exitCode, result.all).toBe(0);
      expect(await wheelFiles(p.out)).toEqual({ "pkg/_bin/tool": sha256(TOOL) });
    }
  });

  withTool("xz", "zstd", "bzip2")("refuses a damaged asset in one paragraph naming it, leaving no wheel", async () => {
    for (const [suffix, compress] of [["tar.xz", "xz -T1 -c"], ["tar.zst", "zstd -q -c"], ["tar.bz2", "bzip2 -c"]] as const) {
      const p = project(`tool-{version}-{target}.${suffix}`, TAR_RULES);
      const name = `tool-1.0-${LINUX}.${suffix}`;
      tarAsset(p.assets, name, compress);
      const bytes = readFileSync(path.join(p.assets, name));
      bytes[bytes.length >> 1]! ^= 0x10;
      writeFileSync(path.join(p.assets, name), bytes);
      const result = await build(p);
      expect(result.exitCode).not.toBe(0);
      // One paragraph after the warning that the asset has no known sha256.
      const errors = result.stderr.trim().split("\n").filter((line) => !line.startsWith("binwheel: warning:"));
      expect(errors, result.stderr).toHaveLength(1);
      // The decoder's check fails, or, when the damage reaches a file's headers first, the inspection: both name the asset.
      expect(errors[0]).toMatch(new RegExp(`^binwheel: error: .*${name.replace(/\./g, "\\.")}.*(damaged|CRC)`));
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(p.out) ? readdirSync(p.out) : []).toEqual([]);
    }
  });
});

// What a release workflow's `tar -cJf` writes (GNU tar running xz itself), with no top folder.
withTool("xz")("reads `tar -cJf` output (GNU tar running xz itself)", async () => {
  const p = project("tool-{version}-{target}.tar.xz", TAR_RULES);
  const stage = mkdtempSync(path.join(work, "stage-"));
  mkdirSync(path.join(stage, "bin"));
  mkdirSync(path.join(stage, "lib"));
  writeFileSync(path.join(stage, "bin/tool"), TOOL, { mode: 0o755 });
  writeFileSync(path.join(stage, "lib/libtool.so"), LIBRARY);
  execFileSync("tar", ["-C", stage, "-cJf", path.join(p.assets, `tool-1.0-${LINUX}.tar.xz`), "bin", "lib"]);
  const result = await build(p);
  expect(result.exitCode, result.all).toBe(0);
  expect(await wheelFiles(p.out)).toEqual({ "pkg/_bin/tool": sha256(TOOL), "pkg/lib/libtool.so": sha256(LIBRARY) });
});
