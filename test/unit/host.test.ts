import { describe, expect, it } from "vitest";
import { hostTriple } from "../../src/target/host.js";

describe("hostTriple", () => {
  it.each([
    [{ platform: "linux-x86_64", pointerBits: 64, libc: { family: "glibc" as const, version: "2.36" } }, "x86_64-unknown-linux-gnu"],
    [{ platform: "linux-aarch64", pointerBits: 64, libc: { family: "glibc" as const } }, "aarch64-unknown-linux-gnu"],
    [{ platform: "linux-x86_64", pointerBits: 64, libc: { family: "musl" as const, version: "1.2.4" } }, "x86_64-unknown-linux-musl"],
    [{ platform: "linux-aarch64", pointerBits: 64, libc: { family: "musl" as const } }, "aarch64-unknown-linux-musl"],
    [{ platform: "macosx-11.0-arm64", pointerBits: 64 }, "aarch64-apple-darwin"],
    [{ platform: "macosx-10.9-x86_64", pointerBits: 64 }, "x86_64-apple-darwin"],
    [{ platform: "win-amd64", pointerBits: 64 }, "x86_64-pc-windows-msvc"],
  ])("%o -> %s", (facts, triple) => {
    expect(hostTriple(facts)).toBe(triple);
  });

  it("asks for -C target when it cannot tell", () => {
    expect(() => hostTriple({ platform: "freebsd-13.2-amd64", pointerBits: 64 })).toThrow(
      /cannot tell which upstream build suits this Python \(sysconfig platform "freebsd-13\.2-amd64", 64-bit\)\. Choose one with -C target=<triple> or BINWHEEL_TARGET/,
    );
  });
});
