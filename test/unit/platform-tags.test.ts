import { describe, expect, it } from "vitest";
import type { ElfInfo } from "../../src/inspect/elf.js";
import type { MachOInfo } from "../../src/inspect/macho.js";
import { platformTags, type InspectedFile } from "../../src/inspect/platform-tags.js";
import { targetInfo } from "../../src/platform/triples.js";
import { thrownBy } from "../support/errors.js";

const t = (triple: string) => targetInfo(triple)!;
const elf = (path: string, info: Partial<ElfInfo>): InspectedFile => ({
  path,
  info: { format: "ELF", arch: "x86_64", bits: 64, littleEndian: true, machine: 62, needed: [], rpath: [], runpath: [], versionNeeds: [], libc: "glibc", ...info } as ElfInfo,
});
const glibc = (path: string, arch = "x86_64") => elf(path, { arch, needed: ["libc.so.6"] });
const mac = (path: string, ...slices: [string, number, number][]): InspectedFile => ({
  path,
  info: { format: "Mach-O", slices: slices.map(([arch, major, minor]) => ({ arch, minos: [major, minor] as [number, number] })) } as MachOInfo,
});

describe("what every target checks (Linux's policies: linux-tags.test.ts)", () => {
  it.each([
    ["another architecture", "x86_64-unknown-linux-gnu", [glibc("toondb/_bin/x/tool", "aarch64")], /toondb\/_bin\/x\/tool is aarch64 code, but the target x86_64-unknown-linux-gnu needs x86_64/],
    ["musl in a glibc target", "x86_64-unknown-linux-gnu", [elf("lib.so", { libc: "musl" })], /lib\.so is linked against musl, but the target x86_64-unknown-linux-gnu is a glibc/],
    ["glibc in a musl target", "x86_64-unknown-linux-musl", [glibc("lib.so")], /lib\.so is linked against glibc, but the target x86_64-unknown-linux-musl is a musl target/],
    ["a Mach-O file on Linux", "x86_64-unknown-linux-gnu", [mac("bin/tool", ["x86_64", 10, 12])], /bin\/tool is a Mach-O binary, which cannot run on linux/],
  ])("refuses %s", (_, triple, files, message) => {
    expect(thrownBy(() => platformTags(t(triple), "auto", files, {}))).toMatch(message);
  });

  it("falls back to the triple's tags, with a warning, when nothing is a binary", () => {
    expect(platformTags(t("x86_64-unknown-linux-gnu"), "auto", [], {})).toEqual(["manylinux2014_x86_64", "manylinux_2_17_x86_64"]);
    expect(platformTags(t("riscv64gc-unknown-linux-gnu"), "auto", [], {})).toEqual(["manylinux_2_31_riscv64"]);
    expect(platformTags(t("aarch64-unknown-linux-musl"), "auto", [], {})).toEqual(["musllinux_1_2_aarch64"]);
    expect(platformTags(t("x86_64-unknown-linux-gnu"), ["manylinux2014_x86_64"], [], {})).toEqual(["manylinux2014_x86_64"]);
  });
});

describe("macOS tags from Mach-O files", () => {
  it("takes the highest minimum version, zeroing the minor from macOS 11 on", () => {
    expect(platformTags(t("x86_64-apple-darwin"), "auto", [mac("a", ["x86_64", 10, 12]), mac("b", ["x86_64", 10, 14])], {})).toEqual(["macosx_10_14_x86_64"]);
    expect(platformTags(t("aarch64-apple-darwin"), "auto", [mac("a", ["arm64", 12, 3])], {})).toEqual(["macosx_12_0_arm64"]);
    expect(platformTags(t("aarch64-apple-darwin"), "auto", [mac("a", ["arm64", 10, 9])], {})).toEqual(["macosx_11_0_arm64"]);
  });

  it("raises the version to MACOSX_DEPLOYMENT_TARGET, never lowers it", () => {
    expect(platformTags(t("x86_64-apple-darwin"), "auto", [mac("a", ["x86_64", 10, 12])], { macosxDeploymentTarget: "10.15" })).toEqual(["macosx_10_15_x86_64"]);
    expect(platformTags(t("x86_64-apple-darwin"), "auto", [mac("a", ["x86_64", 10, 12])], { macosxDeploymentTarget: "10.9" })).toEqual(["macosx_10_12_x86_64"]);
  });

  it("needs both slices in every file for universal2", () => {
    expect(platformTags(t("universal2-apple-darwin"), "auto", [mac("a", ["x86_64", 10, 12], ["arm64", 11, 0])], {})).toEqual([
      "macosx_10_12_x86_64", "macosx_11_0_arm64", "macosx_10_12_universal2",
    ]);
    expect(thrownBy(() => platformTags(t("universal2-apple-darwin"), "auto", [mac("lib/a.dylib", ["arm64", 11, 0])], {}))).toMatch(
      /lib\/a\.dylib holds arm64 code, but the target universal2-apple-darwin needs x86_64 and arm64 in every binary/,
    );
  });

  it("checks explicit tags and refuses other platforms", () => {
    expect(thrownBy(() => platformTags(t("aarch64-apple-darwin"), ["macosx_11_0_arm64"], [mac("bin/tool", ["arm64", 13, 0])], {}))).toMatch(
      /claims macOS 11\.0, but bin\/tool needs macOS 13\.0 on arm64/,
    );
    const ios: InspectedFile = { path: "a", info: { format: "Mach-O", slices: [{ arch: "arm64", minos: [15, 0], otherPlatform: "iOS", dylibs: [], rpaths: [] }] } };
    expect(thrownBy(() => platformTags(t("aarch64-apple-darwin"), "auto", [ios], {}))).toMatch(/a is built for iOS, not macOS/);
  });
});

describe("Windows tags from PE files", () => {
  it("follows the machine type and refuses a mismatch", () => {
    const x64: InspectedFile = { path: "bin/tool.exe", info: { format: "PE", platform: "win_amd64", machine: 0x8664, imports: [] } };
    expect(platformTags(t("x86_64-pc-windows-msvc"), "auto", [x64], {})).toEqual(["win_amd64"]);
    expect(thrownBy(() => platformTags(t("aarch64-pc-windows-msvc"), "auto", [x64], {}))).toMatch(/bin\/tool\.exe is a win_amd64 binary, but the target aarch64-pc-windows-msvc is win_arm64/);
  });
});
