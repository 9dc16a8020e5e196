// Bounded positional reads of a file that may be hostile: every offset and length is checked
// against the file's size and a cap, so a malformed header is an error, never a crash or a
// huge allocation.
export class MalformedBinary extends Error {}

/** Positional reads: a FileHandle, or a Buffer through `bufferSource`. */
export interface ReadSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

/** A ReadSource over bytes already in memory (small files are inspected without a scratch copy). */
export function bufferSource(content: Buffer): ReadSource {
  return {
    read: async (buffer, offset, length, position) => ({ bytesRead: content.copy(buffer, offset, position, Math.min(position + length, content.length)) }),
  };
}

export class BoundedReader {
  constructor(
    private readonly fh: ReadSource,
    readonly size: number,
  ) {}

  /** Exactly `length` bytes at `offset`, or a MalformedBinary saying what `what` was. */
  async read(offset: number, length: number, what: string, cap = 16 << 20): Promise<Buffer> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new MalformedBinary(`${what} lies outside the file`);
    }
    if (length > cap) throw new MalformedBinary(`${what} is implausibly large (${length} bytes)`);
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) throw new MalformedBinary(`${what} is cut short`);
      done += bytesRead;
    }
    return buf;
  }

  /** A NUL-terminated string at `offset` (at most `max` bytes). */
  async cString(offset: number, what: string, max = 4096): Promise<string> {
    const buf = await this.read(offset, Math.min(max, this.size - offset), what);
    const end = buf.indexOf(0);
    if (end < 0) throw new MalformedBinary(`${what} is not terminated`);
    return buf.toString("latin1", 0, end);
  }
}

/** Integer reads of one byte order, bounds-checked by the Buffer methods themselves. */
export function endian(buf: Buffer, little: boolean) {
  return {
    u16: (o: number) => (little ? buf.readUInt16LE(o) : buf.readUInt16BE(o)),
    u32: (o: number) => (little ? buf.readUInt32LE(o) : buf.readUInt32BE(o)),
    u64: (o: number) => Number(little ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)),
  };
}
