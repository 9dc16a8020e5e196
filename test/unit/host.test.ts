import { describe, expect, it } from "vitest";
import { hostTriple, resolveTarget, type HostFacts } from "../../src/platform/host.js";

const glibc = { family: "glibc" as const, version: "2.28" };
const musl = { family: "musl" as const, version: "1.2.4" };

describe("hostTriple", () => {
  it.each([
    [{ platform: "linux-x86_64", pointerBits: 64, libc: glibc }, "x86_64-unknown-linux-gnu"],
    [{ platform: "linux-aarch64", pointerBits: 64, libc: glibc }, "aarch64-unknown-linux-gnu"],
    [{ platform: "linux-x86_64", pointerBits: 64, libc: musl }, "x86_64-unknown-linux-musl"],
    [{ platform: "linux-aarch64", pointerBits: 64, libc: musl }, "aarch64-unknown-linux-musl"],
    [{ platform: "linux-i686", pointerBits: 32, libc: glibc }, "i686-unknown-linux-gnu"],
    [{ platform: "linux-x86_64", pointerBits: 32, libc: glibc }, "i686-unknown-linux-gnu"],
    [{ platform: "linux-armv7l", pointerBits: 32, libc: glibc }, "armv7-unknown-linux-gnueabihf"],
    [{ platform: "linux-aarch64", pointerBits: 32, libc: musl }, "armv7-unknown-linux-musleabihf"],
    [{ platform: "linux-ppc64le", pointerBits: 64, libc: glibc }, "powerpc64le-unknown-linux-gnu"],
    [{ platform: "linux-s390x", pointerBits: 64, libc: glibc }, "s390x-unknown-linux-gnu"],
    [{ platform: "linux-riscv64", pointerBits: 64, libc: glibc }, "riscv64gc-unknown-linux-gnu"],
    [{ platform: "macosx-11.0-arm64", pointerBits: 64 }, "aarch64-apple-darwin"],
    [{ platform: "macosx-10.9-x86_64", pointerBits: 64 }, "x86_64-apple-darwin"],
    [{ platform: "macosx-10.9-universal2", pointerBits: 64 }, "universal2-apple-darwin"],
    [{ platform: "win-amd64", pointerBits: 64 }, "x86_64-pc-windows-msvc"],
    [{ platform: "win32", pointerBits: 32 }, "i686-pc-windows-msvc"],
    [{ platform: "win-arm64", pointerBits: 64 }, "aarch64-pc-windows-msvc"],
  ] as [HostFacts, string][])("%o -> %s", (facts, triple) => {
    expect(hostTriple(facts)).toBe(triple);
  });

  it("asks for -C target when it cannot tell", () => {
    expect(() => hostTriple({ platform: "freebsd-13.2-amd64", pointerBits: 64 })).toThrow(
      /cannot tell which upstream build suits this Python \(sysconfig platform "freebsd-13\.2-amd64", 64-bit\)\. Choose one with -C target=<triple> or BINWHEEL_TARGET/,
    );
    expect(() => hostTriple({ platform: "linux-s390x", pointerBits: 64, libc: musl })).toThrow(/64-bit, musl/);
  });
});

// What cibuildwheel sets (research/platforms.md §3.2), and the facts of the Python it runs.
describe("resolveTarget under cibuildwheel", () => {
  it.each([
    ["a Linux manylinux container", { platform: "linux-x86_64", pointerBits: 64, libc: glibc },
      { CIBUILDWHEEL: "1", CIBUILDWHEEL_BUILD_IDENTIFIER: "cp312-manylinux_x86_64", AUDITWHEEL_PLAT: "manylinux_2_28_x86_64" }, "x86_64-unknown-linux-gnu"],
    ["a musllinux aarch64 container", { platform: "linux-aarch64", pointerBits: 64, libc: musl },
      { CIBUILDWHEEL_BUILD_IDENTIFIER: "cp312-musllinux_aarch64", AUDITWHEEL_PLAT: "musllinux_1_2_aarch64" }, "aarch64-unknown-linux-musl"],
    ["an i686 container (linux32)", { platform: "linux-i686", pointerBits: 32, libc: glibc },
      { CIBUILDWHEEL_BUILD_IDENTIFIER: "cp312-manylinux_i686", AUDITWHEEL_PLAT: "manylinux2014_i686" }, "i686-unknown-linux-gnu"],
    ["an x86_64 macOS build on an arm64 runner", { platform: "macosx-10.9-x86_64", pointerBits: 64 },
      { _PYTHON_HOST_PLATFORM: "macosx-10.9-x86_64", ARCHFLAGS: "-arch x86_64", MACOSX_DEPLOYMENT_TARGET: "10.9", CIBUILDWHEEL_BUILD_IDENTIFIER: "cp312-macosx_x86_64" }, "x86_64-apple-darwin"],
    ["a universal2 macOS build", { platform: "macosx-11.0-arm64", pointerBits: 64 },
      { ARCHFLAGS: "-arch arm64 -arch x86_64", CIBUILDWHEEL_BUILD_IDENTIFIER: "cp312-macosx_universal2" }, "universal2-apple-darwin"],
    ["an arm64 macOS build", { platform: "macosx-11.0-arm64", pointerBits: 64 },
      { _PYTHON_HOST_PLATFORM: "macosx-11.0-arm64", ARCHFLAGS: "-arch arm64", MACOSX_DEPLOYMENT_TARGET: "11.0" }, "aarch64-apple-darwin"],
    ["a 32-bit Windows build on a 64-bit runner", { platform: "win32", pointerBits: 32 }, { PYTHON_ARCH: "32", CIBUILDWHEEL_BUILD_IDENTIFIER: "cp312-win32" }, "i686-pc-windows-msvc"],
    ["a Windows ARM64 cross-build from x64", { platform: "win-amd64", pointerBits: 64 },
      { VSCMD_ARG_TGT_ARCH: "arm64", CARGO_BUILD_TARGET: "aarch64-pc-windows-msvc", CIBUILDWHEEL_BUILD_IDENTIFIER: "cp312-win_arm64" }, "aarch64-pc-windows-msvc"],
    ["a Windows ARM64 cross-build without CARGO_BUILD_TARGET", { platform: "win-amd64", pointerBits: 64 }, { VSCMD_ARG_TGT_ARCH: "arm64" }, "aarch64-pc-windows-msvc"],
  ] as [string, HostFacts, Record<string, string>, string][])("%s", (_, facts, env, triple) => {
    expect(resolveTarget(undefined, facts, env).triple).toBe(triple);
  });

  it("puts -C target before CARGO_BUILD_TARGET before the Python", () => {
    const facts = { platform: "linux-x86_64", pointerBits: 64, libc: glibc };
    expect(resolveTarget("aarch64-apple-darwin", facts, { CARGO_BUILD_TARGET: "i686-pc-windows-msvc" })).toEqual({ triple: "aarch64-apple-darwin", source: "-C target / BINWHEEL_TARGET" });
    expect(resolveTarget(undefined, facts, { CARGO_BUILD_TARGET: "i686-pc-windows-msvc" })).toEqual({ triple: "i686-pc-windows-msvc", source: "CARGO_BUILD_TARGET" });
    expect(resolveTarget(undefined, facts, {})).toEqual({ triple: "x86_64-unknown-linux-gnu", source: "this Python" });
  });
});
