// A wheel member compressed ahead of writing: its deflate stream plus what RECORD and the zip
// headers need (size, CRC-32, sha256). Large members are deflated (in parallel, see deflate.ts)
// into a file while they stream out of the archive, so the zip can then be written in sorted
// order without holding any binary in memory and with sizes known up front (no data descriptors).
import { createHash } from "node:crypto";
import { readSync, rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { Readable, Transform, pipeline } from "node:stream";
import { constants, createInflateRaw, crc32, inflateRawSync } from "node:zlib";
import { BinwheelError } from "../errors.js";
import { NotRegularFile, openRegularHandle } from "../fs/regular-file.js";
import { writeThroughTemporary } from "../fs/tempfiles.js";
import { deflateStream, type Deflated } from "../codec/deflate.js";
import { BLOCK, deflateSync } from "../codec/libdeflate.js";
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
    return { member, content: blockReader(member, deflated.blocks) };
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

/**
 * Random access to a member deflated in independent blocks (codec/deflate.ts): a read inflates
 * only the blocks it touches, read back from the member's file. A binary's headers are read this
 * way, with no uncompressed copy of the file anywhere; the two blocks read last are kept, as
 * header reads go back and forth between the start of a file and one other place.
 */
export function blockReader(member: Member, blocks: number[]): ReadSource {
  const starts = [0];
  for (const size of blocks) starts.push(starts.at(-1)! + size);
  const decoded = new Map<number, Buffer>();
  const block = async (index: number): Promise<Buffer> => {
    let content = decoded.get(index);
    if (!content) {
      const compressed = Buffer.allocUnsafe(blocks[index]!);
      if (Buffer.isBuffer(member.data)) member.data.copy(compressed, 0, starts[index], starts[index + 1]);
      else {
        const fh = await open(member.data.file, "r");
        try {
          const { bytesRead } = await fh.read(compressed, 0, compressed.length, member.data.offset + starts[index]!);
          if (bytesRead !== compressed.length) throw new Error(`${member.data.file} is shorter than expected`);
        } finally {
          await fh.close();
        }
      }
      content = inflateRawSync(compressed, { finishFlush: constants.Z_SYNC_FLUSH, chunkSize: BLOCK + 1 });
      const expected = index === blocks.length - 1 ? member.size - index * BLOCK : BLOCK;
      if (content.length !== expected) throw new Error(`block ${index} of a member decodes to ${content.length} bytes, not ${expected}`);
      if (decoded.size === 2) decoded.delete(decoded.keys().next().value!);
      decoded.set(index, content);
    }
    return content;
  };
  return {
    async read(buffer, offset, length, position) {
      let done = 0;
      for (let at = position; done < length && at < member.size; ) {
        const content = await block(Math.floor(at / BLOCK));
        const n = content.copy(buffer, offset + done, at % BLOCK, Math.min(content.length, (at % BLOCK) + length - done));
        done += n;
        at += n;
      }
      return { bytesRead: done };
    },
  };
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
