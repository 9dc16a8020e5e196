// Linux platform tags by auditwheel's policies, on ELF files this machine's gcc and ld make
// (test/support/compiled-elf.ts): each versioned library at each policy boundary, static files,
// the library whitelist, libraries bundled through $ORIGIN, legacy aliases, explicit tags and
// AUDITWHEEL_PLAT. Expected tags come from auditwheel's JSON and readelf (auditwheel-oracle.ts),
// not from binwheel's table.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ElfInfo } from "../../src/inspect/elf.js";
import { inspectBinary } from "../../src/inspect/inspect.js";
import { platformTags, type TagEnvironment } from "../../src/inspect/platform-tags.js";
import { targetInfo } from "../../src/platform/triples.js";
import { auditwheelTags, policyBoundaries } from "../support/auditwheel-oracle.js";
import { EM, elf } from "../support/binaries.js";
import { compiledElf, stub, type CompiledElfSpec } from "../support/compiled-elf.js";
import { thrownBy } from "../support/errors.js";

const GNU = targetInfo("x86_64-unknown-linux-gnu")!;
const MUSL = targetInfo("x86_64-unknown-linux-musl")!;
const BUILD: TagEnvironment = { requireBundled: true };
/** One folder for the whole file: the stub libraries are built once and shared by the fixtures. */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "binwheel-linux-tags-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A compiled fixture, written to disk (for readelf) and inspected as binwheel inspects wheel files. */
async function fixture(wheelPath: string, spec: CompiledElfSpec): Promise<{ path: string; file: string; info: ElfInfo }> {
  const file = path.join(dir, wheelPath.replace(/\//g, "__"));
  writeFileSync(file, compiledElf(dir, spec));
  return { path: wheelPath, file, info: (await inspectBinary(file, wheelPath)) as ElfInfo };
}

const LIBRARY: Record<string, string> = { GLIBC: "libc.so.6", GLIBCXX: "libstdc++.so.6", CXXABI: "libstdc++.so.6", GCC: "libgcc_s.so.1", ZLIB: "libz.so.1", LIBATOMIC: "libatomic.so.1" };

describe("each versioned library at each policy boundary (x86_64)", () => {
  const cases = Object.entries(LIBRARY).flatMap(([prefix, library]) => policyBoundaries("x86_64", prefix).map((b) => ({ ...b, library, label: `${b.version} from ${library} -> ${b.policy}` })));

  beforeAll(() => {
    for (const library of new Set(Object.values(LIBRARY))) stub(dir, library, cases.filter((c) => c.library === library).map((c) => c.version));
  });

  it("covers every prefix of the policy and more than a dozen boundaries", () => {
    expect(new Set(cases.map((c) => c.version.split("_")[0]))).toEqual(new Set(Object.keys(LIBRARY)));
    expect(cases.length).toBeGreaterThan(30);
  });

  it.each(cases)("$label, and the policy before it is refused", async ({ version, library, tags, previous }) => {
    const bin = await fixture("pkg/bin/tool", { needs: { [library]: [version] } });
    expect(platformTags(GNU, "auto", [bin], BUILD)).toEqual(tags);
    expect(tags).toEqual(auditwheelTags([bin.file], "x86_64"));
    if (previous) {
      expect(thrownBy(() => platformTags(GNU, [previous], [bin], BUILD))).toContain(
        `${previous} claims glibc ${previous.split("_").slice(1, 3).join(".")}, but pkg/bin/tool needs ${version} (from ${library}), which auditwheel's policies allow from ${tags.at(-1)!.replace(/_x86_64$/, "")} on. Use "auto" or "${tags.join(".")}".`,
      );
    }
  });
});

describe("what decides the tag", () => {
  it("takes the neediest of all files and libraries: here libstdc++'s GLIBCXX_3.4.19, not glibc's 2.12", async () => {
    const ninja = await fixture("ninja/bin/ninja", { needs: { "libstdc++.so.6": ["GLIBCXX_3.4", "GLIBCXX_3.4.19", "CXXABI_1.3"], "libm.so.6": [], "libgcc_s.so.1": ["GCC_3.0"], "libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.12"] } });
    const helper = await fixture("ninja/bin/helper", { needs: { "libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.12"] } });
    expect(platformTags(GNU, "auto", [ninja, helper], BUILD)).toEqual(["manylinux2014_x86_64", "manylinux_2_17_x86_64"]);
    expect(auditwheelTags([ninja.file, helper.file], "x86_64")).toEqual(["manylinux2014_x86_64", "manylinux_2_17_x86_64"]);
    expect(platformTags(GNU, "auto", [helper], BUILD)).toEqual(["manylinux2010_x86_64", "manylinux_2_12_x86_64"]);
  });

  it("skips the loader's own versions, and needs no policy to know a prefix (OPENSSL_3.0.0 of a bundled library)", async () => {
    const bin = await fixture("pkg/bin/tool", { needs: { "ld-linux-x86-64.so.2": ["GLIBC_2.99"], "libc.so.6": ["GLIBC_2.2.5"], "libssl.so.3": ["OPENSSL_3.0.0"] }, runpath: ["$ORIGIN/../lib"] });
    const ssl = await fixture("pkg/lib/libssl.so.3", { kind: "shared", needs: { "libc.so.6": ["GLIBC_2.2.5"] } });
    expect(platformTags(GNU, "auto", [bin, ssl], BUILD)).toEqual(["manylinux1_x86_64", "manylinux_2_5_x86_64"]);
    expect(auditwheelTags([bin.file, ssl.file], "x86_64", ["libssl.so.3"])).toEqual(["manylinux1_x86_64", "manylinux_2_5_x86_64"]);
  });

  it("gives static files the oldest policy of the architecture and musllinux_1_1, on glibc and musl targets", async () => {
    const bin = await fixture("pkg/bin/static", { kind: "static" });
    expect(bin.info).toMatchObject({ libc: "static", needed: [] });
    expect(bin.info).not.toHaveProperty("interpreter");
    const tags = ["manylinux1_x86_64", "manylinux_2_5_x86_64", "musllinux_1_1_x86_64"];
    expect(platformTags(GNU, "auto", [bin], BUILD)).toEqual(tags);
    expect(platformTags(MUSL, "auto", [bin], BUILD)).toEqual(tags);
    expect(auditwheelTags([bin.file], "x86_64")).toEqual(tags.slice(0, 2));
    // Beside a dynamic file, a static one asks nothing.
    const dynamic = await fixture("pkg/bin/tool", { needs: { "libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.28"] } });
    expect(platformTags(GNU, "auto", [bin, dynamic], BUILD)).toEqual(["manylinux_2_28_x86_64"]);
  });

  it("tags dynamically linked musl files musllinux_1_2, and holds them to the musllinux whitelist", async () => {
    const musl = await fixture("pkg/bin/tool", { needs: { "libc.so": [] }, interpreter: "/lib/ld-musl-x86_64.so.1" });
    expect(musl.info.libc).toBe("musl");
    expect(platformTags(MUSL, "auto", [musl], BUILD)).toEqual(["musllinux_1_2_x86_64"]);
    expect(platformTags(MUSL, ["musllinux_1_1_x86_64"], [musl], BUILD)).toEqual(["musllinux_1_1_x86_64"]);
    const cxx = await fixture("pkg/bin/cxx", { needs: { "libc.so": [], "libstdc++.so.6": [] }, interpreter: "/lib/ld-musl-x86_64.so.1" });
    expect(thrownBy(() => platformTags(MUSL, "auto", [cxx], BUILD))).toMatch(/pkg\/bin\/cxx needs libstdc\+\+\.so\.6, which is not one of the system libraries a musllinux wheel may load/);
    expect(thrownBy(() => platformTags(GNU, "auto", [musl], BUILD))).toMatch(/pkg\/bin\/tool is linked against musl, but the target x86_64-unknown-linux-gnu is a glibc \(gnu\) target/);
  });
});

describe("the library whitelist and bundled libraries", () => {
  it.each([
    ["libX11.so.6", ["manylinux1_x86_64", "manylinux_2_5_x86_64"]],
    ["libexpat.so.1", ["manylinux2010_x86_64", "manylinux_2_12_x86_64"]],
    ["libmvec.so.1", ["manylinux_2_24_x86_64"]],
  ])("%s is a system library from %o on", async (library, tags) => {
    const bin = await fixture("pkg/bin/tool", { needs: { "libc.so.6": ["GLIBC_2.2.5"], [library]: [] } });
    expect(platformTags(GNU, "auto", [bin], BUILD)).toEqual(tags);
    expect(auditwheelTags([bin.file], "x86_64")).toEqual(tags);
  });

  it("refuses a library that is neither bundled nor on the whitelist, naming the file, the library and the way out", async () => {
    const bin = await fixture("pkg/bin/tool", { needs: { "libc.so.6": ["GLIBC_2.2.5"], "libfoo.so.1": [] }, runpath: ["$ORIGIN/../lib"] });
    expect(thrownBy(() => platformTags(GNU, "auto", [bin], BUILD))).toBe(
      "pkg/bin/tool needs libfoo.so.1, which is not one of the system libraries a manylinux wheel may load (auditwheel's policy (pypa/auditwheel at 2d1ad63)), and the wheel has no libfoo.so.1 where pkg/bin/tool looks for it (pkg/lib). " +
        "Bundle it: add an include rule that copies libfoo.so.1 from the asset into pkg/lib/, or use an upstream build that links it statically.",
    );
    const bare = await fixture("pkg/bin/bare", { needs: { "libc.so.6": ["GLIBC_2.2.5"], "libfoo.so.1": [] } });
    expect(thrownBy(() => platformTags(GNU, "auto", [bare], BUILD))).toMatch(/pkg\/bin\/bare has no RPATH or RUNPATH into the wheel \(\$ORIGIN\/\.\.\.\), so it looks for libfoo\.so\.1 only in the system's folders\. Use an upstream build that links it statically/);
    // binwheel check judges other people's wheels: a missing library is not its tag question.
    expect(platformTags(GNU, "auto", [bin], {})).toEqual(["manylinux1_x86_64", "manylinux_2_5_x86_64"]);
  });

  it("finds a library bundled through $ORIGIN (RUNPATH or RPATH), and the executable's RPATH for the libraries it loads", async () => {
    const tool = await fixture("pkg/bin/tool", { needs: { "libc.so.6": ["GLIBC_2.2.5"], "libfoo.so.1": [] }, runpath: ["$ORIGIN/../lib"] });
    const foo = await fixture("pkg/lib/libfoo.so.1", { kind: "shared", needs: { "libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.14"], "libbar.so.2": [] }, runpath: ["${ORIGIN}"] });
    const bar = await fixture("pkg/lib/libbar.so.2", { kind: "shared", needs: { "libstdc++.so.6": ["GLIBCXX_3.4.13"] } });
    expect(platformTags(GNU, "auto", [tool, foo, bar], BUILD)).toEqual(["manylinux2014_x86_64", "manylinux_2_17_x86_64"]);
    expect(auditwheelTags([tool.file, foo.file, bar.file], "x86_64", ["libfoo.so.1", "libbar.so.2"])).toEqual(["manylinux2014_x86_64", "manylinux_2_17_x86_64"]);
    // Elsewhere than where it looks, the same library is not found.
    const moved = { ...foo, path: "pkg/libs/libfoo.so.1" };
    expect(thrownBy(() => platformTags(GNU, "auto", [tool, moved, bar], BUILD))).toMatch(/pkg\/bin\/tool needs libfoo\.so\.1, .* where pkg\/bin\/tool looks for it \(pkg\/lib\)/);
    // DT_RPATH of the executable also serves the libraries it loads (libnorpath has no run path of its own).
    const old = await fixture("pkg/bin/old", { needs: { "libc.so.6": ["GLIBC_2.2.5"], "libnorpath.so": [] }, rpath: ["$ORIGIN/../lib"] });
    const norpath = await fixture("pkg/lib/libnorpath.so", { kind: "shared", needs: { "libbar.so.2": [] } });
    expect(platformTags(GNU, "auto", [old, norpath, bar], BUILD)).toEqual(["manylinux2010_x86_64", "manylinux_2_12_x86_64"]);
    // A run path that leaves the wheel finds nothing in it.
    const escape = await fixture("pkg/bin/escape", { needs: { "libc.so.6": ["GLIBC_2.2.5"], "libfoo.so.1": [] }, runpath: ["$ORIGIN/../../../lib", "/usr/lib/foo"] });
    expect(thrownBy(() => platformTags(GNU, "auto", [escape, { ...foo, path: "lib/libfoo.so.1" }], BUILD))).toMatch(/pkg\/bin\/escape has no RPATH or RUNPATH into the wheel/);
  });
});

describe("explicit tags, legacy aliases and AUDITWHEEL_PLAT", () => {
  it("accepts legacy aliases beside the PEP 600 names, and refuses an alias the architecture never had", async () => {
    const bin = await fixture("pkg/bin/tool", { needs: { "libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.17"] } });
    expect(platformTags(GNU, ["manylinux_2_17_x86_64", "manylinux2014_x86_64"], [bin], BUILD)).toEqual(["manylinux_2_17_x86_64", "manylinux2014_x86_64"]);
    expect(platformTags(GNU, ["manylinux2014_x86_64"], [bin], BUILD)).toEqual(["manylinux2014_x86_64"]);
    expect(platformTags(GNU, ["manylinux_2_28_x86_64"], [bin], BUILD)).toEqual(["manylinux_2_28_x86_64"]);
    expect(thrownBy(() => platformTags(GNU, ["manylinux2010_x86_64"], [bin], BUILD))).toContain(
      'manylinux2010_x86_64 claims glibc 2.12, but pkg/bin/tool needs GLIBC_2.17 (from libc.so.6), which auditwheel\'s policies allow from manylinux_2_17 on. Use "auto" or "manylinux2014_x86_64.manylinux_2_17_x86_64".',
    );
    const aarch64 = targetInfo("aarch64-unknown-linux-gnu")!;
    const arm = { path: "pkg/bin/arm", info: (await inspectBytes(elf({ machine: EM.AARCH64, needed: ["libc.so.6"], versions: { "libc.so.6": ["GLIBC_2.17"] } })))! };
    expect(thrownBy(() => platformTags(aarch64, ["manylinux2010_aarch64"], [arm], BUILD))).toMatch(/manylinux2010_aarch64 does not exist: manylinux2010 \(manylinux_2_12\) is defined for i686, x86_64 only/);
    expect(thrownBy(() => platformTags(GNU, ["manylinux_2_17_aarch64"], [bin], BUILD))).toMatch(/the tag "manylinux_2_17_aarch64" is not a Linux tag for x86_64/);
  });

  it("checks explicit tags against libraries too, and takes a glibc past the newest policy at its word", async () => {
    const expat = await fixture("pkg/bin/tool", { needs: { "libc.so.6": ["GLIBC_2.2.5"], "libexpat.so.1": [] } });
    expect(thrownBy(() => platformTags(GNU, ["manylinux1_x86_64"], [expat], BUILD))).toMatch(/manylinux1_x86_64 claims glibc 2\.5, but pkg\/bin\/tool needs libexpat\.so\.1, which auditwheel's policies allow from manylinux_2_12 on/);
    const future = await fixture("pkg/bin/future", { needs: { "libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.44"] } });
    expect(thrownBy(() => platformTags(GNU, "auto", [future], BUILD))).toBe(
      "pkg/bin/future needs GLIBC_2.44 (from libc.so.6), newer than the newest manylinux policy binwheel knows (manylinux_2_43, auditwheel's policy (pypa/auditwheel at 2d1ad63)). " +
        'If that is right, set the tag yourself: [tool.binwheel.targets] "x86_64-unknown-linux-gnu" = "manylinux_2_44_x86_64".',
    );
    expect(platformTags(GNU, ["manylinux_2_44_x86_64"], [future], BUILD)).toEqual(["manylinux_2_44_x86_64"]);
    expect(thrownBy(() => platformTags(GNU, ["manylinux_2_43_x86_64"], [future], BUILD))).toMatch(/claims glibc 2\.43, but pkg\/bin\/future needs GLIBC_2\.44 \(from libc\.so\.6\), which no manylinux policy for x86_64 allows/);
  });

  it("refuses what no policy allows: GLIBC_PRIVATE, a libstdc++ newer than every policy's", async () => {
    const priv = await fixture("pkg/lib/libpriv.so", { kind: "shared", needs: { "libc.so.6": ["GLIBC_2.2.5", "GLIBC_PRIVATE"] } });
    expect(thrownBy(() => platformTags(GNU, "auto", [priv], BUILD))).toMatch(/pkg\/lib\/libpriv\.so uses GLIBC_PRIVATE symbols, which no manylinux policy allows/);
    const cxx = await fixture("pkg/bin/cxx", { needs: { "libstdc++.so.6": ["GLIBCXX_3.4.99"] } });
    expect(thrownBy(() => platformTags(GNU, "auto", [cxx], BUILD))).toMatch(/pkg\/bin\/cxx needs GLIBCXX_3\.4\.99 \(from libstdc\+\+\.so\.6\), which no manylinux policy for x86_64 allows .*up to manylinux_2_43/);
  });

  it("stops at the AUDITWHEEL_PLAT policy of a manylinux container, naming what needs more", async () => {
    const bin = await fixture("pkg/bin/tool", { needs: { "libc.so.6": ["GLIBC_2.2.5", "GLIBC_2.17"], "libstdc++.so.6": ["GLIBCXX_3.4.21"] } });
    expect(thrownBy(() => platformTags(GNU, "auto", [bin], { ...BUILD, auditwheelPlat: "manylinux2014_x86_64" }))).toBe(
      "pkg/bin/tool needs GLIBCXX_3.4.21 (from libstdc++.so.6), which auditwheel's policies allow from manylinux_2_24 on, newer than AUDITWHEEL_PLAT=manylinux2014_x86_64 allows. " +
        "Build in a newer manylinux image (manylinux_2_24 or later), or use an upstream build that targets an older glibc.",
    );
    expect(platformTags(GNU, "auto", [bin], { ...BUILD, auditwheelPlat: "manylinux_2_28_x86_64" })).toEqual(["manylinux_2_24_x86_64"]);
  });
});

describe("other architectures (headers written by test/support/binaries.ts)", () => {
  it.each([
    ["aarch64-unknown-linux-gnu", EM.AARCH64, "GLIBC_2.17", ["manylinux2014_aarch64", "manylinux_2_17_aarch64"]],
    ["aarch64-unknown-linux-gnu", EM.AARCH64, "GLIBC_2.27", ["manylinux_2_27_aarch64"]],
    ["i686-unknown-linux-gnu", EM.I386, "GLIBC_2.1", ["manylinux1_i686", "manylinux_2_5_i686"]],
    ["riscv64gc-unknown-linux-gnu", EM.RISCV, "GLIBC_2.27", ["manylinux_2_31_riscv64"]],
  ])("%s needing %s: %o", async (triple, machine, version, tags) => {
    const info = (await inspectBytes(elf({ machine, ...(machine === EM.I386 && { bits: 32 as const }), needed: ["libc.so.6"], versions: { "libc.so.6": [version] } })))!;
    expect(platformTags(targetInfo(triple)!, "auto", [{ path: "pkg/bin/tool", info }], BUILD)).toEqual(tags);
  });

  it("holds each architecture to its own lists: GLIBC_2.2.5 exists on x86_64 only", async () => {
    const info = (await inspectBytes(elf({ machine: EM.AARCH64, needed: ["libc.so.6"], versions: { "libc.so.6": ["GLIBC_2.2.5"] } })))!;
    expect(thrownBy(() => platformTags(targetInfo("aarch64-unknown-linux-gnu")!, "auto", [{ path: "pkg/bin/tool", info }], BUILD))).toMatch(/needs GLIBC_2\.2\.5 \(from libc\.so\.6\), which no manylinux policy for aarch64 allows/);
  });
});

async function inspectBytes(bytes: Buffer) {
  const file = path.join(dir, `bytes${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, bytes);
  return inspectBinary(file);
}
