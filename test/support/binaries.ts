// Minimal but well-formed ELF, Mach-O and PE files, for tests and fixture releases: just the
// headers binwheel reads (program headers, dynamic section, version needs, load commands).

export interface ElfSpec {
  machine: number;
  bits?: 32 | 64;
  little?: boolean;
  flags?: number;
  interpreter?: string;
  needed?: string[];
  /** Version needs: file (e.g. "libc.so.6") -> version names (e.g. ["GLIBC_2.17"]). */
  versions?: Record<string, string[]>;
  /** Extra bytes after the headers, so files have a realistic size. */
  padding?: number;
}

export function elf(spec: ElfSpec): Buffer {
  const is64 = (spec.bits ?? 64) === 64;
  const little = spec.little ?? true;
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const dynEntry = is64 ? 16 : 8;
  const needed = spec.needed ?? [];
  const versions = Object.entries(spec.versions ?? {});

  // The string table: needed names, version-need files and version names.
  const strings: string[] = ["", ...needed, ...versions.flatMap(([file, vs]) => [file, ...vs])];
  const offsets = new Map<string, number>();
  let strtab = "";
  for (const s of strings) if (!offsets.has(s)) { offsets.set(s, strtab.length); strtab += `${s}\0`; }
  const strtabBytes = Buffer.from(strtab, "latin1");

  const phnum = 1 + (spec.interpreter ? 1 : 0) + 1;
  const interpAt = ehsize + phnum * phentsize;
  const interp = spec.interpreter ? Buffer.from(`${spec.interpreter}\0`, "latin1") : Buffer.alloc(0);
  const strtabAt = interpAt + interp.length;
  const verneedAt = align(strtabAt + strtabBytes.length, 8);
  const verneedSize = versions.reduce((n, [, vs]) => n + 16 + 16 * vs.length, 0);
  const dynamicAt = align(verneedAt + verneedSize, 8);
  const dynamic: [number, number][] = [
    ...needed.map((n): [number, number] => [1, offsets.get(n)!]),
    [5, strtabAt],
    [10, strtabBytes.length],
    ...(versions.length ? ([[0x6ffffffe, verneedAt], [0x6fffffff, versions.length]] as [number, number][]) : []),
    [0, 0],
  ];
  const end = dynamicAt + dynamic.length * dynEntry;
  const size = end + (spec.padding ?? 0);
  const b = Buffer.alloc(size);
  const w16 = (o: number, v: number) => (little ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const w32 = (o: number, v: number) => (little ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  const wN = (o: number, v: number) => (is64 ? (little ? b.writeBigUInt64LE(BigInt(v), o) : b.writeBigUInt64BE(BigInt(v), o)) : w32(o, v));

  b.write("\x7fELF", 0, "latin1");
  b[4] = is64 ? 2 : 1;
  b[5] = little ? 1 : 2;
  b[6] = 1;
  w16(16, 2); // ET_EXEC
  w16(18, spec.machine);
  w32(20, 1);
  wN(is64 ? 32 : 28, ehsize); // e_phoff
  w32(is64 ? 48 : 36, spec.flags ?? 0);
  w16(is64 ? 52 : 40, ehsize);
  w16(is64 ? 54 : 42, phentsize);
  w16(is64 ? 56 : 44, phnum);

  const phdr = (i: number, type: number, offset: number, filesz: number) => {
    const o = ehsize + i * phentsize;
    w32(o, type);
    if (is64) { wN(o + 8, offset); wN(o + 16, offset); wN(o + 24, offset); wN(o + 32, filesz); wN(o + 40, filesz); }
    else { w32(o + 4, offset); w32(o + 8, offset); w32(o + 12, offset); w32(o + 16, filesz); w32(o + 20, filesz); }
  };
  let i = 0;
  phdr(i++, 1, 0, size); // PT_LOAD: the whole file, vaddr == offset
  if (spec.interpreter) phdr(i++, 3, interpAt, interp.length);
  phdr(i++, 2, dynamicAt, dynamic.length * dynEntry);
  interp.copy(b, interpAt);
  strtabBytes.copy(b, strtabAt);

  let at = verneedAt;
  versions.forEach(([file, names], k) => {
    w16(at, 1);
    w16(at + 2, names.length);
    w32(at + 4, offsets.get(file)!);
    w32(at + 8, 16);
    w32(at + 12, k === versions.length - 1 ? 0 : 16 + 16 * names.length);
    names.forEach((name, j) => {
      const aux = at + 16 + 16 * j;
      w32(aux + 8, offsets.get(name)!);
      w32(aux + 12, j === names.length - 1 ? 0 : 16);
    });
    at += 16 + 16 * names.length;
  });
  dynamic.forEach(([tag, value], k) => {
    wN(dynamicAt + k * dynEntry, tag);
    wN(dynamicAt + k * dynEntry + (is64 ? 8 : 4), value);
  });
  return b;
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

/** A glibc-linked x86_64-style executable needing `glibc` (e.g. "2.17"). */
export function glibcElf(machine: number, glibc: string, options: Partial<ElfSpec> = {}): Buffer {
  return elf({
    machine,
    interpreter: "/lib64/ld-linux-x86-64.so.2",
    needed: ["libc.so.6"],
    versions: { "libc.so.6": ["GLIBC_2.2.5", `GLIBC_${glibc}`], "ld-linux-x86-64.so.2": ["GLIBC_2.99"] },
    ...options,
  });
}

export interface MachOSliceSpec {
  cpu: "x86_64" | "arm64";
  minos: string;
  /** 1 = macOS (default), 2 = iOS... */
  platform?: number;
  /** Use LC_VERSION_MIN_MACOSX instead of LC_BUILD_VERSION. */
  legacy?: boolean;
}

const CPU = { x86_64: 0x01000007, arm64: 0x0100000c };

function thinMachO(s: MachOSliceSpec): Buffer {
  const [major, minor] = s.minos.split(".").map(Number) as [number, number];
  const version = ((major << 16) | (minor << 8)) >>> 0;
  const cmdSize = s.legacy ? 16 : 24;
  const b = Buffer.alloc(32 + cmdSize + 64);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(CPU[s.cpu], 4);
  b.writeUInt32LE(2, 12); // MH_EXECUTE
  b.writeUInt32LE(1, 16);
  b.writeUInt32LE(cmdSize, 20);
  if (s.legacy) {
    b.writeUInt32LE(0x24, 32);
    b.writeUInt32LE(16, 36);
    b.writeUInt32LE(version, 40);
  } else {
    b.writeUInt32LE(0x32, 32);
    b.writeUInt32LE(24, 36);
    b.writeUInt32LE(s.platform ?? 1, 40);
    b.writeUInt32LE(version, 44);
  }
  return b;
}

/** A thin Mach-O for one slice, or a fat one for several. */
export function machO(...slices: MachOSliceSpec[]): Buffer {
  if (slices.length === 1) return thinMachO(slices[0]!);
  const bodies = slices.map(thinMachO);
  const header = Buffer.alloc(8 + 20 * slices.length);
  header.writeUInt32BE(0xcafebabe, 0);
  header.writeUInt32BE(slices.length, 4);
  let offset = 4096;
  const parts: Buffer[] = [];
  slices.forEach((s, i) => {
    const o = 8 + 20 * i;
    header.writeUInt32BE(CPU[s.cpu], o);
    header.writeUInt32BE(offset, o + 8);
    header.writeUInt32BE(bodies[i]!.length, o + 12);
    header.writeUInt32BE(12, o + 16);
    parts.push(bodies[i]!);
    offset += 4096;
  });
  const out = Buffer.alloc(offset);
  header.copy(out, 0);
  parts.forEach((p, i) => p.copy(out, 4096 * (i + 1)));
  return out;
}

/** A PE image header with this machine type (0x8664 x64, 0x14c x86, 0xaa64 ARM64). */
export function pe(machine: number): Buffer {
  const b = Buffer.alloc(0x40 + 24 + 64);
  b.write("MZ", 0, "latin1");
  b.writeUInt32LE(0x40, 0x3c);
  b.write("PE\0\0", 0x40, "latin1");
  b.writeUInt16LE(machine, 0x44);
  return b;
}

/** e_machine values. */
export const EM = { X86_64: 62, I386: 3, AARCH64: 183, ARM: 40, PPC64: 21, S390: 22, RISCV: 243 };
