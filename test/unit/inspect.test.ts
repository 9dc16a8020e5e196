import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ElfInfo } from "../../src/inspect/elf.js";
import { inspectBinary, loadedLibraries } from "../../src/inspect/inspect.js";
import type { MachOInfo } from "../../src/inspect/macho.js";
import { EM, elf, glibcElf, machO, pe } from "../support/binaries.js";
import { tempDir } from "../support/tmp.js";
import { itNeeds } from "../support/tools.js";

async function inspectBytes(bytes: Buffer) {
  const file = path.join(tempDir(), "bin");
  writeFileSync(file, bytes);
  return inspectBinary(file, "bin/x");
}

/** What readelf says: the loader, DT_NEEDED, DT_RPATH/DT_RUNPATH and the version needs, file by file. */
function readelf(file: string) {
  const dynamic = execFileSync("readelf", ["-d", "-l", "-W", file], { encoding: "utf8" });
  // Only the version *needs* section counts (libc.so.6 also *defines* GLIBC_ versions).
  const versions = execFileSync("readelf", ["-V", "-W", file], { encoding: "utf8", maxBuffer: 1 << 28 }).split("Version needs section")[1] ?? "";
  const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const runpath = [...dynamic.matchAll(/\(RUNPATH\)\s+Library runpath: \[([^\]]+)\]/g)].flatMap((m) => m[1]!.split(":"));
  const rpath = [...dynamic.matchAll(/\(RPATH\)\s+Library rpath: \[([^\]]+)\]/g)].flatMap((m) => m[1]!.split(":"));
  const interpreter = /Requesting program interpreter: ([^\]]+)\]/.exec(dynamic)?.[1];
  const versionNeeds: { file: string; versions: string[] }[] = [];
  for (const line of versions.split("\n")) {
    const f = /File: (\S+)/.exec(line);
    if (f) versionNeeds.push({ file: f[1]!, versions: [] });
    const v = /Name: (\S+)/.exec(line);
    if (v) versionNeeds[versionNeeds.length - 1]!.versions.push(v[1]!);
  }
  return { needed, rpath, runpath, interpreter, versionNeeds };
}

describe("inspectBinary on this machine's files, against readelf", () => {
  it.each(["/bin/ls", "/lib/x86_64-linux-gnu/libc.so.6", process.execPath, "/usr/bin/python3"])("%s", async (file) => {
    const info = (await inspectBinary(file)) as ElfInfo;
    const expected = readelf(file);
    expect(info.format).toBe("ELF");
    expect(info.arch).toBe("x86_64");
    expect(info.needed).toEqual(expected.needed);
    expect(info.interpreter).toBe(expected.interpreter);
    expect({ rpath: info.rpath, runpath: info.runpath }).toEqual({ rpath: expected.rpath, runpath: expected.runpath });
    expect(info.versionNeeds).toEqual(expected.versionNeeds);
    expect(info.versionNeeds.length).toBeGreaterThan(0);
    expect(info.libc).toBe("glibc");
  });

  it("says undefined for files that are not binaries", async () => {
    expect(await inspectBinary("/etc/passwd")).toBeUndefined();
  });
});

describe("ELF headers", () => {
  it.each([
    [{ machine: EM.X86_64 }, "x86_64"],
    [{ machine: EM.I386, bits: 32 as const }, "i686"],
    [{ machine: EM.AARCH64 }, "aarch64"],
    [{ machine: EM.ARM, bits: 32 as const, flags: 0x05000400 }, "armv7l"],
    [{ machine: EM.ARM, bits: 32 as const, flags: 0x05000200 }, "arm (soft-float or pre-EABI5)"],
    [{ machine: EM.PPC64 }, "ppc64le"],
    [{ machine: EM.PPC64, little: false }, "ppc64"],
    [{ machine: EM.S390, little: false }, "s390x"],
    [{ machine: EM.RISCV }, "riscv64"],
    [{ machine: 99 }, "ELF machine 99 (64-bit little-endian)"],
  ])("%o is %s", async (spec, arch) => {
    expect(((await inspectBytes(elf(spec))) as ElfInfo).arch).toBe(arch);
  });

  it("reads every version need, file by file, in both byte orders and classes", async () => {
    for (const [bits, little] of [[64, true], [32, true], [64, false], [32, false]] as const) {
      const info = (await inspectBytes(glibcElf(EM.S390, "2.28", { bits, little }))) as ElfInfo;
      expect(info).toMatchObject({ libc: "glibc", needed: ["libc.so.6"], bits, littleEndian: little });
      expect(info.versionNeeds).toEqual([{ file: "libc.so.6", versions: ["GLIBC_2.2.5", "GLIBC_2.28"] }, { file: "ld-linux-x86-64.so.2", versions: ["GLIBC_2.99"] }]);
    }
  });

  it("refuses version needs no real binary has that many of", async () => {
    const many = Array.from({ length: 17000 }, (_, i) => `GLIBC_2.${i}`);
    await expect(inspectBytes(elf({ machine: EM.X86_64, needed: ["libc.so.6"], versions: { "libc.so.6": many } }))).rejects.toThrow(/implausibly many versions/);
  });

  it("tells static, musl and glibc apart", async () => {
    expect(((await inspectBytes(elf({ machine: EM.X86_64 }))) as ElfInfo).libc).toBe("static");
    expect(((await inspectBytes(elf({ machine: EM.X86_64, interpreter: "/lib/ld-musl-x86_64.so.1", needed: ["libc.so"] }))) as ElfInfo).libc).toBe("musl");
    expect(((await inspectBytes(elf({ machine: EM.X86_64, needed: ["libc.so.6"] }))) as ElfInfo).libc).toBe("glibc");
  });

  it.each([
    ["cut short", (b: Buffer) => b.subarray(0, 40)],
    ["a program header table past the end", (b: Buffer) => { b.writeBigUInt64LE(1n << 40n, 32); return b; }],
    ["a string table outside any segment", (b: Buffer) => { const i = b.indexOf(Buffer.from([5, 0, 0, 0, 0, 0, 0, 0])); b.writeBigUInt64LE(1n << 33n, i + 8); return b; }],
  ])("reports a malformed header (%s) as an error naming the file", async (_, corrupt) => {
    await expect(inspectBytes(corrupt(glibcElf(EM.X86_64, "2.17")))).rejects.toThrow(/bin\/x looks like an ELF file, but its headers are malformed/);
  });
});

describe("Mach-O and PE headers", () => {
  it("reads thin and fat Mach-O slices with their minimum macOS", async () => {
    expect(await inspectBytes(machO({ cpu: "arm64", minos: "11.0" }))).toEqual({ format: "Mach-O", slices: [{ arch: "arm64", minos: [11, 0], dylibs: [], rpaths: [] }] });
    const fat = (await inspectBytes(machO({ cpu: "x86_64", minos: "10.12", legacy: true }, { cpu: "arm64", minos: "12.3" }))) as MachOInfo;
    expect(fat.slices).toEqual([{ arch: "x86_64", minos: [10, 12], dylibs: [], rpaths: [] }, { arch: "arm64", minos: [12, 3], dylibs: [], rpaths: [] }]);
    const ios = (await inspectBytes(machO({ cpu: "arm64", minos: "15.0", platform: 2 }))) as MachOInfo;
    expect(ios.slices[0]!.otherPlatform).toBe("iOS");
  });

  it("reads the libraries each format loads, and where it looks for them", async () => {
    const mac = await inspectBytes(machO({ cpu: "arm64", minos: "11.0", dylibs: ["@rpath/libtoondb_storage.dylib", "/usr/lib/libSystem.B.dylib"], rpaths: ["@executable_path/../lib"] }));
    expect(loadedLibraries(mac!)).toEqual({ names: ["libtoondb_storage.dylib", "libSystem.B.dylib"], rpaths: ["@executable_path/../lib"] });
    const win = await inspectBytes(pe(0x8664, ["toondb_storage.dll", "KERNEL32.dll"]));
    expect(win).toMatchObject({ platform: "win_amd64", imports: ["toondb_storage.dll", "KERNEL32.dll"] });
    expect(loadedLibraries(win!).names).toEqual(["toondb_storage.dll", "KERNEL32.dll"]);
  });

  itNeeds(["gcc"])("reads DT_NEEDED and RUNPATH from an executable the real gcc and ld link", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "lib.c"), "int answer(void) { return 42; }\n");
    writeFileSync(path.join(dir, "main.c"), "int answer(void); int main(void) { return answer(); }\n");
    execFileSync("gcc", ["-shared", "-fPIC", "-o", path.join(dir, "libanswer.so"), path.join(dir, "lib.c")]);
    execFileSync("gcc", ["-o", path.join(dir, "tool"), path.join(dir, "main.c"), `-L${dir}`, "-lanswer", "-Wl,-rpath,$ORIGIN/../lib", "-Wl,--enable-new-dtags"]);
    const info = await inspectBinary(path.join(dir, "tool"));
    expect(loadedLibraries(info!)).toEqual({ names: ["libanswer.so", "libc.so.6"], rpaths: ["$ORIGIN/../lib"] });
  });

  it("does not take a Java class file for a fat Mach-O", async () => {
    const cls = Buffer.alloc(64);
    cls.writeUInt32BE(0xcafebabe, 0);
    cls.writeUInt32BE(0x00000034, 4); // class file version 52
    expect(await inspectBytes(cls)).toBeUndefined();
  });

  it("maps PE machine types to Windows tags", async () => {
    expect(await inspectBytes(pe(0x8664))).toMatchObject({ format: "PE", platform: "win_amd64" });
    expect(await inspectBytes(pe(0x14c))).toMatchObject({ platform: "win32" });
    expect(await inspectBytes(pe(0xaa64))).toMatchObject({ platform: "win_arm64" });
    expect(await inspectBytes(pe(0xa641))).toMatchObject({ platform: "ARM64EC 0xa641" });
  });
});
