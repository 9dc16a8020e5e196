// One entry point: what kind of binary a file is, and what it needs.
import { open } from "node:fs/promises";
import path from "node:path";
import { fail } from "../errors.js";
import { readElf, type ElfInfo } from "./elf.js";
import { readMachO, type MachOInfo } from "./macho.js";
import { binaryFormat } from "./magic.js";
import { readPe, type PeInfo } from "./pe.js";
import { BoundedReader, MalformedBinary, bufferSource, type ReadSource } from "./reader.js";

export type BinaryInfo = ElfInfo | MachOInfo | PeInfo;

/**
 * Reads the headers of `file`; undefined when it is not an executable or library. `name` is how
 * the file is named in errors (its path in the archive).
 */
export async function inspectBinary(file: string, name = path.basename(file)): Promise<BinaryInfo | undefined> {
  const fh = await open(file, "r");
  try {
    return await inspectReadable(fh, (await fh.stat()).size, name);
  } finally {
    await fh.close();
  }
}

/** The same for a file whose content is in memory. */
export function inspectBuffer(content: Buffer, name: string): Promise<BinaryInfo | undefined> {
  return inspectReadable(bufferSource(content), content.length, name);
}

/** The same for a file of `size` bytes read through `source`. */
export async function inspectReadable(source: ReadSource, size: number, name: string): Promise<BinaryInfo | undefined> {
  const head = Buffer.alloc(Math.min(size, 4096));
  await source.read(head, 0, head.length, 0);
  const format = binaryFormat(head);
  if (!format) return undefined;
  const reader = new BoundedReader(source, size);
  try {
    if (format === "ELF") return await readElf(reader);
    if (format === "Mach-O") return await readMachO(reader);
    return await readPe(reader);
  } catch (e) {
    if (e instanceof MalformedBinary || e instanceof RangeError) {
      fail(`${name} looks like ${format === "ELF" ? "an" : "a"} ${format} file, but its headers are malformed (${e.message}). The upstream asset may be damaged; no wheel was written.`);
    }
    throw e;
  }
}

/** The libraries a binary loads, by file name ("libtoondb_storage.so", "toondb_storage.dll"), and where it looks (its run paths). */
export function loadedLibraries(info: BinaryInfo): { names: string[]; rpaths: string[] } {
  const base = (name: string) => name.slice(name.lastIndexOf("/") + 1);
  if (info.format === "ELF") return { names: info.needed.map(base), rpaths: [...info.rpath, ...info.runpath] };
  if (info.format === "PE") return { names: info.imports.map(base), rpaths: [] };
  return { names: [...new Set(info.slices.flatMap((s) => s.dylibs.map(base)))], rpaths: [...new Set(info.slices.flatMap((s) => s.rpaths))] };
}
