// Rust target triples binwheel knows, with the placeholders they fill and the wheel platform tag
// each gets when its tag is "auto" (research/platforms.md section 2.1).

export type Os = "linux" | "macos" | "windows";
export type ArchiveKind = "tar.gz" | "zip";

export interface TargetInfo {
  triple: string;
  os: Os;
  /** The `{arch}` placeholder: x86_64, aarch64, i686, armv7, ppc64le, s390x, riscv64. */
  arch: string;
  libc?: "gnu" | "musl";
  archive: ArchiveKind;
  /** Platform tags, most specific first, used when the configured tag is "auto". */
  defaultTags: string[];
}

const manylinux = (arch: string, minor = 17) =>
  minor === 17 ? [`manylinux_2_17_${arch}`, `manylinux2014_${arch}`] : [`manylinux_2_${minor}_${arch}`];

const TABLE: TargetInfo[] = [
  { triple: "x86_64-unknown-linux-gnu", os: "linux", arch: "x86_64", libc: "gnu", archive: "tar.gz", defaultTags: manylinux("x86_64") },
  { triple: "i686-unknown-linux-gnu", os: "linux", arch: "i686", libc: "gnu", archive: "tar.gz", defaultTags: manylinux("i686") },
  { triple: "aarch64-unknown-linux-gnu", os: "linux", arch: "aarch64", libc: "gnu", archive: "tar.gz", defaultTags: manylinux("aarch64") },
  { triple: "armv7-unknown-linux-gnueabihf", os: "linux", arch: "armv7", libc: "gnu", archive: "tar.gz", defaultTags: manylinux("armv7l") },
  { triple: "powerpc64le-unknown-linux-gnu", os: "linux", arch: "ppc64le", libc: "gnu", archive: "tar.gz", defaultTags: manylinux("ppc64le") },
  { triple: "s390x-unknown-linux-gnu", os: "linux", arch: "s390x", libc: "gnu", archive: "tar.gz", defaultTags: manylinux("s390x") },
  { triple: "riscv64gc-unknown-linux-gnu", os: "linux", arch: "riscv64", libc: "gnu", archive: "tar.gz", defaultTags: manylinux("riscv64", 31) },
  { triple: "x86_64-unknown-linux-musl", os: "linux", arch: "x86_64", libc: "musl", archive: "tar.gz", defaultTags: ["musllinux_1_2_x86_64"] },
  { triple: "i686-unknown-linux-musl", os: "linux", arch: "i686", libc: "musl", archive: "tar.gz", defaultTags: ["musllinux_1_2_i686"] },
  { triple: "aarch64-unknown-linux-musl", os: "linux", arch: "aarch64", libc: "musl", archive: "tar.gz", defaultTags: ["musllinux_1_2_aarch64"] },
  { triple: "armv7-unknown-linux-musleabihf", os: "linux", arch: "armv7", libc: "musl", archive: "tar.gz", defaultTags: ["musllinux_1_2_armv7l"] },
  { triple: "x86_64-apple-darwin", os: "macos", arch: "x86_64", archive: "tar.gz", defaultTags: ["macosx_10_12_x86_64"] },
  { triple: "aarch64-apple-darwin", os: "macos", arch: "aarch64", archive: "tar.gz", defaultTags: ["macosx_11_0_arm64"] },
  { triple: "x86_64-pc-windows-msvc", os: "windows", arch: "x86_64", archive: "zip", defaultTags: ["win_amd64"] },
  { triple: "i686-pc-windows-msvc", os: "windows", arch: "i686", archive: "zip", defaultTags: ["win32"] },
  { triple: "aarch64-pc-windows-msvc", os: "windows", arch: "aarch64", archive: "zip", defaultTags: ["win_arm64"] },
];

const BY_TRIPLE = new Map(TABLE.map((t) => [t.triple, t]));

export function targetInfo(triple: string): TargetInfo | undefined {
  return BY_TRIPLE.get(triple);
}

export const KNOWN_TRIPLES: readonly string[] = TABLE.map((t) => t.triple);
