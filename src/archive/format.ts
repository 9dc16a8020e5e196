// What an asset is, decided by its name and confirmed by its first bytes: a tar (plain or
// compressed), a zip, or a bare file (the executable or library itself, maybe compressed). A name
// that says one thing over bytes that say another is an error naming both, not a guess.
import { open } from "node:fs/promises";
import { fail } from "../errors.js";
import { binaryFormat } from "../inspect/magic.js";
import type { Compression } from "./decompress.js";

export type AssetFormat =
  | { container: "tar"; compression: Compression }
  | { container: "zip" }
  /** A bare file: the archive of one member, named like the asset without its compression suffix. */
  | { container: "file"; compression: Compression; member: string }
  /** A local folder (a path source): its contents are the layout. */
  | { container: "folder" };

const SUFFIXES: [RegExp, AssetFormat][] = [
  [/\.(tar\.gz|tgz)$/i, { container: "tar", compression: "gzip" }],
  [/\.(tar\.xz|txz)$/i, { container: "tar", compression: "xz" }],
  [/\.(tar\.bz2|tbz2|tbz)$/i, { container: "tar", compression: "bzip2" }],
  [/\.(tar\.zst|tzst)$/i, { container: "tar", compression: "zstd" }],
  [/\.tar$/i, { container: "tar", compression: "none" }],
  [/\.zip$/i, { container: "zip" }],
];
const BARE_COMPRESSION: [RegExp, Compression][] = [[/\.gz$/i, "gzip"], [/\.xz$/i, "xz"], [/\.zst$/i, "zstd"]];

/** The format an asset's name says. */
export function formatFromName(name: string): AssetFormat {
  for (const [suffix, format] of SUFFIXES) if (suffix.test(name)) return format;
  for (const [suffix, compression] of BARE_COMPRESSION) {
    if (suffix.test(name)) return { container: "file", compression, member: name.replace(suffix, "") };
  }
  return { container: "file", compression: "none", member: name };
}

/** How messages call a format: "a gzip-compressed tar", "a zip archive", "a bare file". */
export function describeFormat(format: AssetFormat): string {
  switch (format.container) {
    case "tar": return format.compression === "none" ? "a tar archive" : `${article(format.compression)} ${format.compression}-compressed tar archive`;
    case "zip": return "a zip archive";
    case "file": return format.compression === "none" ? "a bare file" : `${article(format.compression)} ${format.compression}-compressed file`;
    case "folder": return "a folder";
  }
}

/** "an xz", "a gzip": by how the name is said. */
const article = (word: string) => (/^(xz|[aeiou])/.test(word) ? "an" : "a");

/** What the first bytes of a file are, in words (for the mismatch message). */
function sniff(head: Buffer): { compression?: Compression; zip?: true; tar?: true; what: string } {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return { compression: "gzip", what: "gzip data" };
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return { compression: "xz", what: "xz data" };
  if (starts(0x42, 0x5a, 0x68)) return { compression: "bzip2", what: "bzip2 data" };
  // A zstd frame, or a skippable frame (magic 0x184D2A50 to 0x184D2A5F, RFC 8878 3.1.2), which pzstd writes first.
  if (starts(0x28, 0xb5, 0x2f, 0xfd) || (head.length >= 4 && (head.readUInt32LE(0) & ~0xf) === 0x184d2a50)) return { compression: "zstd", what: "zstd data" };
  if (starts(0x50, 0x4b) && [0x0403, 0x0605, 0x0807].includes(head.readUInt16LE(2))) return { zip: true, what: "a zip archive" };
  if (head.length >= 263 && head.toString("latin1", 257, 262) === "ustar") return { tar: true, what: "a tar archive" };
  const binary = binaryFormat(head);
  if (binary) return { what: `${binary === "ELF" ? "an" : "a"} ${binary} binary` };
  if (/^\s*<(!doctype|html|\?xml)/i.test(head.toString("latin1", 0, 64))) return { what: "an HTML or XML page (an error page saved as the asset?)" };
  return { what: "something else" };
}

/** Fails, naming both, when the file's first bytes do not agree with the format its name says. */
export async function checkMagic(file: string, name: string, format: AssetFormat): Promise<void> {
  if (format.container === "folder") return;
  const head = Buffer.alloc(512);
  const fh = await open(file, "r");
  let length: number;
  try {
    length = (await fh.read(head, 0, head.length, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  const seen = sniff(head.subarray(0, length));
  const agrees =
    format.container === "zip" ? seen.zip === true
    : format.compression !== "none" ? seen.compression === format.compression
    : format.container === "tar" ? seen.tar === true || (length >= 512 && plausibleTarHeader(head))
    : true; // a bare, uncompressed file may hold anything
  if (!agrees) {
    fail(
      `${name} is named like ${describeFormat(format)}, but its first bytes are ${seen.what}. ` +
        "Check the asset's name (its suffix decides how binwheel reads it) and that the download is the file you meant.",
    );
  }
}

/** An old (pre-POSIX) tar header has no magic: its checksum field still adds up. */
function plausibleTarHeader(h: Buffer): boolean {
  const stored = parseInt(h.toString("latin1", 148, 156).replace(/\0.*$/s, "").trim(), 8);
  let sum = 8 * 0x20;
  for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += h[i]!;
  return stored === sum;
}
