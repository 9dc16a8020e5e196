// auditwheel's platform policies (PEP 600 manylinux, PEP 656 musllinux): per policy, the symbol
// versions its binaries may need from the system's libraries, per architecture, and the system
// libraries they may load without bundling them. inspect/linux-tags.ts judges binaries by them.
//
// Source: https://github.com/pypa/auditwheel (MIT licence), src/auditwheel/policy/
//   manylinux-policy.json at commit 2d1ad6396bff90cfff09321a4a4480b3955fe6a5 (manylinux_2_5 to 2_43),
//   musllinux-policy.json at commit 3332e9414d8419de3d5cf3b55f7279df87899681;
//   copied 2026-12-06. Verbatim copies are in test/data/auditwheel/; test/unit/linux-policies.test.ts
//   fails while this table says anything else. Left out: the policies' blacklists (symbols of libz,
//   libc... a wheel must not use), which need symbol tables binwheel does not read.
//
// Kept small by writing what each policy adds to the one before (auditwheel's lists only grow):
// [name, priority, legacy aliases, libraries it adds, { "arch arch": "PREFIX version version; PREFIX" }].
// An architecture is listed under every policy that covers it, even when it adds nothing; a prefix
// with no versions is a library the policy knows but none of whose versions it allows yet.

/** Where the table comes from, for messages. */
export const POLICY_SOURCE = "auditwheel's policy (pypa/auditwheel at 2d1ad63)";

export type LinuxFamily = "manylinux" | "musllinux";

export interface LinuxPolicy {
  /** "manylinux_2_17", "musllinux_1_1". */
  name: string;
  family: LinuxFamily;
  /** The glibc or musl version it stands for: [2, 17], [1, 1]. */
  version: [number, number];
  /** auditwheel's order: the higher, the more systems the policy's wheels run on. */
  priority: number;
  /** Legacy names of the same policy: "manylinux2014". */
  aliases: string[];
  /** Libraries (DT_NEEDED names) a wheel may load from the system. */
  libraries: ReadonlySet<string>;
  /** For each architecture the policy covers: symbol-version prefix ("GLIBCXX") -> the versions it allows ("3.4.19"). */
  symbolVersions: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;
}

type Row = [name: string, priority: number, aliases: string[], libraries: string, versions: Record<string, string>];

const MANYLINUX: Row[] = [
  ["manylinux_2_5", 100, ["manylinux1"], "libatomic.so.1 libgcc_s.so.1 libstdc++.so.6 libm.so.6 libanl.so.1 libdl.so.2 librt.so.1 libc.so.6 libnsl.so.1 libutil.so.1 libpthread.so.0 libX11.so.6 libXext.so.6 libXrender.so.1 libICE.so.6 libSM.so.6 libGL.so.1 libgobject-2.0.so.0 libgthread-2.0.so.0 libglib-2.0.so.0 libresolv.so.2 libz.so.1", {
    i686: "CXXABI 1.3 1.3.1; GCC 3.0 3.3 3.3.1 3.4 3.4.2 4.0.0 4.2.0; GLIBC 2.0 2.1 2.1.1 2.1.2 2.1.3 2.2 2.2.1 2.2.2 2.2.3 2.2.4 2.2.6 2.3 2.3.2 2.3.3 2.3.4 2.4 2.5; GLIBCXX 3.4 3.4.1 3.4.2 3.4.3 3.4.4 3.4.5 3.4.6 3.4.7 3.4.8; LIBATOMIC; ZLIB",
    x86_64: "CXXABI 1.3 1.3.1; GCC 3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0; GLIBC 2.2.5 2.2.6 2.3 2.3.2 2.3.3 2.3.4 2.4 2.5; GLIBCXX 3.4 3.4.1 3.4.2 3.4.3 3.4.4 3.4.5 3.4.6 3.4.7 3.4.8; LIBATOMIC; ZLIB",
  }],
  ["manylinux_2_12", 90, ["manylinux2010"], "libexpat.so.1", {
    i686: "CXXABI 1.3.2 1.3.3; GCC 4.3.0 4.4.0 4.5.0; GLIBC 2.6 2.7 2.8 2.9 2.10 2.11 2.12; GLIBCXX 3.4.9 3.4.10 3.4.11 3.4.12 3.4.13; ZLIB 1.2.0 1.2.0.2 1.2.0.8 1.2.2 1.2.2.3 1.2.2.4",
    x86_64: "CXXABI 1.3.2 1.3.3; GCC 4.3.0; GLIBC 2.6 2.7 2.8 2.9 2.10 2.11 2.12; GLIBCXX 3.4.9 3.4.10 3.4.11 3.4.12 3.4.13; ZLIB 1.2.0 1.2.0.2 1.2.0.8 1.2.2 1.2.2.3 1.2.2.4",
  }],
  ["manylinux_2_17", 80, ["manylinux2014"], "", {
    i686: "CXXABI 1.3.4 1.3.5 1.3.6 1.3.7 TM_1; GCC 4.7.0 4.8.0; GLIBC 2.13 2.14 2.15 2.16 2.17; GLIBCXX 3.4.14 3.4.15 3.4.16 3.4.17 3.4.18 3.4.19; LIBATOMIC 1.0; ZLIB 1.2.3.3 1.2.3.4 1.2.3.5 1.2.5.1 1.2.5.2",
    x86_64: "CXXABI 1.3.4 1.3.5 1.3.6 1.3.7 TM_1; GCC 4.7.0 4.8.0; GLIBC 2.13 2.14 2.15 2.16 2.17; GLIBCXX 3.4.14 3.4.15 3.4.16 3.4.17 3.4.18 3.4.19; ZLIB 1.2.3.3 1.2.3.4 1.2.3.5 1.2.5.1 1.2.5.2",
    aarch64: "CXXABI 1.3 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.3.6 1.3.7 TM_1; GCC 3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.5.0 4.7.0; GLIBC 2.0 2.17 2.18; GLIBCXX 3.4 3.4.1 3.4.2 3.4.3 3.4.4 3.4.5 3.4.6 3.4.7 3.4.8 3.4.9 3.4.10 3.4.11 3.4.12 3.4.13 3.4.14 3.4.15 3.4.16 3.4.17 3.4.18 3.4.19; LIBATOMIC 1.0; ZLIB 1.2.0 1.2.0.2 1.2.0.8 1.2.2 1.2.2.3 1.2.2.4 1.2.3.3 1.2.3.4 1.2.3.5 1.2.5.1 1.2.5.2",
    ppc64: "CXXABI 1.3 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.3.6 1.3.7 TM_1; GCC 3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.4.0 4.5.0 4.7.0 4.8.0; GLIBC 2.0 2.1 2.1.1 2.1.2 2.1.3 2.2 2.2.1 2.2.2 2.2.3 2.2.4 2.2.5 2.2.6 2.3 2.3.2 2.3.3 2.3.4 2.4 2.5 2.6 2.7 2.8 2.9 2.10 2.11 2.12 2.13 2.14 2.15 2.16 2.17; GLIBCXX 3.4 3.4.1 3.4.2 3.4.3 3.4.4 3.4.5 3.4.6 3.4.7 3.4.8 3.4.9 3.4.10 3.4.11 3.4.12 3.4.13 3.4.14 3.4.15 3.4.16 3.4.17 3.4.18 3.4.19; LIBATOMIC 1.0; ZLIB 1.2.0 1.2.0.2 1.2.0.8 1.2.2 1.2.2.3 1.2.2.4 1.2.3.3 1.2.3.4 1.2.3.5 1.2.5.1 1.2.5.2",
    ppc64le: "CXXABI 1.3 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.3.6 1.3.7 LDBL_1.3 TM_1; GCC 3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.7.0; GLIBC 2.0 2.17; GLIBCXX 3.4 3.4.1 3.4.2 3.4.3 3.4.4 3.4.5 3.4.6 3.4.7 3.4.8 3.4.9 3.4.10 3.4.11 3.4.12 3.4.13 3.4.14 3.4.15 3.4.16 3.4.17 3.4.18 3.4.19 LDBL_3.4 LDBL_3.4.10 LDBL_3.4.7; LIBATOMIC 1.0; ZLIB 1.2.0 1.2.0.2 1.2.0.8 1.2.2 1.2.2.3 1.2.2.4 1.2.3.3 1.2.3.4 1.2.3.5 1.2.5.1 1.2.5.2",
    s390x: "CXXABI 1.3 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.3.6 1.3.7 LDBL_1.3 TM_1; GCC 3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.1.0 4.2.0 4.3.0 4.7.0; GLIBC 2.2 2.2.1 2.2.2 2.2.3 2.2.4 2.2.6 2.3 2.3.2 2.3.3 2.3.4 2.4 2.5 2.6 2.7 2.8 2.9 2.10 2.11 2.12 2.13 2.14 2.15 2.16 2.17; GLIBCXX 3.4 3.4.1 3.4.2 3.4.3 3.4.4 3.4.5 3.4.6 3.4.7 3.4.8 3.4.9 3.4.10 3.4.11 3.4.12 3.4.13 3.4.14 3.4.15 3.4.16 3.4.17 3.4.18 3.4.19 LDBL_3.4 LDBL_3.4.10 LDBL_3.4.7; LIBATOMIC; ZLIB 1.2.0 1.2.0.2 1.2.0.8 1.2.2 1.2.2.3 1.2.2.4 1.2.3.3 1.2.3.4 1.2.3.5 1.2.5.1 1.2.5.2",
    armv7l: "CXXABI 1.3 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.3.6 1.3.7 ARM_1.3.3 TM_1; GCC 3.0 3.3 3.3.1 3.3.4 3.4 3.4.2 3.5 4.0.0 4.2.0 4.3.0 4.7.0; GLIBC 2.0 2.4 2.5 2.6 2.7 2.8 2.9 2.10 2.11 2.12 2.13 2.14 2.15 2.16 2.17; GLIBCXX 3.4 3.4.1 3.4.2 3.4.3 3.4.4 3.4.5 3.4.6 3.4.7 3.4.8 3.4.9 3.4.10 3.4.11 3.4.12 3.4.13 3.4.14 3.4.15 3.4.16 3.4.17 3.4.18 3.4.19; LIBATOMIC 1.0; ZLIB 1.2.0 1.2.0.2 1.2.0.8 1.2.2 1.2.2.3 1.2.2.4 1.2.3.3 1.2.3.4 1.2.3.5 1.2.5.1 1.2.5.2",
  }],
  ["manylinux_2_24", 70, [], "libmvec.so.1", {
    i686: "CXXABI 1.3.8 1.3.9 1.3.10 FLOAT128; GLIBC 2.18 2.22 2.23 2.24; GLIBCXX 3.4.20 3.4.21 3.4.22; LIBATOMIC 1.1 1.2",
    x86_64: "CXXABI 1.3.8 1.3.9 1.3.10 FLOAT128; GLIBC 2.18 2.22 2.23 2.24; GLIBCXX 3.4.20 3.4.21 3.4.22; LIBATOMIC 1.0 1.1 1.2",
    aarch64: "CXXABI 1.3.8 1.3.9 1.3.10; GLIBC 2.22 2.23 2.24; GLIBCXX 3.4.20 3.4.21 3.4.22; LIBATOMIC 1.1 1.2",
    ppc64le: "CXXABI 1.3.8 1.3.9 1.3.10; GLIBC 2.18 2.22 2.23 2.24; GLIBCXX 3.4.20 3.4.21 3.4.22 LDBL_3.4.21; LIBATOMIC 1.1 1.2",
    s390x: "CXXABI 1.3.8 1.3.9 1.3.10; GLIBC 2.18 2.19 2.22 2.23 2.24; GLIBCXX 3.4.20 3.4.21 3.4.22 LDBL_3.4.21; LIBATOMIC 1.0 1.1 1.2",
    armv7l: "CXXABI 1.3.8 1.3.9 1.3.10; GLIBC 2.18 2.22 2.23 2.24; GLIBCXX 3.4.20 3.4.21 3.4.22; LIBATOMIC 1.1 1.2",
  }],
  ["manylinux_2_26", 68, [], "", {
    "i686 ppc64le s390x armv7l": "CXXABI 1.3.11; GCC 7.0.0; GLIBC 2.25 2.26; GLIBCXX 3.4.23 3.4.24; ZLIB 1.2.7.1 1.2.9",
    x86_64: "GLIBC 2.25 2.26",
    aarch64: "CXXABI 1.3.11; GCC 7.0.0; GLIBC 2.25 2.26; GLIBCXX 3.4.23 3.4.24",
  }],
  ["manylinux_2_27", 65, [], "", {
    "i686 ppc64le s390x armv7l": "GLIBC 2.27",
    x86_64: "CXXABI 1.3.11; GCC 7.0.0; GLIBC 2.27; GLIBCXX 3.4.23 3.4.24; ZLIB 1.2.7.1 1.2.9",
    aarch64: "GLIBC 2.27; ZLIB 1.2.7.1 1.2.9",
  }],
  ["manylinux_2_28", 64, [], "", {
    "i686 x86_64 aarch64 ppc64le s390x armv7l": "GLIBC 2.28",
  }],
  ["manylinux_2_31", 61, [], "", {
    "i686 x86_64 aarch64 ppc64le s390x armv7l": "CXXABI 1.3.12; GLIBC 2.29 2.30 2.31; GLIBCXX 3.4.25 3.4.26 3.4.27 3.4.28",
    riscv64: "CXXABI 1.3 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.3.6 1.3.7 1.3.8 1.3.9 1.3.10 1.3.11 1.3.12 TM_1; GCC 3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.4.0 4.5.0 4.7.0 7.0.0; GLIBC 2.0 2.27 2.28 2.29 2.30 2.31; GLIBCXX 3.4 3.4.1 3.4.2 3.4.3 3.4.4 3.4.5 3.4.6 3.4.7 3.4.8 3.4.9 3.4.10 3.4.11 3.4.12 3.4.13 3.4.14 3.4.15 3.4.16 3.4.17 3.4.18 3.4.19 3.4.20 3.4.21 3.4.22 3.4.23 3.4.24 3.4.25 3.4.26 3.4.27 3.4.28; LIBATOMIC 1.0 1.1 1.2; ZLIB 1.2.0 1.2.0.2 1.2.0.8 1.2.2 1.2.2.3 1.2.2.4 1.2.3.3 1.2.3.4 1.2.3.5 1.2.5.1 1.2.5.2 1.2.7.1 1.2.9",
  }],
  ["manylinux_2_34", 58, [], "", {
    "i686 x86_64 armv7l riscv64": "CXXABI 1.3.13; GLIBC 2.32 2.33 2.34; GLIBCXX 3.4.29",
    aarch64: "CXXABI 1.3.13; GCC 11.0; GLIBC 2.32 2.33 2.34; GLIBCXX 3.4.29",
    ppc64le: "CXXABI 1.3.13 IEEE128_1.3.13; GLIBC 2.32 2.33 2.34; GLIBCXX 3.4.29 IEEE128_3.4.29 LDBL_3.4.29",
    s390x: "CXXABI 1.3.13; GLIBC 2.32 2.33 2.34; GLIBCXX 3.4.29 LDBL_3.4.29",
  }],
  ["manylinux_2_35", 57, [], "", {
    "i686 x86_64": "GCC 12.0.0; GLIBC 2.35; GLIBCXX 3.4.30",
    "aarch64 s390x armv7l riscv64": "GLIBC 2.35; GLIBCXX 3.4.30",
    ppc64le: "GLIBC 2.35; GLIBCXX 3.4.30 IEEE128_3.4.30",
  }],
  ["manylinux_2_36", 56, [], "", {
    i686: "GLIBC 2.36 ABI_DT_RELR; ZLIB 1.2.12",
    "x86_64 aarch64 ppc64le s390x armv7l": "GLIBC 2.36 ABI_DT_RELR",
    riscv64: "GLIBC 2.36",
    loongarch64: "CXXABI 1.3 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.3.6 1.3.7 1.3.8 1.3.9 1.3.10 1.3.11 1.3.12 1.3.13 TM_1; GCC 3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.4.0 4.5.0 4.7.0 7.0.0; GLIBC 2.0 2.36 ABI_DT_RELR; GLIBCXX 3.4 3.4.1 3.4.2 3.4.3 3.4.4 3.4.5 3.4.6 3.4.7 3.4.8 3.4.9 3.4.10 3.4.11 3.4.12 3.4.13 3.4.14 3.4.15 3.4.16 3.4.17 3.4.18 3.4.19 3.4.20 3.4.21 3.4.22 3.4.23 3.4.24 3.4.25 3.4.26 3.4.27 3.4.28 3.4.29 3.4.30; LIBATOMIC 1.0 1.1 1.2; ZLIB 1.2.0 1.2.0.2 1.2.0.8 1.2.2 1.2.2.3 1.2.2.4 1.2.3.3 1.2.3.4 1.2.3.5 1.2.5.1 1.2.5.2 1.2.7.1 1.2.9",
  }],
  ["manylinux_2_37", 55, [], "", {
    i686: "GLIBC 2.37",
    "x86_64 aarch64 ppc64le s390x loongarch64": "ZLIB 1.2.12",
    "armv7l riscv64": "GLIBC 2.37; ZLIB 1.2.12",
  }],
  ["manylinux_2_38", 54, [], "", {
    "i686 x86_64 aarch64 ppc64le s390x armv7l loongarch64": "GLIBC 2.38",
    riscv64: "GLIBC 2.38 ABI_DT_RELR",
  }],
  ["manylinux_2_39", 53, [], "", {
    "i686 x86_64": "CXXABI 1.3.14 1.3.15; GCC 13.0.0 14.0.0; GLIBC 2.39; GLIBCXX 3.4.31 3.4.32 3.4.33",
    aarch64: "CXXABI 1.3.14 1.3.15; GCC 13.0.0 14.0 14.0.0; GLIBC 2.39; GLIBCXX 3.4.31 3.4.32 3.4.33",
    ppc64le: "CXXABI 1.3.14 1.3.15; GCC 14.0.0; GLIBC 2.39; GLIBCXX 3.4.31 3.4.32 3.4.33 IEEE128_3.4.31 LDBL_3.4.31",
    s390x: "CXXABI 1.3.14 1.3.15; GCC 14.0.0; GLIBC 2.39; GLIBCXX 3.4.31 3.4.32 3.4.33 LDBL_3.4.31",
    "armv7l riscv64": "CXXABI 1.3.14 1.3.15; GCC 14.0.0; GLIBC 2.39; GLIBCXX 3.4.31 3.4.32 3.4.33",
    loongarch64: "CXXABI 1.3.14 1.3.15; GCC 14.0.0; GLIBC 2.39; GLIBCXX 3.4.31 3.4.32",
  }],
  ["manylinux_2_40", 52, [], "", {
    "i686 x86_64 aarch64 ppc64le s390x armv7l riscv64": "GLIBC 2.40",
    loongarch64: "GLIBC 2.40; GLIBCXX 3.4.33",
  }],
  ["manylinux_2_41", 51, [], "", {
    "i686 x86_64 aarch64 ppc64le s390x armv7l riscv64 loongarch64": "GLIBC 2.41",
  }],
  ["manylinux_2_42", 50, [], "", {
    "i686 x86_64 aarch64 ppc64le s390x armv7l": "GLIBC 2.42; GLIBCXX 3.4.34",
    riscv64: "CXXABI 1.3.16; GLIBC 2.42; GLIBCXX 3.4.34",
  }],
  ["manylinux_2_43", 49, [], "", {
    i686: "GLIBC 2.43 ABI_GNU2_TLS ABI_GNU_TLS",
    x86_64: "GLIBC 2.43 ABI_DT_X86_64_PLT ABI_GNU2_TLS",
    "aarch64 riscv64": "GLIBC 2.43",
    "ppc64le armv7l": "CXXABI 1.3.17; GLIBC 2.43; GLIBCXX 3.4.35",
    s390x: "CXXABI 1.3.17; GCC 16.0.0; GLIBC 2.43; GLIBCXX 3.4.35",
  }],
];

const MUSLLINUX: Row[] = [
  ["musllinux_1_1", 100, [], "libc.so libz.so.1", {
    "i686 x86_64 aarch64 ppc64le s390x armv7l": "",
  }],
  ["musllinux_1_2", 90, [], "", {
    "i686 x86_64 aarch64 ppc64le s390x armv7l loongarch64": "",
  }],
];

function expand(family: LinuxFamily, rows: Row[]): LinuxPolicy[] {
  const libraries = new Set<string>();
  const current = new Map<string, Map<string, ReadonlySet<string>>>();
  return rows.map(([name, priority, aliases, added, versions]) => {
    for (const library of added.split(" ").filter(Boolean)) libraries.add(library);
    const symbolVersions = new Map<string, ReadonlyMap<string, ReadonlySet<string>>>();
    for (const [archs, text] of Object.entries(versions)) {
      for (const arch of archs.split(" ")) {
        const next = new Map(current.get(arch));
        for (const group of text.split("; ").filter(Boolean)) {
          const [prefix, ...more] = group.split(" ") as [string, ...string[]];
          next.set(prefix, new Set([...(next.get(prefix) ?? []), ...more]));
        }
        current.set(arch, next);
        symbolVersions.set(arch, next);
      }
    }
    const [, major, minor] = name.split("_").map(Number) as [number, number, number];
    return { name, family, version: [major, minor], priority, aliases, libraries: new Set(libraries), symbolVersions };
  });
}

/** Every policy, each family's from the most compatible (highest priority) on. */
export const LINUX_POLICIES: readonly LinuxPolicy[] = [...expand("manylinux", MANYLINUX), ...expand("musllinux", MUSLLINUX)];

/** The policies of `family` that cover `arch`, the most compatible first. */
export function linuxPolicies(family: LinuxFamily, arch: string): LinuxPolicy[] {
  return LINUX_POLICIES.filter((p) => p.family === family && p.symbolVersions.has(arch));
}

/** A policy's platform tags for `arch`, legacy aliases included, sorted as PEP 425 compressed tag sets are. */
export function policyTags(policy: LinuxPolicy, arch: string): string[] {
  return [policy.name, ...policy.aliases].map((name) => `${name}_${arch}`).sort();
}
