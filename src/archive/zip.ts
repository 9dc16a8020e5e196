// Streaming read of .zip assets (Windows releases). Written here because jszip loads the whole
// archive into memory; this reads the central directory, then inflates one member at a time
// straight from the file, checking each member's size and CRC-32.
import { createReadStream } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { Readable, Transform, pipeline } from "node:stream";
import { createInflateRaw, crc32 } from "node:zlib";
import { fail } from "../errors.js";
import { cleanEntryPath, type EntryHandler, type EntryType } from "./entries.js";

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  madeByUnix: boolean;
  externalAttr: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

/** `onInflated` sees the decompressed byte count of every member read, and may throw to stop. */
export async function readZip(file: string, archive: string, onEntry: EntryHandler, onInflated: (bytes: number) => void = () => {}): Promise<void> {
  const bad = (why: string): never => fail(`${archive} is not a readable .zip archive (${why}). Check the asset name and archive type.`);
  const fh = await open(file, "r");
  try {
    const entries = await readCentralDirectory(fh, bad);
    for (const entry of entries) {
      if (entry.flags & 1) bad(`"${entry.name}" is encrypted`);
      const local = await readAt(fh, entry.localOffset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) bad(`no local header for "${entry.name}"`);
      const dataStart = entry.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      const unixType = entry.madeByUnix ? (entry.externalAttr >>> 16) & S_IFMT : 0;
      const type: EntryType = entry.name.endsWith("/") || unixType === S_IFDIR ? "directory"
        : unixType === S_IFLNK ? "symlink"
        : unixType === 0 || unixType === 0o100000 ? "file" : "other";
      const content = () => memberStream(file, entry, dataStart, bad, onInflated);
      let linkTarget: string | undefined;
      if (type === "symlink") {
        if (entry.size > 4096) bad(`the symlink "${entry.name}" is too long`);
        const chunks: Buffer[] = [];
        for await (const chunk of content()) chunks.push(chunk as Buffer);
        linkTarget = Buffer.concat(chunks).toString("utf8");
      }
      await onEntry({
        path: cleanEntryPath(entry.name, archive),
        type,
        mode: entry.madeByUnix ? (entry.externalAttr >>> 16) & 0o777 : 0o644,
        size: entry.size,
        ...(linkTarget !== undefined && { linkTarget }),
        open: () => content(),
      });
    }
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

async function readCentralDirectory(fh: FileHandle, bad: (why: string) => never): Promise<CentralEntry[]> {
  const fileSize = (await fh.stat()).size;
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tail = await readAt(fh, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) { eocd = i; break; }
  }
  if (eocd < 0) bad("no end of central directory record");
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // ZIP64: the locator sits just before the classic record and points at the real one.
    const locatorAt = fileSize - tailLength + eocd - 20;
    const locator = await readAt(fh, locatorAt, 20);
    if (locator.length < 20 || locator.readUInt32LE(0) !== EOCD64_LOCATOR) bad("a ZIP64 archive without its locator");
    const record = await readAt(fh, Number(locator.readBigUInt64LE(8)), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== EOCD64) bad("a broken ZIP64 end record");
    count = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > fileSize) bad("the central directory lies outside the file");
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: CentralEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) bad("a broken central directory");
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    if (p + 46 + nameLength + extraLength > cd.length) bad("a broken central directory");
    const entry: CentralEntry = {
      name: cd.toString("utf8", p + 46, p + 46 + nameLength),
      madeByUnix: cd.readUInt8(p + 5) === 3,
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      externalAttr: cd.readUInt32LE(p + 38),
      localOffset: cd.readUInt32LE(p + 42),
    };
    readZip64Extra(entry, cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength));
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Fills in the 64-bit values of fields stored as 0xFFFFFFFF, in the order APPNOTE 4.5.3 gives. */
function readZip64Extra(entry: CentralEntry, extra: Buffer): void {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const next = () => { const v = Number(extra.readBigUInt64LE(q)); q += 8; return v; };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localOffset === 0xffffffff) entry.localOffset = next();
    }
    p += 4 + length;
  }
}

function memberStream(file: string, entry: CentralEntry, start: number, bad: (why: string) => never, onInflated: (bytes: number) => void): AsyncIterable<Buffer> {
  if (entry.method !== 0 && entry.method !== 8) bad(`"${entry.name}" uses compression method ${entry.method}; only stored and deflate are supported`);
  const raw = entry.compressedSize === 0
    ? Readable.from([])
    : createReadStream(file, { start, end: start + entry.compressedSize - 1 });
  let crc = 0;
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      // Stop at once when a member inflates past its declared size (a lying central directory).
      if (size > entry.size) return done(new Error(`"${entry.name}" inflates past the ${entry.size} bytes it declares`));
      try {
        onInflated(chunk.length);
      } catch (e) {
        return done(e as Error);
      }
      done(null, chunk);
    },
    flush(done) {
      const ok = size === entry.size && crc >>> 0 === entry.crc >>> 0;
      done(ok ? null : new Error(`"${entry.name}" is damaged: its size or CRC-32 differs from the central directory`));
    },
  });
  // pipeline() destroys the last stream with the first error, so the reader sees it.
  const noop = () => {};
  return entry.method === 8 ? pipeline(raw, createInflateRaw(), check, noop) : pipeline(raw, check, noop);
}
