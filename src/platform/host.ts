// Which target triple a build is for: an explicit choice (-C target, BINWHEEL_TARGET,
// CARGO_BUILD_TARGET), else the Python that runs the build, as the shim describes it, adjusted by
// the variables cibuildwheel sets (research/platforms.md §0, §2.3, §3.2). Never Node's own
// platform: cibuildwheel builds x86_64 macOS wheels with an arm64 Python, 32-bit Windows wheels
// with a 32-bit Python on a 64-bit OS, and ARM64 Windows wheels from x64.
import { fail } from "../errors.js";
import { targetInfo } from "./triples.js";

/** What the shim reports about the Python running the build (see python_shim/binwheel/_host.py). */
export interface HostFacts {
  /** `sysconfig.get_platform()` (which honours _PYTHON_HOST_PLATFORM), e.g. "linux-x86_64", "macosx-11.0-arm64", "win-amd64". */
  platform: string;
  /** 32 or 64: the interpreter's pointer size. */
  pointerBits: number;
  /** The C library the interpreter is linked against, on Linux. */
  libc?: { family: "glibc" | "musl"; version?: string };
}

/** Host facts as they arrive (from the shim, or BINWHEEL_HOST_FACTS), checked: `source` names where from. */
export function checkedHostFacts(value: unknown, source: string): HostFacts {
  const facts = value as Partial<HostFacts> | null;
  const libc = facts?.libc as { family?: unknown; version?: unknown } | undefined;
  const ok = typeof facts === "object" && facts !== null && typeof facts.platform === "string" && /^[\w.-]{1,100}$/.test(facts.platform)
    && (facts.pointerBits === 32 || facts.pointerBits === 64)
    && (libc === undefined || ((libc.family === "glibc" || libc.family === "musl") && (libc.version === undefined || (typeof libc.version === "string" && /^[\d.]{1,20}$/.test(libc.version)))));
  if (!ok) fail(`${source} does not describe a Python (it needs {"platform": "linux-x86_64", "pointerBits": 64, ...} as the shim writes it); unset it or fix it.`);
  return facts as HostFacts;
}

export interface ResolvedTarget {
  triple: string;
  /** Where the choice came from, for messages: "-C target", "CARGO_BUILD_TARGET", "this Python". */
  source: string;
}

const LINUX_ARCH: Record<string, string> = {
  x86_64: "x86_64", amd64: "x86_64", i386: "i686", i486: "i686", i586: "i686", i686: "i686",
  aarch64: "aarch64", arm64: "aarch64", armv7l: "armv7", armv7: "armv7", armv8l: "armv7",
  ppc64le: "powerpc64le", s390x: "s390x", riscv64: "riscv64gc",
};
const WINDOWS_ARCH: Record<string, string> = { x86: "i686", x64: "x86_64", amd64: "x86_64", arm64: "aarch64" };

export function resolveTarget(explicit: string | undefined, facts: HostFacts | undefined, env: NodeJS.ProcessEnv): ResolvedTarget {
  if (explicit) return { triple: explicit, source: "-C target / BINWHEEL_TARGET" };
  const cargo = env["CARGO_BUILD_TARGET"]?.trim();
  if (cargo) return { triple: cargo, source: "CARGO_BUILD_TARGET" };
  if (!facts) fail("binwheel cannot tell which platform to build for; pass --target <triple>.");
  return { triple: hostTriple(facts, env), source: "this Python" };
}

/** The triple matching the building Python, or a one-paragraph error that tells how to pick one. */
export function hostTriple(facts: HostFacts, env: NodeJS.ProcessEnv = {}): string {
  const platform = facts.platform.toLowerCase();
  const unknown = (): never =>
    fail(
      `binwheel cannot tell which upstream build suits this Python (sysconfig platform "${facts.platform}", ` +
        `${facts.pointerBits}-bit${facts.libc ? `, ${facts.libc.family}` : ""}). Choose one with -C target=<triple> or BINWHEEL_TARGET.`,
    );
  let triple: string;
  if (platform.startsWith("linux-")) {
    let arch = LINUX_ARCH[platform.slice("linux-".length)] ?? unknown();
    // A 32-bit Python on a 64-bit kernel reports the kernel's machine.
    if (facts.pointerBits === 32) arch = { x86_64: "i686", aarch64: "armv7" }[arch] ?? arch;
    const musl = facts.libc?.family === "musl";
    triple = arch === "armv7" ? `armv7-unknown-linux-${musl ? "musleabihf" : "gnueabihf"}` : `${arch}-unknown-linux-${musl ? "musl" : "gnu"}`;
  } else if (platform.startsWith("macosx-")) {
    triple = `${macosArch(platform.split("-").pop()!, env) ?? unknown()}-apple-darwin`;
  } else if (platform === "win32" || platform.startsWith("win-")) {
    const native = platform === "win32" ? "x86" : platform.slice("win-".length);
    // cibuildwheel cross-builds ARM64 wheels from an x64 Python and says so here.
    const wanted = env["VSCMD_ARG_TGT_ARCH"]?.trim().toLowerCase() || native;
    triple = `${WINDOWS_ARCH[wanted] ?? unknown()}-pc-windows-msvc`;
  } else {
    return unknown();
  }
  return targetInfo(triple) ? triple : unknown();
}

/** ARCHFLAGS ("-arch x86_64 -arch arm64"), else cibuildwheel's identifier, else the platform. */
function macosArch(platformArch: string, env: NodeJS.ProcessEnv): string | undefined {
  const flags = [...(env["ARCHFLAGS"] ?? "").matchAll(/-arch\s+(\S+)/g)].map((m) => m[1]);
  const identifier = /macosx_(x86_64|arm64|universal2)$/.exec(env["CIBUILDWHEEL_BUILD_IDENTIFIER"] ?? "")?.[1];
  const arch = flags.includes("x86_64") && flags.includes("arm64") ? "universal2"
    : flags.length === 1 ? flags[0]
    : identifier ?? platformArch;
  return { x86_64: "x86_64", arm64: "aarch64", universal2: "universal2" }[arch!];
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
