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
  /** LC_LOAD_DYLIB names ("@rpath/libx.dylib") and LC_RPATH entries. */
  dylibs?: string[];
  rpaths?: string[];
}

const CPU = { x86_64: 0x01000007, arm64: 0x0100000c };

/** A load command that carries one string at offset `at` (dylib: 24, rpath: 12), padded to 8 bytes. */
function stringCommand(cmd: number, at: number, text: string): Buffer {
  const size = Math.ceil((at + Buffer.byteLength(text) + 1) / 8) * 8;
  const c = Buffer.alloc(size);
  c.writeUInt32LE(cmd, 0);
  c.writeUInt32LE(size, 4);
  c.writeUInt32LE(at, 8);
  c.write(text, at, "utf8");
  return c;
}

function thinMachO(s: MachOSliceSpec): Buffer {
  const [major, minor] = s.minos.split(".").map(Number) as [number, number];
  const version = ((major << 16) | (minor << 8)) >>> 0;
  const versionCommand = Buffer.alloc(s.legacy ? 16 : 24);
  if (s.legacy) {
    versionCommand.writeUInt32LE(0x24, 0);
    versionCommand.writeUInt32LE(16, 4);
    versionCommand.writeUInt32LE(version, 8);
  } else {
    versionCommand.writeUInt32LE(0x32, 0);
    versionCommand.writeUInt32LE(24, 4);
    versionCommand.writeUInt32LE(s.platform ?? 1, 8);
    versionCommand.writeUInt32LE(version, 12);
  }
  const commands = [versionCommand, ...(s.dylibs ?? []).map((d) => stringCommand(0xc, 24, d)), ...(s.rpaths ?? []).map((r) => stringCommand(0x8000001c, 12, r))];
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0);
  header.writeUInt32LE(CPU[s.cpu], 4);
  header.writeUInt32LE(2, 12); // MH_EXECUTE
  header.writeUInt32LE(commands.length, 16);
  header.writeUInt32LE(commands.reduce((n, c) => n + c.length, 0), 20);
  return Buffer.concat([header, ...commands, Buffer.alloc(64)]);
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

/**
 * A PE image with this machine type (0x8664 x64, 0x14c x86, 0xaa64 ARM64); with `imports`, a
 * PE32+ optional header, one section and an import directory naming those DLLs.
 */
export function pe(machine: number, imports: string[] = []): Buffer {
  if (imports.length === 0) {
    const b = Buffer.alloc(0x40 + 24 + 64);
    b.write("MZ", 0, "latin1");
    b.writeUInt32LE(0x40, 0x3c);
    b.write("PE\0\0", 0x40, "latin1");
    b.writeUInt16LE(machine, 0x44);
    return b;
  }
  const optionalSize = 112 + 16 * 8;
  const sectionAt = 0x40 + 24 + optionalSize;
  const raw = 0x400; // the section's file offset
  const rva = 0x1000; // and its address
  const descriptors = 20 * (imports.length + 1);
  const names = Buffer.concat(imports.map((n) => Buffer.from(`${n}\0`, "latin1")));
  const b = Buffer.alloc(raw + descriptors + names.length + 64);
  b.write("MZ", 0, "latin1");
  b.writeUInt32LE(0x40, 0x3c);
  b.write("PE\0\0", 0x40, "latin1");
  b.writeUInt16LE(machine, 0x44);
  b.writeUInt16LE(1, 0x46); // one section
  b.writeUInt16LE(optionalSize, 0x40 + 20);
  const optional = 0x40 + 24;
  b.writeUInt16LE(0x20b, optional); // PE32+
  b.writeUInt32LE(16, optional + 108); // NumberOfRvaAndSizes
  b.writeUInt32LE(rva, optional + 112 + 8); // the import directory
  b.writeUInt32LE(descriptors, optional + 112 + 12);
  b.write(".idata\0\0", sectionAt, "latin1");
  b.writeUInt32LE(0x1000, sectionAt + 8);
  b.writeUInt32LE(rva, sectionAt + 12);
  b.writeUInt32LE(0x1000, sectionAt + 16);
  b.writeUInt32LE(raw, sectionAt + 20);
  let name = rva + descriptors;
  imports.forEach((n, i) => {
    b.writeUInt32LE(name, raw + 20 * i + 12);
    name += n.length + 1;
  });
  names.copy(b, raw + descriptors);
  return b;
}

/** e_machine values. */
export const EM = { X86_64: 62, I386: 3, AARCH64: 183, ARM: 40, PPC64: 21, S390: 22, RISCV: 243 };
