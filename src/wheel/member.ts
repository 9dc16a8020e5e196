// A wheel member compressed ahead of writing: its deflate stream plus what RECORD and the zip
// headers need (size, CRC-32, sha256). Large members are deflated (in parallel, see deflate.ts)
// into a file while they stream out of the archive, so the zip can then be written in sorted
// order without holding any binary in memory and with sizes known up front (no data descriptors).
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createInflateRaw, crc32 } from "node:zlib";
import { deflateStream, type Deflated } from "./deflate.js";
import { deflateSync } from "./libdeflate.js";

export interface Member {
  size: number;
  crc32: number;
  /** urlsafe base64 sha256 without padding, as RECORD wants it. */
  sha256: string;
  compressedSize: number;
  /** The deflate stream itself, or the file (and offset) holding it. */
  data: Buffer | { file: string; offset: number };
}

/** Where members' deflate streams go: a spool file, or the member cache. */
export interface MemberSink {
  /** Deflates a stream (in parallel blocks). */
  add(source: AsyncIterable<Buffer>): Promise<Member>;
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

  async add(source: AsyncIterable<Buffer>): Promise<Member> {
    const offset = this.position;
    const deflated = await deflateStream(source, async (chunk) => {
      await this.fh.write(chunk, 0, chunk.length, this.position);
      this.position += chunk.length;
    });
    return memberOf(deflated, { file: this.file, offset });
  }

  async addSmall(content: Buffer): Promise<Member> {
    const member = memberFromBuffer(content);
    const compressed = member.data as Buffer;
    const offset = this.position;
    await this.fh.write(compressed, 0, compressed.length, offset);
    this.position += compressed.length;
    return { ...member, data: { file: this.file, offset } };
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** Copies a member's deflate stream to `out` at `position`, through `chunk` (the caller's, reused). */
export async function copyMember(member: Member, out: FileHandle, position: number, chunk: Buffer): Promise<void> {
  if (Buffer.isBuffer(member.data)) {
    await out.write(member.data, 0, member.data.length, position);
    return;
  }
  const source = await open(member.data.file, "r");
  try {
    for (let done = 0; done < member.compressedSize; ) {
      const want = Math.min(chunk.length, member.compressedSize - done);
      const { bytesRead } = await source.read(chunk, 0, want, member.data.offset + done);
      if (bytesRead === 0) throw new Error(`${member.data.file} is shorter than expected`);
      await out.write(chunk, 0, bytesRead, position + done);
      done += bytesRead;
    }
  } finally {
    await source.close();
  }
}

/**
 * Writes a member's content to `file` (editable installs), through a temporary name so that a
 * running copy of an executable is replaced, not truncated.
 */
export async function extractMember(member: Member, file: string, mode: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
  const compressed = Buffer.isBuffer(member.data)
    ? Readable.from([member.data])
    : member.compressedSize === 0
      ? Readable.from([])
      : createReadStream(member.data.file, { start: member.data.offset, end: member.data.offset + member.compressedSize - 1 });
  try {
    await pipeline(compressed, createInflateRaw(), createWriteStream(temp, { mode }));
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}
