// Rust target triples binwheel knows, with the placeholders they fill and the wheel platform tags
// each gets when nothing better is known (research/platforms.md section 2.1). With "auto" tags,
// the real tags come from the binaries themselves (inspect/platform-tags.ts).
import { linuxPolicies, policyTags } from "./linux-policies.js";

export type Os = "linux" | "macos" | "windows";

export interface TargetInfo {
  triple: string;
  os: Os;
  /** The `{arch}` placeholder: x86_64, aarch64, i686, armv7, ppc64le, s390x, riscv64, universal2. */
  arch: string;
  /** The architecture as wheel tags spell it: x86_64, aarch64, armv7l, arm64, universal2, win_amd64... */
  tagArch: string;
  libc?: "gnu" | "musl";
  /** Go's words (GOOS, GOARCH), as GoReleaser names assets: linux/darwin/windows; amd64, arm64, 386, arm... ("all" for universal2, as GoReleaser's universal binaries). */
  goos: "linux" | "darwin" | "windows";
  goarch: string;
  /** What {archive} gives unless the target says otherwise. */
  archive: "tar.gz" | "zip";
  /** Platform tags used when the binaries say nothing (no ELF, Mach-O or PE among them). */
  defaultTags: string[];
}

/** Without binaries to judge: manylinux2014 (glibc 2.17) where auditwheel has it, else the arch's oldest policy; musllinux_1_2. */
function unjudgedTags(arch: string, libc: "gnu" | "musl"): string[] {
  const policies = linuxPolicies(libc === "gnu" ? "manylinux" : "musllinux", arch);
  const policy = policies.find((p) => p.name === (libc === "gnu" ? "manylinux_2_17" : "musllinux_1_2")) ?? policies[0]!;
  return policyTags(policy, arch);
}

const GOARCH: Record<string, string> = {
  x86_64: "amd64", i686: "386", aarch64: "arm64", armv7: "arm", ppc64le: "ppc64le", s390x: "s390x", riscv64: "riscv64", universal2: "all",
};

const linux = (triple: string, arch: string, tagArch: string, libc: "gnu" | "musl"): TargetInfo => ({
  triple, os: "linux", arch, tagArch, libc, archive: "tar.gz", goos: "linux", goarch: GOARCH[arch]!,
  defaultTags: unjudgedTags(tagArch, libc),
});

const TABLE: TargetInfo[] = [
  linux("x86_64-unknown-linux-gnu", "x86_64", "x86_64", "gnu"),
  linux("i686-unknown-linux-gnu", "i686", "i686", "gnu"),
  linux("aarch64-unknown-linux-gnu", "aarch64", "aarch64", "gnu"),
  linux("armv7-unknown-linux-gnueabihf", "armv7", "armv7l", "gnu"),
  linux("powerpc64le-unknown-linux-gnu", "ppc64le", "ppc64le", "gnu"),
  linux("s390x-unknown-linux-gnu", "s390x", "s390x", "gnu"),
  linux("riscv64gc-unknown-linux-gnu", "riscv64", "riscv64", "gnu"),
  linux("x86_64-unknown-linux-musl", "x86_64", "x86_64", "musl"),
  linux("i686-unknown-linux-musl", "i686", "i686", "musl"),
  linux("aarch64-unknown-linux-musl", "aarch64", "aarch64", "musl"),
  linux("armv7-unknown-linux-musleabihf", "armv7", "armv7l", "musl"),
  { triple: "x86_64-apple-darwin", os: "macos", arch: "x86_64", tagArch: "x86_64", archive: "tar.gz", goos: "darwin", goarch: "amd64", defaultTags: ["macosx_10_12_x86_64"] },
  { triple: "aarch64-apple-darwin", os: "macos", arch: "aarch64", tagArch: "arm64", archive: "tar.gz", goos: "darwin", goarch: "arm64", defaultTags: ["macosx_11_0_arm64"] },
  // Not a real Rust triple: fat Mach-O binaries holding both slices (as maturin names it).
  {
    triple: "universal2-apple-darwin", os: "macos", arch: "universal2", tagArch: "universal2", archive: "tar.gz", goos: "darwin", goarch: "all",
    defaultTags: ["macosx_10_12_x86_64", "macosx_11_0_arm64", "macosx_10_12_universal2"],
  },
  { triple: "x86_64-pc-windows-msvc", os: "windows", arch: "x86_64", tagArch: "win_amd64", archive: "zip", goos: "windows", goarch: "amd64", defaultTags: ["win_amd64"] },
  { triple: "i686-pc-windows-msvc", os: "windows", arch: "i686", tagArch: "win32", archive: "zip", goos: "windows", goarch: "386", defaultTags: ["win32"] },
  { triple: "aarch64-pc-windows-msvc", os: "windows", arch: "aarch64", tagArch: "win_arm64", archive: "zip", goos: "windows", goarch: "arm64", defaultTags: ["win_arm64"] },
];

const BY_TRIPLE = new Map(TABLE.map((t) => [t.triple, t]));

export function targetInfo(triple: string): TargetInfo | undefined {
  return BY_TRIPLE.get(triple);
}

export const KNOWN_TRIPLES: readonly string[] = TABLE.map((t) => t.triple);

/** Other spellings of a triple's words (Go's, Node's, Python's, everyday ones) -> the words of a known triple. */
const WORD_ALIASES: Record<string, string[]> = {
  amd64: ["x86_64"], x64: ["x86_64"], arm64: ["aarch64"], "386": ["i686"], x86: ["i686"], i386: ["i686"], win32: ["i686", "windows"],
  armv7l: ["armv7"], arm: ["armv7"], ppc64le: ["powerpc64le"], riscv64: ["riscv64gc"],
  macos: ["apple", "darwin"], osx: ["apple", "darwin"], mac: ["apple", "darwin"], macosx: ["apple", "darwin"],
  win: ["windows"], win64: ["x86_64", "windows"], glibc: ["gnu"], manylinux: ["linux", "gnu"], musllinux: ["linux", "musl"],
  gnueabihf: ["gnu"], musleabihf: ["musl"],
};

/**
 * The known triple another spelling most likely means ("x86_64-linux-gnu", "arm64-macos",
 * "windows-amd64"): every word given, in any order and in the spellings of WORD_ALIASES, is a word
 * of the triple, and it has the fewest words left over; the first in the table wins a tie.
 */
export function closestTriple(given: string): string | undefined {
  const words = given.toLowerCase().split(/[-\s]+/).filter(Boolean).flatMap((w) => WORD_ALIASES[w] ?? [w]);
  let best: string | undefined;
  let bestExtra = Infinity;
  for (const { triple } of TABLE) {
    const own = triple.split("-").flatMap((w) => [w, ...(w.startsWith("gnueabi") ? ["gnu"] : w.startsWith("musleabi") ? ["musl"] : [])]);
    if (!words.every((w) => own.includes(w))) continue;
    const extra = own.length - new Set(words).size;
    if (extra < bestExtra) {
      best = triple;
      bestExtra = extra;
    }
  }
  return best;
}
