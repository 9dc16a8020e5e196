// A wheel member compressed ahead of writing: its deflate stream plus what RECORD and the zip
// headers need (size, CRC-32, sha256). Large members are deflated into a spool file while they
// stream out of the archive, so the zip can then be written in sorted order without holding
// any binary in memory and with sizes known up front (no data descriptors).
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createDeflateRaw, createInflateRaw, crc32, deflateRawSync } from "node:zlib";

const LEVEL = 6;

export interface Member {
  size: number;
  crc32: number;
  /** urlsafe base64 sha256 without padding, as RECORD wants it. */
  sha256: string;
  compressedSize: number;
  /** The deflate stream itself, or where it lies in the spool file. */
  data: Buffer | { offset: number };
}

export function recordHash(digest: Buffer): string {
  return digest.toString("base64url");
}

/** Compresses a small in-memory file (metadata, Python sources). */
export function memberFromBuffer(content: Buffer): Member {
  const compressed = deflateRawSync(content, { level: LEVEL });
  return {
    size: content.length,
    crc32: crc32(content),
    sha256: recordHash(createHash("sha256").update(content).digest()),
    compressedSize: compressed.length,
    data: compressed,
  };
}

/** An append-only file of deflate streams. */
export class Spool {
  private position = 0;

  private constructor(private readonly fh: FileHandle) {}

  static async create(file: string): Promise<Spool> {
    return new Spool(await open(file, "w+"));
  }

  /** Deflates `source` into the spool while hashing it. */
  async add(source: AsyncIterable<Buffer>): Promise<Member> {
    const hash = createHash("sha256");
    let crc = 0;
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        crc = crc32(chunk, crc);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const offset = this.position;
    await pipeline(source, tap, createDeflateRaw({ level: LEVEL }), async (compressed: AsyncIterable<Buffer>) => {
      for await (const chunk of compressed) {
        await this.fh.write(chunk, 0, chunk.length, this.position);
        this.position += chunk.length;
      }
    });
    return {
      size,
      crc32: crc >>> 0,
      sha256: recordHash(hash.digest()),
      compressedSize: this.position - offset,
      data: { offset },
    };
  }

  /** Copies a spooled member's deflate stream to `out` at `position`. */
  async copyTo(member: Member, out: FileHandle, position: number): Promise<void> {
    if (Buffer.isBuffer(member.data)) throw new Error("not a spooled member");
    const chunk = Buffer.allocUnsafe(Math.min(member.compressedSize, 1 << 20) || 1);
    let done = 0;
    while (done < member.compressedSize) {
      const want = Math.min(chunk.length, member.compressedSize - done);
      const { bytesRead } = await this.fh.read(chunk, 0, want, member.data.offset + done);
      if (bytesRead === 0) throw new Error("the spool file is shorter than expected");
      await out.write(chunk, 0, bytesRead, position + done);
      done += bytesRead;
    }
  }

  /**
   * Writes a member's content to `file` (editable installs), through a temporary name so that a
   * running copy of an executable is replaced, not truncated.
   */
  async extractTo(member: Member, file: string, mode: number): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
    const compressed = Buffer.isBuffer(member.data)
      ? Readable.from([member.data])
      : member.compressedSize === 0
        ? Readable.from([])
        : createReadStream("", { fd: this.fh.fd, start: member.data.offset, end: member.data.offset + member.compressedSize - 1, autoClose: false });
    try {
      await pipeline(compressed, createInflateRaw(), createWriteStream(temp, { mode }));
      await rename(temp, file);
    } finally {
      await rm(temp, { force: true });
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
