// Telling executables and shared libraries from other files by their first bytes.
import { openSync, readSync, closeSync } from "node:fs";

export type BinaryFormat = "ELF" | "Mach-O" | "PE";

/** The binary format of a file's first 64+ bytes, or undefined for anything else. */
export function binaryFormat(head: Buffer): BinaryFormat | undefined {
  if (head.length < 4) return undefined;
  const be = head.readUInt32BE(0);
  if (be === 0x7f454c46) return "ELF";
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(be)) return "Mach-O";
  // Fat Mach-O shares its magic with Java class files, which have a large version number here.
  if (be === 0xcafebabe && head.length >= 8 && head.readUInt32BE(4) > 0 && head.readUInt32BE(4) < 30) return "Mach-O";
  if (head.readUInt16LE(0) === 0x5a4d && head.length >= 0x40) {
    const pe = head.readUInt32LE(0x3c);
    if (pe + 4 <= head.length && head.readUInt32LE(pe) === 0x00004550) return "PE";
  }
  return undefined;
}

/** binaryFormat of a file on disk (reads its first 4 KiB). */
export function fileBinaryFormat(file: string): BinaryFormat | undefined {
  const head = Buffer.alloc(4096);
  const fd = openSync(file, "r");
  try {
    return binaryFormat(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } finally {
    closeSync(fd);
  }
}
