// The OS, architecture and C-library words release assets are named with, and the target triple a
// name stands for. The conventions: Rust triples (x86_64-unknown-linux-gnu), Go's GOOS/GOARCH
// (linux_amd64) and GoReleaser's usual replacements (Darwin, MacOS, macOS, Linux, Windows,
// x86_64, i386, 64bit), Node's words (x64, win, darwin), and the rest seen in the wild (macos,
// osx, apple, aarch64, armv7, armhf, i686, musl, gnu, msvc).
import type { Os } from "../platform/triples.js";

type Word =
  | { role: "os"; os: Os }
  | { role: "arch"; arch: Arch; rank?: number }
  | { role: "libc"; libc: "gnu" | "musl" | "msvc" | "mingw" }
  /** Parts of a triple or a build flavour that say nothing decisive ("unknown", "pc", "static"). */
  | { role: "filler" }
  /** A platform binwheel builds no wheels for: another architecture or ABI ("ppc64", "musleabi", "android"). */
  | { role: "other" };

/** binwheel's {arch} values (platform/triples.ts). */
export type Arch = "x86_64" | "aarch64" | "i686" | "armv7" | "ppc64le" | "s390x" | "riscv64" | "universal2";

const os = (value: Os): Word => ({ role: "os", os: value });
const arch = (value: Arch, rank = 0): Word => ({ role: "arch", arch: value, ...(rank && { rank }) });
const filler: Word = { role: "filler" };

/** Lowercase word -> what it says. `rank` orders words that name one target (armv7 over armv6 over arm). */
const WORDS: Record<string, Word> = {
  linux: os("linux"),
  darwin: os("macos"), macos: os("macos"), macosx: os("macos"), osx: os("macos"), mac: os("macos"), apple: os("macos"),
  windows: os("windows"), win: os("windows"), win32: os("windows"), win64: os("windows"),
  x86_64: arch("x86_64"), "x86-64": arch("x86_64"), amd64: arch("x86_64"), x64: arch("x86_64"), "64bit": arch("x86_64", -1),
  aarch64: arch("aarch64"), arm64: arch("aarch64"),
  i686: arch("i686"), i386: arch("i686"), "386": arch("i686"), x86: arch("i686"), ia32: arch("i686"), "32bit": arch("i686", -1),
  armv7: arch("armv7"), armv7l: arch("armv7"), armv7hf: arch("armv7"), armhf: arch("armv7"), armv6: arch("armv7", -1), armv6l: arch("armv7", -1), arm: arch("armv7", -2),
  ppc64le: arch("ppc64le"), powerpc64le: arch("ppc64le"),
  s390x: arch("s390x"),
  riscv64: arch("riscv64"), riscv64gc: arch("riscv64"),
  universal: arch("universal2"), universal2: arch("universal2"), all: arch("universal2", -1),
  gnu: { role: "libc", libc: "gnu" }, glibc: { role: "libc", libc: "gnu" }, gnueabihf: { role: "libc", libc: "gnu" },
  musl: { role: "libc", libc: "musl" }, musleabihf: { role: "libc", libc: "musl" },
  msvc: { role: "libc", libc: "msvc" }, mingw: { role: "libc", libc: "mingw" }, mingw32: { role: "libc", libc: "mingw" },
  unknown: filler, pc: filler, static: filler, none: filler,
  ...Object.fromEntries([
    "ppc64", "powerpc64", "powerpc", "ppc", "mips", "mipsel", "mips64", "mips64el", "mips64le", "mipsle", "loong64", "loongarch64",
    "sparc64", "sparcv9", "riscv32", "s390", "armv5", "armv5te", "armel", "arm5", "armv4t", "thumbv7neon", "musleabi", "gnueabi", "gnux32",
    "android", "androideabi", "ios", "wasm", "wasm32", "wasi", "emscripten", "cygwin", "msys",
  ].map((w) => [w, { role: "other" } as Word])),
};

/** Longest first, so "x86_64" wins over "x86" and "armv7l" over "arm". */
const PATTERN = new RegExp(
  `(?<=^|[-_./ ])(${Object.keys(WORDS).sort((a, b) => b.length - a.length).map((w) => w.replace(/[-.]/g, "\\$&")).join("|")})(?=$|[-_./ ])`,
  "gi",
);

export interface Recognized {
  triple: string;
  /** Where the platform words are in the name: [start, end). */
  span: [number, number];
  /** Higher is better among names for one triple (armv7 over armv6, msvc over mingw). */
  rank: number;
  /** What was assumed rather than read (no architecture word). */
  assumed?: string;
}

/**
 * The target a name stands for, or undefined when it names no OS binwheel builds for. `masked`
 * is the name with the version already replaced by same-length filler, so no version digit ("386")
 * is taken for a word.
 */
export function recognize(masked: string): Recognized | undefined {
  const found = [...masked.matchAll(PATTERN)].map((m) => ({ word: WORDS[m[1]!.toLowerCase()]!, start: m.index, end: m.index + m[1]!.length }));
  const osWord = found.find((f) => f.word.role === "os");
  // "all" is an architecture only in a macOS name (GoReleaser's universal binaries: darwin_all).
  const archWords = found.filter((f) => f.word.role === "arch" && (masked.slice(f.start, f.end).toLowerCase() !== "all" || osWord?.word.role === "os" && osWord.word.os === "macos"));
  if (!osWord || osWord.word.role !== "os" || found.some((f) => f.word.role === "other")) return undefined;
  const theOs = osWord.word.os;
  const archWord = archWords[0]?.word;
  const libcWord = found.find((f) => f.word.role === "libc")?.word;
  const libc = libcWord?.role === "libc" ? libcWord.libc : undefined;
  let theArch: Arch;
  let assumed: string | undefined;
  if (archWord?.role === "arch") theArch = archWord.arch;
  else {
    // An OS alone: Windows and Linux builds named so are x86_64; a macOS one serves both Macs.
    theArch = theOs === "macos" ? "universal2" : "x86_64";
    assumed = `no architecture in the name: taken as ${theArch}`;
  }
  const triple = tripleOf(theOs, theArch, libc);
  if (!triple) return undefined;
  // The span: the OS and architecture words, grown over the platform words next to it (separators
  // only between): "x86_64-unknown-linux-gnu" whole, but "tool-linux-amd64-installer" stops before "installer".
  const core = [osWord, ...(archWords[0] ? [archWords[0]] : [])];
  let start = Math.min(...core.map((f) => f.start));
  let end = Math.max(...core.map((f) => f.end));
  for (let grown = true; grown; ) {
    grown = false;
    for (const f of found) {
      if (f.word.role === "os" && f.word.os !== theOs) continue;
      if (f.end <= start && /^[-_./ ]*$/.test(masked.slice(f.end, start)) && f.start < start) { start = f.start; grown = true; }
      else if (f.start >= end && /^[-_./ ]*$/.test(masked.slice(end, f.start)) && f.end > end) { end = f.end; grown = true; }
    }
  }
  // On Windows, "gnu" is MinGW's runtime (x86_64-pc-windows-gnu): the MSVC build is the usual one.
  const rank = (archWord?.role === "arch" ? (archWord.rank ?? 0) : -3) + (libc === "mingw" || (theOs === "windows" && libc === "gnu") ? -5 : 0);
  return { triple, span: [start, end], rank, ...(assumed && { assumed }) };
}

function tripleOf(theOs: Os, theArch: Arch, libc: string | undefined): string | undefined {
  switch (theOs) {
    case "linux": {
      const musl = libc === "musl";
      const linux: Partial<Record<Arch, string>> = {
        x86_64: "x86_64-unknown-linux", aarch64: "aarch64-unknown-linux", i686: "i686-unknown-linux", armv7: "armv7-unknown-linux",
        ppc64le: "powerpc64le-unknown-linux", s390x: "s390x-unknown-linux", riscv64: "riscv64gc-unknown-linux",
      };
      const base = linux[theArch];
      if (!base) return undefined;
      if (musl && !["x86_64", "aarch64", "i686", "armv7"].includes(theArch)) return undefined;
      return theArch === "armv7" ? `${base}-${musl ? "musleabihf" : "gnueabihf"}` : `${base}-${musl ? "musl" : "gnu"}`;
    }
    case "macos":
      return { x86_64: "x86_64-apple-darwin", aarch64: "aarch64-apple-darwin", universal2: "universal2-apple-darwin" }[theArch as string];
    case "windows":
      return { x86_64: "x86_64-pc-windows-msvc", i686: "i686-pc-windows-msvc", aarch64: "aarch64-pc-windows-msvc" }[theArch as string];
  }
}
