// A wheel member compressed ahead of writing: its deflate stream plus what RECORD and the zip
// headers need (size, CRC-32, sha256). Large members are deflated (in parallel, see deflate.ts)
// into a file while they stream out of the archive, so the zip can then be written in sorted
// order without holding any binary in memory and with sizes known up front (no data descriptors).
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { Readable, Transform, pipeline } from "node:stream";
import { createInflateRaw, crc32 } from "node:zlib";
import { BinwheelError } from "../errors.js";
import { NotRegularFile, openRegularHandle } from "../fs/regular-file.js";
import { writeThroughTemporary } from "../fs/tempfiles.js";
import { blockReader, deflateStream, type Deflated } from "../codec/deflate.js";
import { deflateSync } from "../codec/libdeflate.js";
import type { ReadSource } from "../inspect/reader.js";
import { writeFully, writeFullySync } from "../fs/write-fully.js";
import { spent } from "../profile.js";

export interface Member {
  size: number;
  crc32: number;
  /** urlsafe base64 sha256 without padding, as RECORD wants it. */
  sha256: string;
  compressedSize: number;
  /**
   * sha256 (hex) of the deflate stream, for members kept in the member cache: checked while the
   * stream is copied or extracted, so a damaged cache file never reaches a wheel.
   */
  deflatedSha256?: string;
  /**
   * The deflate stream itself, or the file (and offset) holding it; `fresh` when this build
   * wrote that file just now (its bytes are not checked again when copied).
   */
  data: Buffer | { file: string; offset: number; fresh?: boolean };
}

/**
 * A cache file that failed its check. The build deletes it (remove), says so in one line and
 * builds again, which recreates the entry from the asset (downloaded again if the asset is bad).
 */
export class DamagedCacheFile extends BinwheelError {
  constructor(
    readonly file: string,
    what: string,
  ) {
    super(`${what} in the download cache is damaged (${file}); delete it or run "binwheel cache clean"`);
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }
}

/** A member deflated from a stream, with random access to its content (to read a binary's headers). */
export interface StreamedMember {
  member: Member;
  content: ReadSource;
}

/** Where members' deflate streams go: a spool file, or the member cache. */
export interface MemberSink {
  /** Deflates a stream (in parallel blocks). */
  add(source: AsyncIterable<Buffer>): Promise<StreamedMember>;
  /**
   * Stores a file smaller than one deflate block, compressed on this thread: the same bytes `add`
   * would give (a single final block), without the workers' round trips.
   */
  addSmall(content: Buffer): Promise<Member>;
}

export function memberOf(deflated: Deflated, data: Member["data"]): Member {
  return {
    size: deflated.size,
    crc32: deflated.crc32,
    sha256: Buffer.from(deflated.sha256, "hex").toString("base64url"),
    compressedSize: deflated.compressedSize,
    data,
  };
}

/** Compresses a small in-memory file (metadata, Python sources). */
export function memberFromBuffer(content: Buffer): Member {
  const compressed = deflateSync(content);
  return {
    size: content.length,
    crc32: crc32(content),
    sha256: createHash("sha256").update(content).digest("base64url"),
    compressedSize: compressed.length,
    data: compressed,
  };
}

/** An append-only file of deflate streams in the build's scratch folder. */
export class Spool implements MemberSink {
  private position = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly file: string,
  ) {}

  static async create(file: string): Promise<Spool> {
    return new Spool(await open(file, "w+"), file);
  }

  async add(source: AsyncIterable<Buffer>): Promise<StreamedMember> {
    const offset = this.position;
    const deflated = await deflateStream(source, (chunk) => {
      writeFullySync(this.fh.fd, chunk, this.position);
      this.position += chunk.length;
    });
    const member = memberOf(deflated, { file: this.file, offset });
    return { member, content: memberReader(member, deflated.blocks) };
  }

  async addSmall(content: Buffer): Promise<Member> {
    const member = memberFromBuffer(content);
    const compressed = member.data as Buffer;
    const offset = this.position;
    await writeFully(this.fh, compressed, offset);
    this.position += compressed.length;
    return { ...member, data: { file: this.file, offset } };
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** Random access to a member a stream was deflated into (deflate.ts's blockReader), through its file. */
export function memberReader(member: Member, blocks: number[]): ReadSource {
  const { data } = member;
  const read = blockReader(member.size, blocks, (start, into) => {
    if (Buffer.isBuffer(data)) data.copy(into, 0, start, start + into.length);
    else readFullySync(data.file, into, data.offset + start);
  });
  return { read: async (buffer, offset, length, position) => ({ bytesRead: read(buffer, offset, length, position) }) };
}

/** Reads `into.length` bytes of `file` at `position`. */
function readFullySync(file: string, into: Buffer, position: number): void {
  const fd = openSync(file, "r");
  try {
    for (let done = 0; done < into.length; ) {
      const n = readSync(fd, into, done, into.length - done, position + done);
      if (n === 0) throw new Error(`${file} is shorter than expected`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies a member's deflate stream to `out` at `position`, through `chunk` (the caller's, reused),
 * on this thread (as the members were written: see writeFullySync).
 */
export async function copyMember(member: Member, out: FileHandle, position: number, chunk: Buffer): Promise<void> {
  if (Buffer.isBuffer(member.data)) {
    writeFullySync(out.fd, member.data, position);
    return;
  }
  const { file, offset, fresh } = member.data;
  const hash = member.deflatedSha256 && !fresh ? createHash("sha256") : undefined;
  const source = await openMemberFile(member, file);
  try {
    for (let done = 0; done < member.compressedSize; ) {
      const want = Math.min(chunk.length, member.compressedSize - done);
      const bytesRead = readSync(source.fd, chunk, 0, want, offset + done);
      if (bytesRead === 0) {
        if (hash) throw new DamagedCacheFile(file, "a compressed file");
        throw new Error(`${file} is shorter than expected`);
      }
      const t = performance.now();
      hash?.update(chunk.subarray(0, bytesRead));
      spent("zip: sha256 of cached members", t);
      writeFullySync(out.fd, chunk.subarray(0, bytesRead), position + done);
      done += bytesRead;
    }
  } finally {
    await source.close();
  }
  if (hash && hash.digest("hex") !== member.deflatedSha256) throw new DamagedCacheFile(file, "a compressed file");
}

/** A member's file; a cached one (which binwheel did not just write) only if it is a regular file. */
async function openMemberFile(member: Member, file: string): Promise<FileHandle> {
  if (!member.deflatedSha256) return open(file, "r");
  try {
    const fh = await openRegularHandle(file);
    if (fh) return fh;
  } catch (e) {
    if (!(e instanceof NotRegularFile)) throw e;
  }
  throw new DamagedCacheFile(file, "a compressed file");
}

/**
 * Writes a member's content to `file` (editable installs), through a temporary name so that a
 * running copy of an executable is replaced, not truncated. The content's size and CRC-32 are
 * checked as it inflates.
 */
export async function extractMember(member: Member, file: string, mode: number): Promise<void> {
  const { data } = member;
  const compressed = Buffer.isBuffer(data)
    ? Readable.from([data])
    : member.compressedSize === 0
      ? Readable.from([])
      : (await openMemberFile(member, data.file)).createReadStream({ start: data.offset, end: data.offset + member.compressedSize - 1 });
  const damaged = () => (Buffer.isBuffer(member.data) ? new Error(`a member to extract to ${file} is damaged`) : new DamagedCacheFile(member.data.file, "a compressed file"));
  let crc = 0;
  let size = 0;
  const check = new Transform({
    transform(piece: Buffer, _encoding, done) {
      crc = crc32(piece, crc);
      size += piece.length;
      done(size > member.size ? damaged() : null, piece);
    },
    flush(done) {
      done(size !== member.size || crc >>> 0 !== member.crc32 >>> 0 ? damaged() : null);
    },
  });
  await writeThroughTemporary(
    file,
    async (out) => {
      try {
        let position = 0;
        for await (const piece of pipeline(compressed, createInflateRaw(), check, () => {}) as AsyncIterable<Buffer>) {
          await writeFully(out, piece, position);
          position += piece.length;
        }
      } catch (e) {
        throw e instanceof BinwheelError || (e as NodeJS.ErrnoException).syscall ? e : damaged();
      }
    },
    mode,
  );
}
