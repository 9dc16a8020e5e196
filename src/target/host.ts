// The host's Rust target triple, worked out from facts the Python shim gathers about the
// interpreter that runs the build (never from Node's own platform: see research/platforms.md §0).
import { fail } from "../errors.js";

/** What the shim reports about the Python running the build (see python_shim/binwheel/_host.py). */
export interface HostFacts {
  /** `sysconfig.get_platform()`, e.g. "linux-x86_64", "macosx-11.0-arm64", "win-amd64". */
  platform: string;
  /** 32 or 64: the interpreter's pointer size. */
  pointerBits: number;
  /** The C library the interpreter is linked against, on Linux. */
  libc?: { family: "glibc" | "musl"; version?: string };
}

const LINUX_ARCH: Record<string, string> = {
  x86_64: "x86_64", amd64: "x86_64", aarch64: "aarch64", arm64: "aarch64",
};
const MACOS_ARCH: Record<string, string> = { x86_64: "x86_64", arm64: "aarch64" };
const WINDOWS: Record<string, string> = {
  "win-amd64": "x86_64-pc-windows-msvc",
};

/** The triple matching `facts`, or a one-paragraph error that tells how to pick one. */
export function hostTriple(facts: HostFacts): string {
  const platform = facts.platform.toLowerCase();
  const unknown = (): never =>
    fail(
      `binwheel cannot tell which upstream build suits this Python (sysconfig platform "${facts.platform}", ` +
        `${facts.pointerBits}-bit). Choose one with -C target=<triple> or BINWHEEL_TARGET.`,
    );
  if (platform.startsWith("linux-")) {
    const arch = LINUX_ARCH[platform.slice("linux-".length)];
    if (!arch || facts.pointerBits !== 64) return unknown();
    return `${arch}-unknown-linux-${facts.libc?.family === "musl" ? "musl" : "gnu"}`;
  }
  if (platform.startsWith("macosx-")) {
    const arch = MACOS_ARCH[platform.split("-").pop()!];
    if (!arch) return unknown();
    return `${arch}-apple-darwin`;
  }
  return WINDOWS[platform] ?? unknown();
}

/**
 * Host facts from Node's own process, for the command line run without the Python shim
 * (e.g. `npx binwheel build`). The shim's facts are preferred: they describe the target Python.
 */
export function nodeHostFacts(): HostFacts {
  const arch = { x64: "x86_64", arm64: process.platform === "linux" ? "aarch64" : "arm64", ia32: "i686" }[process.arch as string] ?? process.arch;
  if (process.platform === "win32") return { platform: process.arch === "x64" ? "win-amd64" : `win-${process.arch}`, pointerBits: 64 };
  if (process.platform === "darwin") return { platform: `macosx-11.0-${arch}`, pointerBits: 64 };
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const glibc = report?.header?.glibcVersionRuntime;
  return {
    platform: `${process.platform}-${arch}`,
    pointerBits: 64,
    libc: glibc ? { family: "glibc", version: glibc } : { family: "musl" },
  };
}
