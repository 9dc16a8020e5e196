// Streaming gunzip into one reused buffer: zlib's raw inflate (the decompressor half of
// ../codec/codec.ts) decompresses into the module's 256 KiB output buffer, and each piece is handed
// out as a view of it. Node's own gunzip stream allocates a fresh buffer per chunk, which V8
// frees only when its external-memory heuristics say so: tens of MiB of garbage at any time
// while a large asset streams by (measured). The gzip framing (RFC 1952) is read here, and the
// CRC-32 checked with Node's native crc32.
import { closeSync, openSync, readSync } from "node:fs";
import { crc32 } from "node:zlib";
import { cString, inflater, releaseInflater } from "../codec/codec.js";
import { spent } from "../profile.js";

const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

/**
 * Decompresses a gzip file (all its members), yielding views of the decompressed bytes. A view
 * is valid only until the next one is requested: copy what must be kept. `bad` turns a reason
 * into the error to throw; `onInflated` sees every byte count, and may throw to stop.
 */
export async function* gunzipFile(file: string, bad: (why: string) => never, onInflated: (bytes: number) => void): AsyncGenerator<Buffer> {
  const instance = inflater();
  const { engine, input, outputAt } = instance;
  // Read on this thread, as decodeFile does (codec.ts).
  const fd = openSync(file, "r");
  try {
    // input[start, end) holds read bytes not yet consumed.
    let start = 0;
    let end = 0;
    let eof = false;
    /** Reads more of the file, keeping the unconsumed bytes; false at the end of the file. */
    const refill = (): boolean => {
      if (eof) return false;
      input.copyWithin(0, start, end);
      end -= start;
      start = 0;
      const t = performance.now();
      const bytesRead = readSync(fd, input, end, input.length - end, null);
      spent("reading the asset", t);
      end += bytesRead;
      eof = bytesRead === 0;
      return !eof;
    };
    const byte = (): number => {
      if (start === end && !refill()) bad("unexpected end of file");
      return input[start++]!;
    };
    const uint32 = (): number => (byte() | (byte() << 8) | (byte() << 16) | (byte() << 24)) >>> 0;

    for (let member = 0; ; member++) {
      if (start === end && !refill()) {
        if (member === 0) bad("the file is empty");
        return;
      }
      // After the first member, anything but another member's magic is ignored, as gzip does.
      if (member > 0 && input[start] !== 0x1f) return;
      readHeader(byte, bad);
      engine.bw_gz_reset();
      let crc = 0;
      let size = 0;
      for (let ended = false; !ended; ) {
        if (start === end && !refill()) bad("unexpected end of file");
        const t = performance.now();
        const status = engine.bw_gz_inflate(start, end - start);
        spent("gunzip: inflate", t);
        if (status < 0) bad(cString(engine.memory.buffer, engine.bw_gz_message()));
        start = engine.bw_gz_input_at();
        ended = status === 1;
        const produced = engine.bw_gz_produced();
        if (produced > 0) {
          onInflated(produced);
          const view = Buffer.from(engine.memory.buffer, outputAt, produced);
          const t = performance.now();
          crc = crc32(view, crc);
          spent("gunzip: CRC-32", t);
          size += produced;
          yield view;
        }
      }
      if (uint32() !== crc >>> 0) bad("its CRC-32 does not match: the file is damaged");
      if (uint32() !== size % 2 ** 32) bad("its length does not match: the file is damaged");
    }
  } finally {
    closeSync(fd);
    releaseInflater(instance);
  }
}

/** Reads and checks one member's header, leaving the reader at its DEFLATE data. */
function readHeader(byte: () => number, bad: (why: string) => never): void {
  if (byte() !== 0x1f || byte() !== 0x8b) bad("it does not start like a gzip file");
  if (byte() !== 8) bad("it uses a compression method other than DEFLATE");
  const flags = byte();
  if (flags & 0xe0) bad("its header has reserved flags set");
  for (let i = 0; i < 6; i++) byte(); // mtime, extra flags, OS
  if (flags & FEXTRA) {
    const length = byte() | (byte() << 8);
    for (let i = 0; i < length; i++) byte();
  }
  if (flags & FNAME) while (byte() !== 0);
  if (flags & FCOMMENT) while (byte() !== 0);
  if (flags & FHCRC) for (let i = 0; i < 2; i++) byte();
}

