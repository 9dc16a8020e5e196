// Streaming read of .zip files: upstream .zip assets (Windows releases) through readZip, and
// wheels through ZipArchive (binwheel check). The central directory is read once; local headers
// and member data come through one 1 MiB window read ahead through the file, so a zip of many
// small files costs a read per MiB, not several per member. Deflated data goes through zlib's raw
// inflate in codec.wasm (one instance per archive, ~1 µs per small member where a zlib.inflateRawSync
// call costs ~10 µs), whose output comes in views of a 256 KiB buffer: memory stays bounded
// whatever a member declares, and a member stops the moment it inflates past its declared size.
// Every member's size and CRC-32 are checked against the central directory, and every way a member
// can fail to read (zlib errors, size or CRC mismatches, truncation, bad local headers) is a
// BinwheelError naming the archive and the member.
import { open, type FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { printable } from "../fs/artifact-path.js";
import { cString, inflater, releaseInflater, type Inflater } from "../codec/codec.js";
import { BinwheelError } from "../errors.js";
import { cleanEntryPath, type EntryHandler, type EntryType } from "./entries.js";

/** One central directory record, ZIP64 values resolved. */
export interface ZipEntry {
  /** The name exactly as stored (UTF-8), not cleaned. */
  name: string;
  /** The record's bytes (fixed part, name, extra field), a view of the central directory. */
  record: Buffer;
  madeByUnix: boolean;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  externalAttr: number;
  commentLength: number;
}

/** A local header, ZIP64 sizes resolved; its buffers are views valid until the next read. */
export interface LocalHeader {
  /** The 30-byte fixed part. */
  fixed: Buffer;
  name: Buffer;
  extra: Buffer;
  compressedSize: number;
  size: number;
  dataStart: number;
}

/** Where the end records sit, for checks that want the exact layout (binwheel check). */
export interface ZipLayout {
  fileSize: number;
  cdOffset: number;
  cdSize: number;
  /** The classic end record and its comment length. */
  eocdAt: number;
  commentLength: number;
  /** The ZIP64 end record (its size field counts from byte 12) and its locator, when present. */
  zip64?: { recordAt: number; recordSize: number; locatorAt: number };
  /** What the classic end record says (0xFFFF... where ZIP64 holds the value). */
  classic: { count: number; cdSize: number; cdOffset: number };
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
/** The read-ahead window that local headers and member data are read through. */
const WINDOW = 1 << 20;

/**
 * A zip file open for reading. `error` turns a reason into the error to throw; it names the
 * archive (reasons about a member name it: "\"bin/x\" is damaged: ...").
 */
export class ZipArchive {
  private window = Buffer.allocUnsafe(WINDOW);
  private inflater: Inflater | undefined;
  private windowAt = 0;
  private windowLength = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly error: (why: string) => BinwheelError,
    readonly entries: ZipEntry[],
    readonly layout: ZipLayout,
  ) {}

  static async open(file: string, error: (why: string) => BinwheelError): Promise<ZipArchive> {
    const fh = await open(file, "r");
    try {
      const { entries, layout } = await readCentralDirectory(fh, (why) => { throw error(why); });
      return new ZipArchive(fh, error, entries, layout);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  close(): Promise<void> {
    if (this.inflater) releaseInflater(this.inflater);
    this.inflater = undefined;
    return this.fh.close();
  }

  /** `length` bytes at `at`, fewer at the end of the file; a view valid until the next read. */
  private async read(at: number, length: number): Promise<Buffer> {
    if (at < this.windowAt || at + length > this.windowAt + this.windowLength) {
      if (length > this.window.length) this.window = Buffer.allocUnsafe(length);
      const { bytesRead } = await this.fh.read(this.window, 0, this.window.length, at);
      this.windowAt = at;
      this.windowLength = bytesRead;
    }
    const from = at - this.windowAt;
    return this.window.subarray(from, Math.min(from + length, this.windowLength));
  }

  private damaged(entry: ZipEntry, why: string): BinwheelError {
    return this.error(`"${printable(entry.name)}" ${why}`);
  }

  /** The member's local header; its data must lie inside the file. */
  async localHeader(entry: ZipEntry): Promise<LocalHeader> {
    const head = await this.read(entry.localOffset, 30);
    if (head.length < 30 || head.readUInt32LE(0) !== LOCAL) throw this.damaged(entry, `has no local header at offset ${entry.localOffset}`);
    const nameLength = head.readUInt16LE(26);
    const extraLength = head.readUInt16LE(28);
    // Read again as a whole, so that all views are of the same window.
    const whole = await this.read(entry.localOffset, 30 + nameLength + extraLength);
    if (whole.length < 30 + nameLength + extraLength) throw this.damaged(entry, "is truncated: its local header runs past the end of the file");
    const fixed = whole.subarray(0, 30);
    const extra = whole.subarray(30 + nameLength);
    // APPNOTE 4.5.3: in a local header the ZIP64 extra holds both sizes when either is 0xFFFFFFFF.
    const both = fixed.readUInt32LE(22) === MAX32 || fixed.readUInt32LE(18) === MAX32;
    const [size, compressedSize] = zip64Values(extra, [fixed.readUInt32LE(22), fixed.readUInt32LE(18)], both);
    const dataStart = entry.localOffset + 30 + nameLength + extraLength;
    if (dataStart + entry.compressedSize > this.layout.fileSize) throw this.damaged(entry, "is truncated: its data runs past the end of the file");
    return { fixed, name: whole.subarray(30, 30 + nameLength), extra, compressedSize: compressedSize!, size: size!, dataStart };
  }

  /**
   * The member's content, checked against the central directory's size and CRC-32. Chunks are
   * views valid until the next one is requested. `onInflated` sees every byte count, may throw.
   */
  async *content(entry: ZipEntry, local: LocalHeader, onInflated: (bytes: number) => void = () => {}): AsyncGenerator<Buffer> {
    if (entry.flags & 1) throw this.damaged(entry, "is encrypted");
    if (entry.method !== 0 && entry.method !== 8) throw this.damaged(entry, `uses compression method ${entry.method}; only stored and deflate are supported`);
    if (entry.method === 0 && entry.compressedSize !== entry.size) throw this.damaged(entry, `is damaged: it is stored, but its sizes differ (${entry.compressedSize} and ${entry.size})`);
    let crc = 0;
    let size = 0;
    const pieces = entry.method === 0 ? this.stored(entry, local.dataStart) : this.inflated(entry, local.dataStart);
    for await (const piece of pieces) {
      size += piece.length;
      // Stop at once when a member inflates past its declared size (a lying central directory).
      if (size > entry.size) throw this.damaged(entry, `is damaged: it inflates past the ${entry.size} bytes it declares`);
      crc = crc32(piece, crc);
      onInflated(piece.length);
      yield piece;
    }
    if (size !== entry.size) throw this.damaged(entry, `is damaged: it holds ${size} bytes, not the ${entry.size} its central directory declares`);
    if (crc >>> 0 !== entry.crc >>> 0) throw this.damaged(entry, "is damaged: its CRC-32 differs from the central directory's");
  }

  /** The compressed bytes of a member, in window-sized pieces. */
  private async *stored(entry: ZipEntry, start: number): AsyncGenerator<Buffer> {
    for (let at = start; at < start + entry.compressedSize; ) {
      const piece = await this.read(at, Math.min(WINDOW, start + entry.compressedSize - at));
      if (piece.length === 0) throw this.damaged(entry, "is truncated: its data runs past the end of the file");
      at += piece.length;
      yield piece;
    }
  }

  /** A deflated member through the inflater, in views of its output buffer. */
  private async *inflated(entry: ZipEntry, start: number): AsyncGenerator<Buffer> {
    if (entry.compressedSize === 0 && entry.size === 0) return; // some writers store nothing for an empty file
    this.inflater ??= inflater();
    const { engine, input, outputAt } = this.inflater;
    engine.bw_gz_reset();
    const end = start + entry.compressedSize;
    // input[from, to) holds compressed bytes not yet consumed.
    let [at, from, to] = [start, 0, 0];
    for (let status = 0; status !== 1; ) {
      if (from === to && at < end) {
        const piece = await this.read(at, Math.min(input.length, end - at));
        if (piece.length === 0) throw this.damaged(entry, "is truncated: its data runs past the end of the file");
        input.set(piece);
        [at, from, to] = [at + piece.length, 0, piece.length];
      }
      // With all input taken, a call may still finish what a full output buffer held back.
      status = engine.bw_gz_inflate(from, to - from);
      if (status < 0) throw this.damaged(entry, `is damaged: ${cString(engine.memory.buffer, engine.bw_gz_message())}`);
      from = engine.bw_gz_input_at();
      const produced = engine.bw_gz_produced();
      if (produced > 0) yield Buffer.from(engine.memory.buffer, outputAt, produced);
      else if (status !== 1 && from === to && at === end) throw this.damaged(entry, "is damaged: its deflate data ends early");
    }
  }
}

/** `onInflated` sees the decompressed byte count of every member read, and may throw to stop. */
export async function readZip(file: string, archive: string, onEntry: EntryHandler, onInflated: (bytes: number) => void = () => {}): Promise<void> {
  const error = (why: string) => new BinwheelError(`${archive} is not a readable .zip archive (${why}). Check the asset name and archive type; a damaged asset has to be fetched again or fixed upstream.`);
  const zip = await ZipArchive.open(file, error);
  try {
    for (const entry of zip.entries) {
      if (entry.flags & 1) throw error(`"${printable(entry.name)}" is encrypted`);
      const local = await zip.localHeader(entry);
      const unixType = entry.madeByUnix ? (entry.externalAttr >>> 16) & S_IFMT : 0;
      const type: EntryType = entry.name.endsWith("/") || unixType === S_IFDIR ? "directory"
        : unixType === S_IFLNK ? "symlink"
        : unixType === 0 || unixType === 0o100000 ? "file" : "other";
      const content = () => zip.content(entry, local, onInflated);
      let linkTarget: string | undefined;
      if (type === "symlink") {
        if (entry.size > 4096) throw error(`the symlink "${printable(entry.name)}" is too long`);
        const chunks: Buffer[] = [];
        for await (const chunk of content()) chunks.push(Buffer.from(chunk));
        linkTarget = Buffer.concat(chunks).toString("utf8");
      }
      await onEntry({
        path: cleanEntryPath(entry.name, archive),
        storedPath: entry.name,
        type,
        mode: entry.madeByUnix ? (entry.externalAttr >>> 16) & 0o777 : 0o644,
        size: entry.size,
        ...(linkTarget !== undefined && { linkTarget }),
        open: content,
      });
    }
  } finally {
    await zip.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

async function readCentralDirectory(fh: FileHandle, bad: (why: string) => never): Promise<{ entries: ZipEntry[]; layout: ZipLayout }> {
  const fileSize = (await fh.stat()).size;
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tail = await readAt(fh, fileSize - tailLength, tailLength);
  // The record whose comment ends the file; else, as Python's zipfile does, the last one whose
  // comment fits (trailing data, which binwheel check reports).
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0 && eocd < 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) eocd = i;
  }
  for (let i = tail.length - 22; i >= 0 && eocd < 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) eocd = i;
  }
  if (eocd < 0) bad("no end of central directory record");
  const layout: ZipLayout = {
    fileSize,
    eocdAt: fileSize - tailLength + eocd,
    commentLength: tail.readUInt16LE(eocd + 20),
    cdSize: tail.readUInt32LE(eocd + 12),
    cdOffset: tail.readUInt32LE(eocd + 16),
    classic: { count: tail.readUInt16LE(eocd + 10), cdSize: tail.readUInt32LE(eocd + 12), cdOffset: tail.readUInt32LE(eocd + 16) },
  };
  let count = layout.classic.count;
  // ZIP64: a locator just before the classic record points at the real one (read whenever it is
  // there, as Python's zipfile does, not only when the classic record holds 0xFFFF...).
  const locatorAt = layout.eocdAt - 20;
  const locator = locatorAt >= 0 ? await readAt(fh, locatorAt, 20) : Buffer.alloc(0);
  if (locator.length === 20 && locator.readUInt32LE(0) === EOCD64_LOCATOR) {
    const recordAt = Number(locator.readBigUInt64LE(8));
    const record = recordAt + 56 <= locatorAt ? await readAt(fh, recordAt, 56) : Buffer.alloc(0);
    if (record.length < 56 || record.readUInt32LE(0) !== EOCD64) bad("a broken ZIP64 end record");
    layout.zip64 = { recordAt, recordSize: Number(record.readBigUInt64LE(4)), locatorAt };
    count = Number(record.readBigUInt64LE(32));
    layout.cdSize = Number(record.readBigUInt64LE(40));
    layout.cdOffset = Number(record.readBigUInt64LE(48));
  } else if (count === 0xffff || layout.cdSize === MAX32 || layout.cdOffset === MAX32) {
    bad("a ZIP64 archive without its locator");
  }
  if (layout.cdOffset + layout.cdSize > fileSize) bad("the central directory lies outside the file");
  // Each record takes at least 46 bytes: a count the directory cannot hold is a lie.
  if (count * 46 > layout.cdSize) bad("a broken central directory");
  const cd = await readAt(fh, layout.cdOffset, layout.cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) bad("a broken central directory");
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    if (p + 46 + nameLength + extraLength + commentLength > cd.length) bad("a broken central directory");
    const extra = cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    const [size, compressedSize, localOffset] = zip64Values(extra, [cd.readUInt32LE(p + 24), cd.readUInt32LE(p + 20), cd.readUInt32LE(p + 42)], false);
    entries.push({
      name: cd.toString("utf8", p + 46, p + 46 + nameLength),
      record: cd.subarray(p, p + 46 + nameLength + extraLength),
      madeByUnix: cd.readUInt8(p + 5) === 3,
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      compressedSize: compressedSize!,
      size: size!,
      externalAttr: cd.readUInt32LE(p + 38),
      localOffset: localOffset!,
      commentLength,
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { entries, layout };
}

/** The data of the first extra field with this id, or undefined. */
export function extraField(extra: Buffer, id: number): Buffer | undefined {
  for (let p = 0; p + 4 <= extra.length; p += 4 + extra.readUInt16LE(p + 2)) {
    if (extra.readUInt16LE(p) === id) return extra.subarray(p + 4, Math.min(p + 4 + extra.readUInt16LE(p + 2), extra.length));
  }
  return undefined;
}

/**
 * `values` (uncompressed size, compressed size[, local header offset]) with each one stored as
 * 0xFFFFFFFF replaced by the next 64-bit value of the ZIP64 extra (0x0001), in APPNOTE 4.5.3's
 * order; `bothSizes` reads both sizes from it (a local header). A missing value stays 0xFFFFFFFF.
 */
function zip64Values(extra: Buffer, values: number[], bothSizes: boolean): number[] {
  const data = extraField(extra, 0x0001);
  if (!data) return values;
  let q = 0;
  return values.map((v, i) => {
    if (!(v === MAX32 || (bothSizes && i < 2)) || q + 8 > data.length) return v;
    q += 8;
    return Number(data.readBigUInt64LE(q - 8));
  });
}
