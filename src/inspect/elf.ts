// ELF: what decides a Linux wheel's tag (research/platforms.md §4.1). Everything is read through
// the program headers (PT_INTERP, PT_DYNAMIC, PT_LOAD), so stripped binaries without section
// headers work too.
import { BoundedReader, MalformedBinary, endian } from "./reader.js";

export interface ElfInfo {
  format: "ELF";
  /** Wheel-tag architecture: x86_64, i686, aarch64, armv7l, ppc64le, ppc64, s390x, riscv64, or a description. */
  arch: string;
  bits: 32 | 64;
  littleEndian: boolean;
  machine: number;
  /** The dynamic loader (PT_INTERP), if any. */
  interpreter?: string;
  needed: string[];
  /** DT_RPATH entries, as written ("$ORIGIN/../lib"); the loader ignores them when there is a DT_RUNPATH. */
  rpath: string[];
  /** DT_RUNPATH entries, as written. */
  runpath: string[];
  /** DT_VERNEED: the symbol versions each library must define ("libstdc++.so.6": GLIBCXX_3.4.19, CXXABI_1.3), as written. */
  versionNeeds: { file: string; versions: string[] }[];
  libc: "glibc" | "musl" | "static";
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;
const EF_ARM_EABI_MASK = 0xff000000;
const EF_ARM_EABI_VER5 = 0x05000000;
const EF_ARM_ABI_FLOAT_HARD = 0x400;

/** (e_machine, class, byte order) -> wheel-tag architecture, as auditwheel names them. */
const ARCHES: Record<string, string> = {
  "62/64/le": "x86_64", "3/32/le": "i686", "183/64/le": "aarch64", "21/64/le": "ppc64le",
  "21/64/be": "ppc64", "22/64/be": "s390x", "243/64/le": "riscv64", "258/64/le": "loongarch64",
};

function archOf(machine: number, bits: number, little: boolean, flags: number): string {
  const key = `${machine}/${bits}/${little ? "le" : "be"}`;
  if (key === "40/32/le") {
    const hardFloat = (flags & EF_ARM_EABI_MASK) >>> 0 === EF_ARM_EABI_VER5 && (flags & EF_ARM_ABI_FLOAT_HARD) !== 0;
    return hardFloat ? "armv7l" : "arm (soft-float or pre-EABI5)";
  }
  return ARCHES[key] ?? `ELF machine ${machine} (${bits}-bit ${little ? "little" : "big"}-endian)`;
}

export async function readElf(r: BoundedReader): Promise<ElfInfo> {
  const ident = await r.read(0, 16, "the ELF identification");
  const bits = ident[4] === 1 ? 32 : ident[4] === 2 ? 64 : 0;
  const little = ident[5] === 1;
  if (!bits || (ident[5] !== 1 && ident[5] !== 2)) throw new MalformedBinary("the ELF class or byte order is invalid");
  const is64 = bits === 64;
  const h = endian(await r.read(0, is64 ? 64 : 52, "the ELF header"), little);
  const machine = h.u16(18);
  const flags = h.u32(is64 ? 48 : 36);
  const phoff = is64 ? h.u64(32) : h.u32(28);
  const phentsize = h.u16(is64 ? 54 : 42);
  const phnum = h.u16(is64 ? 56 : 44);
  if (phnum > 0 && phentsize < (is64 ? 56 : 32)) throw new MalformedBinary("the program header size is too small");
  const table = await r.read(phoff, phnum * phentsize, "the program header table", 1 << 20);
  const p = endian(table, little);
  const segments = Array.from({ length: phnum }, (_, i) => {
    const o = i * phentsize;
    return is64
      ? { type: p.u32(o), offset: p.u64(o + 8), vaddr: p.u64(o + 16), filesz: p.u64(o + 32) }
      : { type: p.u32(o), offset: p.u32(o + 4), vaddr: p.u32(o + 8), filesz: p.u32(o + 16) };
  });
  const interpSegment = segments.find((s) => s.type === PT_INTERP);
  const interpreter = interpSegment
    ? (await r.read(interpSegment.offset, interpSegment.filesz, "the PT_INTERP segment", 4096)).toString("latin1").replace(/\0.*$/s, "")
    : undefined;

  // Addresses in the dynamic section are virtual; PT_LOAD segments map them back to the file.
  const fileOffset = (vaddr: number, what: string) => {
    const load = segments.find((s) => s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz);
    if (!load) throw new MalformedBinary(`${what} is not in any loaded segment`);
    return load.offset + (vaddr - load.vaddr);
  };
  const needed: string[] = [];
  const rpath: string[] = [];
  const runpath: string[] = [];
  const versionNeeds: ElfInfo["versionNeeds"] = [];
  const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
  if (dynamic) {
    const entrySize = is64 ? 16 : 8;
    const d = endian(await r.read(dynamic.offset, dynamic.filesz - (dynamic.filesz % entrySize), "the dynamic section", 1 << 20), little);
    const tags: [number, number][] = [];
    for (let o = 0; o + entrySize <= dynamic.filesz; o += entrySize) {
      const tag = is64 ? d.u64(o) : d.u32(o);
      if (tag === DT_NULL) break;
      tags.push([tag, is64 ? d.u64(o + 8) : d.u32(o + 4)]);
    }
    const value = (tag: number) => tags.find(([t]) => t === tag)?.[1];
    const strtabAddress = value(DT_STRTAB);
    if (strtabAddress !== undefined) {
      const strtab = fileOffset(strtabAddress, "the dynamic string table");
      const strsz = value(DT_STRSZ) ?? r.size - strtab;
      const string = (at: number, what: string) => {
        if (at >= strsz) throw new MalformedBinary(`${what} points past the string table`);
        return r.cString(strtab + at, what);
      };
      for (const [tag, v] of tags) {
        if (tag === DT_NEEDED) needed.push(await string(v, "a DT_NEEDED name"));
        if (tag === DT_RPATH || tag === DT_RUNPATH) (tag === DT_RPATH ? rpath : runpath).push(...(await string(v, "a run path")).split(":").filter(Boolean));
      }
      const verneedAddress = value(DT_VERNEED);
      const count = value(DT_VERNEEDNUM) ?? 0;
      if (verneedAddress !== undefined) {
        if (count > 4096) throw new MalformedBinary("implausibly many version needs");
        let total = 0;
        let at = fileOffset(verneedAddress, "the version needs");
        for (let i = 0; i < count; i++) {
          const vn = endian(await r.read(at, 16, "a version need"), little);
          const file = await string(vn.u32(4), "a version need's file");
          const auxCount = vn.u16(2);
          total += auxCount;
          if (total > 16384) throw new MalformedBinary("implausibly many versions in the version needs");
          const versions: string[] = [];
          let aux = at + vn.u32(8);
          for (let k = 0; k < auxCount; k++) {
            const a = endian(await r.read(aux, 16, "a version need entry"), little);
            versions.push(await string(a.u32(8), "a version name"));
            const next = a.u32(12);
            if (next === 0) break;
            aux += next;
          }
          versionNeeds.push({ file, versions });
          const next = vn.u32(12);
          if (next === 0) break;
          at += next;
        }
      }
    }
  }
  const musl = /ld-musl/.test(interpreter ?? "") || needed.some((n) => /^libc\.musl|^ld-musl|^libc\.so$/.test(n));
  const libc = musl ? "musl" : interpreter || needed.length > 0 ? "glibc" : "static";
  return {
    format: "ELF",
    arch: archOf(machine, bits, little, flags),
    bits,
    littleEndian: little,
    machine,
    ...(interpreter !== undefined && { interpreter }),
    needed,
    rpath,
    runpath,
    versionNeeds,
    libc,
  };
}
