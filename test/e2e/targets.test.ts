// Every target from one machine: pip wheel -C target=<triple> for each triple binwheel knows,
// against a fixture release whose binaries carry real headers for that triple; each wheel is
// validated strictly, tagged from its binaries, and laid out as configured.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KNOWN_TRIPLES } from "../../src/platform/triples.js";
import { fixtureLibrary, packTarGz, toondbRelease } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { NODE, REPO, assembleExampleProject } from "../support/project.js";
import { onlyWheel, pipWheel, validateWheel } from "../support/python.js";

const EXPECTED_TAGS: Record<string, string> = {
  "x86_64-unknown-linux-gnu": "manylinux2014_x86_64.manylinux_2_17_x86_64",
  "i686-unknown-linux-gnu": "manylinux2014_i686.manylinux_2_17_i686",
  "aarch64-unknown-linux-gnu": "manylinux2014_aarch64.manylinux_2_17_aarch64",
  "armv7-unknown-linux-gnueabihf": "manylinux2014_armv7l.manylinux_2_17_armv7l",
  "powerpc64le-unknown-linux-gnu": "manylinux2014_ppc64le.manylinux_2_17_ppc64le",
  "s390x-unknown-linux-gnu": "manylinux2014_s390x.manylinux_2_17_s390x",
  "riscv64gc-unknown-linux-gnu": "manylinux_2_31_riscv64",
  "x86_64-unknown-linux-musl": "musllinux_1_2_x86_64",
  "i686-unknown-linux-musl": "musllinux_1_2_i686",
  "aarch64-unknown-linux-musl": "musllinux_1_2_aarch64",
  "armv7-unknown-linux-musleabihf": "musllinux_1_2_armv7l",
  "x86_64-apple-darwin": "macosx_10_12_x86_64",
  "aarch64-apple-darwin": "macosx_11_0_arm64",
  "universal2-apple-darwin": "macosx_10_12_x86_64.macosx_11_0_arm64.macosx_10_12_universal2",
  "x86_64-pc-windows-msvc": "win_amd64",
  "i686-pc-windows-msvc": "win32",
  "aarch64-pc-windows-msvc": "win_arm64",
};

let github: GitHubStandIn;
let work: string;
let project: string;
let env: Record<string, string>;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-targets-"));
  github = await GitHubStandIn.start();
  github.addRelease(await toondbRelease("0.3.2", { triples: [...KNOWN_TRIPLES] }));
  // 0.3.1: the x86_64 asset wrongly holds aarch64 libraries.
  const wrong = await packTarGz([
    { path: "x86_64-unknown-linux-gnu/toondb-bulk", content: "#!/bin/sh\n", mode: 0o755 },
    { path: "x86_64-unknown-linux-gnu/libtoondb_storage.so", content: fixtureLibrary("aarch64-unknown-linux-gnu") },
  ]);
  github.addRelease({ owner: "toondb", repo: "toondb", tag: "v0.3.1", assets: [{ name: "toondb-0.3.1-x86_64-unknown-linux-gnu.tar.gz", data: wrong }] });
  project = assembleExampleProject(path.join(work, "toondb-client"));
  const pyproject = path.join(project, "pyproject.toml");
  const targets = KNOWN_TRIPLES.map((t) => `"${t}" = "auto"`).join("\n");
  writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace(/\[tool\.binwheel\.targets\]\n(".*\n)+/, `[tool.binwheel.targets]\n${targets}\n`));
  env = { GITHUB_API_URL: github.apiUrl };
});

afterAll(async () => {
  await github?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("pip wheel -C target=<triple>", () => {
  it("covers every known triple", () => {
    expect(Object.keys(EXPECTED_TAGS).sort()).toEqual([...KNOWN_TRIPLES].sort());
  });

  // Two builds at a time: the machine has two cores.
  const triples = [...KNOWN_TRIPLES];
  const pairs = Array.from({ length: Math.ceil(triples.length / 2) }, (_, i) => triples.slice(2 * i, 2 * i + 2));
  it.each(pairs.map((p) => [p.join(" + "), p] as const))("%s", async (_, pair) => {
    await Promise.all(pair.map(async (triple) => {
      const dist = path.join(work, `dist-${triple}`);
      const built = await pipWheel("python3", project, dist, { env, args: ["-C", `target=${triple}`] });
      expect(built.exitCode, built.all).toBe(0);
      const wheel = onlyWheel(dist);
      expect(path.basename(wheel)).toBe(`toondb_client-0.3.2-py3-none-${EXPECTED_TAGS[triple]}.whl`);
      const summary = await validateWheel(wheel);
      const windows = triple.includes("windows");
      const [os, arch] = [triple.includes("apple") ? "macos" : windows ? "windows" : "linux", triple.startsWith("universal2") ? "universal2" : { powerpc64le: "ppc64le", riscv64gc: "riscv64" }[triple.split("-")[0]!] ?? triple.split("-")[0]];
      const platform = `${os}-${arch}`;
      const exe = windows ? ".exe" : "";
      const lib = (name: string) => (windows ? `toondb_${name}.dll` : `libtoondb_${name}.${os === "macos" ? "dylib" : "so"}`);
      // ToonDB builds no server for Windows.
      expect(summary.files.filter((f) => f.startsWith("toondb/_bin/") || f.startsWith("toondb/lib/")).sort()).toEqual([
        `toondb/_bin/${platform}/toondb-bulk${exe}`,
        `toondb/_bin/${platform}/toondb-grpc-server${exe}`,
        ...(windows ? [] : [`toondb/_bin/${platform}/toondb-server`]),
        `toondb/lib/${platform}/${lib("index")}`,
        `toondb/lib/${platform}/${lib("storage")}`,
      ].sort());
      expect(summary.modes[`toondb/_bin/${platform}/toondb-bulk${exe}`]).toBe("0o755");
    }));
  });
});

describe("the building Python decides when nothing else does", () => {
  it("builds for aarch64 under _PYTHON_HOST_PLATFORM=linux-aarch64 (as sysconfig reports it)", async () => {
    const dist = path.join(work, "dist-host-platform");
    const built = await pipWheel("python3", project, dist, { env: { ...env, _PYTHON_HOST_PLATFORM: "linux-aarch64" } });
    expect(built.exitCode, built.all).toBe(0);
    expect(path.basename(onlyWheel(dist))).toBe("toondb_client-0.3.2-py3-none-manylinux2014_aarch64.manylinux_2_17_aarch64.whl");
  });

  it("raises the macOS tag to MACOSX_DEPLOYMENT_TARGET, as cibuildwheel sets it", async () => {
    const dist = path.join(work, "dist-deployment-target");
    const built = await pipWheel("python3", project, dist, { env: { ...env, MACOSX_DEPLOYMENT_TARGET: "10.15" }, args: ["-C", "target=x86_64-apple-darwin"] });
    expect(built.exitCode, built.all).toBe(0);
    expect(path.basename(onlyWheel(dist))).toBe("toondb_client-0.3.2-py3-none-macosx_10_15_x86_64.whl");
  });

  it("refuses binaries newer than AUDITWHEEL_PLAT, and binaries of another architecture", async () => {
    const capped = await pipWheel("python3", project, path.join(work, "dist-capped"), { env: { ...env, AUDITWHEEL_PLAT: "manylinux_2_12_x86_64" } });
    expect(capped.exitCode).not.toBe(0);
    expect(capped.all).toMatch(/toondb\/lib\/linux-x86_64\/libtoondb_(index|storage)\.so needs GLIBC_2\.17 \(from libc\.so\.6\), which auditwheel's policies allow from manylinux_2_17 on, newer than AUDITWHEEL_PLAT=manylinux_2_12_x86_64 allows/);
    const wrong = await pipWheel("python3", project, path.join(work, "dist-wrong"), { env, args: ["-C", "upstream-version=0.3.1"] });
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.all).toMatch(/toondb\/lib\/linux-x86_64\/libtoondb_storage\.so is aarch64 code, but the target x86_64-unknown-linux-gnu needs x86_64/);
  });
});

describe("binwheel targets", () => {
  it("prints each target's asset, tags and destinations, deriving the tags with --fetch", async () => {
    const { stdout } = await execa(NODE, [path.join(REPO, "python_shim/binwheel/_core.mjs"), "targets", project, "--fetch"], { env });
    for (const triple of KNOWN_TRIPLES) {
      expect(stdout).toContain(`${triple}\n  asset         toondb-0.3.2-${triple}.${triple.includes("windows") ? "zip" : "tar.gz"} (toondb/toondb v0.3.2)\n  tags          ${EXPECTED_TAGS[triple]}\n`);
    }
    expect(stdout).toContain("  toondb-*      -> toondb/_bin/macos-universal2/");
  });
});
