// PE (Windows executables and DLLs): the machine type (research/platforms.md §4.3), and the DLLs
// it imports (the import directory), which Windows looks for beside the executable first.
import { BoundedReader, MalformedBinary } from "./reader.js";

export interface PeInfo {
  format: "PE";
  /** The wheel platform tag the machine type means (win32, win_amd64, win_arm64), or a description. */
  platform: string;
  machine: number;
  /** The DLLs of its import directory ("toondb_storage.dll", "KERNEL32.dll"). */
  imports: string[];
}

const MACHINES: Record<number, string> = { 0x014c: "win32", 0x8664: "win_amd64", 0xaa64: "win_arm64" };
const DESCRIPTIONS: Record<number, string> = { 0xa641: "ARM64EC", 0xa64e: "ARM64X", 0x01c4: "ARM (32-bit)" };
const IMPORT_DIRECTORY = 1;

export async function readPe(r: BoundedReader): Promise<PeInfo> {
  const dos = await r.read(0, 64, "the DOS header");
  const peOffset = dos.readUInt32LE(0x3c);
  const pe = await r.read(peOffset, 24, "the PE header");
  if (pe.readUInt32LE(0) !== 0x00004550) throw new MalformedBinary("no PE signature where the DOS header points");
  const machine = pe.readUInt16LE(4);
  const platform = MACHINES[machine] ?? `${DESCRIPTIONS[machine] ?? "machine"} 0x${machine.toString(16)}`;
  return { format: "PE", platform, machine, imports: await readImports(r, peOffset, pe) };
}

/** The import directory's DLL names; empty when the file has none. */
async function readImports(r: BoundedReader, peOffset: number, pe: Buffer): Promise<string[]> {
  const sectionCount = pe.readUInt16LE(6);
  const optionalSize = pe.readUInt16LE(20);
  if (optionalSize < 2) return [];
  const optional = await r.read(peOffset + 24, optionalSize, "the optional header", 4096);
  const pe32plus = optional.readUInt16LE(0) === 0x20b;
  const directoriesAt = pe32plus ? 112 : 96;
  const count = optional.length >= directoriesAt ? optional.readUInt32LE(directoriesAt - 4) : 0;
  if (count <= IMPORT_DIRECTORY || directoriesAt + 8 * (IMPORT_DIRECTORY + 1) > optional.length) return [];
  const importRva = optional.readUInt32LE(directoriesAt + 8 * IMPORT_DIRECTORY);
  if (importRva === 0) return [];
  if (sectionCount > 96) throw new MalformedBinary("implausibly many sections");
  const sections = await r.read(peOffset + 24 + optionalSize, sectionCount * 40, "the section table");
  /** The file offset of a relative virtual address, through the section that holds it. */
  const offsetOf = (rva: number, what: string) => {
    for (let i = 0; i < sectionCount; i++) {
      const o = i * 40;
      const virtualAddress = sections.readUInt32LE(o + 12);
      const size = Math.max(sections.readUInt32LE(o + 8), sections.readUInt32LE(o + 16));
      if (rva >= virtualAddress && rva < virtualAddress + size) return sections.readUInt32LE(o + 20) + (rva - virtualAddress);
    }
    throw new MalformedBinary(`${what} is in no section`);
  };
  const imports: string[] = [];
  for (let at = offsetOf(importRva, "the import directory"); imports.length < 4096; at += 20) {
    const descriptor = await r.read(at, 20, "an import descriptor");
    const nameRva = descriptor.readUInt32LE(12);
    if (nameRva === 0) break;
    imports.push(await r.cString(offsetOf(nameRva, "an imported DLL's name"), "an imported DLL's name", 512));
  }
  return imports;
}
