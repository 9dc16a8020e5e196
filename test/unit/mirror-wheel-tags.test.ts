// The executables of four real PyPI wheels (on the local PyPI mirror pip is configured for), made
// by their upstreams' own toolchains: binwheel must tag them as auditwheel would (readelf and
// auditwheel's JSON decide, test/support/auditwheel-oracle.ts), and accept the published wheels'
// own tag strings, legacy aliases and all, when written out. Skipped, saying why, without the mirror.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inspectBinary } from "../../src/inspect/inspect.js";
import { platformTags } from "../../src/inspect/platform-tags.js";
import { targetInfo } from "../../src/platform/triples.js";
import { auditwheelTags } from "../support/auditwheel-oracle.js";
import { tempDir } from "../support/tmp.js";

interface MirrorWheel {
  wheel: string;
  members: string[];
  triple: string;
}

const WHEELS: MirrorWheel[] = [
  { wheel: "ruff-0.16.9-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", members: ["ruff-0.16.9.data/scripts/ruff"], triple: "x86_64-unknown-linux-gnu" },
  { wheel: "ninja-1.13.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", members: ["ninja-1.13.2.data/scripts/ninja"], triple: "x86_64-unknown-linux-gnu" },
  { wheel: "cmake-4.4.3-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", members: ["cmake/data/bin/cmake", "cmake/data/bin/cpack", "cmake/data/bin/ctest"], triple: "x86_64-unknown-linux-gnu" },
  { wheel: "maturin-1.15.0-py3-none-manylinux_2_12_x86_64.manylinux2010_x86_64.musllinux_1_1_x86_64.whl", members: ["maturin-1.15.0.data/scripts/maturin"], triple: "x86_64-unknown-linux-musl" },
];

/** The folders pip is configured to find wheels in: find-links, and file:// indexes' parents (their files/). */
function mirrorFolders(): string[] {
  let config = "";
  try {
    config = execFileSync("python3", ["-m", "pip", "config", "list"], { encoding: "utf8" });
  } catch {
    return [];
  }
  return [...config.matchAll(/(?:find-links|index-url)='([^']+)'/g)].flatMap((m) => m[1]!.split(/\s+/)).flatMap((entry) => {
    const folder = entry.replace(/^file:\/\//, "");
    return entry.startsWith("file://") && folder.endsWith("/simple") ? [path.join(folder, "..", "files")] : entry.startsWith("/") ? [folder] : [];
  });
}

const FOLDERS = mirrorFolders();
const find = (wheel: string) => FOLDERS.map((f) => path.join(f, wheel)).find((p) => existsSync(p));

/** The wheel's tags from its file name, sorted. */
const publishedTags = (wheel: string) => wheel.replace(/\.whl$/, "").split("-").at(-1)!.split(".").sort();

describe("real wheels from the local PyPI mirror", () => {
  for (const { wheel, members, triple } of WHEELS) {
    const file = find(wheel);
    if (!file) {
      console.warn(`mirror-wheel-tags: ${wheel} is not on the local PyPI mirror (${FOLDERS.join(", ") || "no pip configuration"}); skipping it.`);
      it.skip(`${wheel} [skipped: not on the local PyPI mirror]`, () => {});
      continue;
    }
    it(`${wheel.split("-").slice(0, 2).join(" ")}: tagged as auditwheel would, and its published tags accepted as written`, async () => {
      const dir = tempDir();
      execFileSync("python3", ["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], sys.argv[3:])", file, dir, ...members]);
      const files = await Promise.all(members.map(async (m) => ({ path: m, file: path.join(dir, m), info: (await inspectBinary(path.join(dir, m), m))! })));
      const target = targetInfo(triple)!;
      const derived = platformTags(target, "auto", files, { requireBundled: true });
      const oracle = auditwheelTags(files.map((f) => f.file), "x86_64");
      if (files.every((f) => f.info.format === "ELF" && f.info.libc === "static")) {
        // A static executable (maturin's, Rust and musl): auditwheel's oldest policy, and musllinux_1_1.
        expect(derived).toEqual([...oracle, "musllinux_1_1_x86_64"].sort());
        expect(derived).toEqual(["manylinux1_x86_64", "manylinux_2_5_x86_64", "musllinux_1_1_x86_64"]);
      } else {
        expect(derived).toEqual(oracle);
        expect(derived).toEqual(publishedTags(wheel));
      }
      const written = wheel.replace(/\.whl$/, "").split("-").at(-1)!.split(".");
      expect(platformTags(target, written, files, { requireBundled: true })).toEqual(written);
    });
  }
});
