// Parallel DEFLATE of one stream, pigz-style: the input is cut into fixed 1 MiB blocks, each
// compressed by libdeflate on a worker thread (deflate-pool.ts), every full block ending in a
// sync flush and the last (shorter, possibly empty) one ending the stream, so the outputs
// concatenate into one valid DEFLATE stream. Block boundaries depend on the input only and blocks
// are compressed independently, so the output is byte-identical however many blocks are in
// flight, and equal to deflateSync's. A few blocks at a time keep memory bounded whatever the
// size of the file.
import { createHash } from "node:crypto";
import { setImmediate } from "node:timers/promises";
import { crc32 } from "node:zlib";
import { deflatePool, type BlockBuffer, type CompressedBlock } from "./deflate-pool.js";
import { cString, inflater, releaseInflater, type Inflater } from "./codec.js";
import { BLOCK, OUTPUT_CAPACITY } from "./libdeflate.js";
import { spent } from "../profile.js";

export interface Deflated {
  size: number;
  crc32: number;
  /** sha256 of the uncompressed content, hex. */
  sha256: string;
  compressedSize: number;
  /**
   * The compressed size of each BLOCK-byte block, in order. Each block decodes on its own (no
   * back-references into the one before), so any byte range can be read back by inflating only
   * the blocks that hold it.
   */
  blocks: number[];
}

// Buffers of OUTPUT_CAPACITY bytes, kept for the next block and the next file: they carry blocks
// to the workers and back (spare), and hold what readers decoded last (decoded, compressedScratch),
// which compression takes back before it allocates another. Memory stays a few MiB, and no
// garbage is left for the collector (which frees large buffers only lazily) whatever the size and
// number of the files.
const spare: BlockBuffer[] = [];
/** The blocks readers decoded last: header reads go back and forth between a file's start and one other place. */
const decoded: { owner: object; index: number; content: Buffer; length: number }[] = [];
/** Where a reader reads a compressed block. */
let compressedScratch: Buffer | undefined;

function takeBuffer(): BlockBuffer {
  const buffer = spare.pop() ?? decoded.shift()?.content ?? compressedScratch;
  if (buffer === compressedScratch) compressedScratch = undefined;
  return buffer ?? Buffer.allocUnsafe(OUTPUT_CAPACITY);
}

/** Streams being compressed now. */
let active = 0;

/**
 * Done compressing for now: unless another stream is being compressed (another target's build),
 * the idle workers end and the kept buffers are let go, so that their memory is free for the rest
 * of the build.
 */
export async function deflateDone(): Promise<void> {
  if (active > 0) return;
  spare.length = 0;
  decoded.length = 0;
  compressedScratch = undefined;
  if (blockInflater) releaseInflater(blockInflater);
  blockInflater = undefined;
  await deflatePool().endIdle();
}

/** Reads `into.length` compressed bytes from `start` (an offset in the stream). */
export type CompressedBytes = (start: number, into: Buffer) => void;

let blockInflater: Inflater | undefined;

/**
 * Random access to the `size` bytes a deflateStream wrote (its `blocks`), reading its compressed
 * bytes through `compressed`: a read inflates only the blocks it touches. A binary's headers are
 * read this way, with no uncompressed copy of the file anywhere.
 */
export function blockReader(size: number, blocks: number[], compressed: CompressedBytes): (into: Buffer, offset: number, length: number, position: number) => number {
  const starts = [0];
  for (const n of blocks) starts.push(starts.at(-1)! + n);
  const owner = {};
  const block = (index: number): Buffer => {
    const found = decoded.find((d) => d.owner === owner && d.index === index);
    if (found) return found.content.subarray(0, found.length);
    compressedScratch ??= spare.pop() ?? Buffer.allocUnsafe(OUTPUT_CAPACITY);
    const input = compressedScratch.subarray(0, blocks[index]);
    compressed(starts[index]!, input);
    const slot = decoded.length < 2 ? { owner, index, content: spare.pop() ?? Buffer.allocUnsafe(OUTPUT_CAPACITY), length: 0 } : decoded.shift()!;
    Object.assign(slot, { owner, index, length: inflateBlock(input, slot.content.subarray(0, BLOCK)) });
    decoded.push(slot);
    const expected = index === blocks.length - 1 ? size - index * BLOCK : BLOCK;
    if (slot.length !== expected) throw new Error(`block ${index} of a compressed file decodes to ${slot.length} bytes, not ${expected}`);
    return slot.content.subarray(0, slot.length);
  };
  return (into, offset, length, position) => {
    let done = 0;
    for (let at = position; done < length && at < size; ) {
      const content = block(Math.floor(at / BLOCK));
      const n = content.copy(into, offset + done, at % BLOCK, Math.min(content.length, (at % BLOCK) + length - done));
      done += n;
      at += n;
    }
    return done;
  };
}

/** Inflates one block (it ends in a sync flush, or ends the stream) into `into`; returns its length. */
function inflateBlock(compressed: Buffer, into: Buffer): number {
  const { engine, input, outputAt } = (blockInflater ??= inflater());
  engine.bw_gz_reset();
  let produced = 0;
  for (let at = 0; at < compressed.length; ) {
    const length = Math.min(input.length, compressed.length - at);
    input.set(compressed.subarray(at, at + length));
    at += length;
    // Until this piece of input is used up: a full output buffer may leave more to come.
    for (let start = 0, full = true; full; ) {
      const status = engine.bw_gz_inflate(start, length - start);
      if (status < 0) throw new Error(`a compressed block does not inflate: ${cString(engine.memory.buffer, engine.bw_gz_message())}`);
      const out = engine.bw_gz_produced();
      if (produced + out > into.length) throw new Error("a compressed block inflates to more than a block");
      into.set(new Uint8Array(engine.memory.buffer, outputAt, out), produced);
      produced += out;
      start = engine.bw_gz_input_at();
      full = status === 0 && out === engine.bw_gz_output_size();
    }
  }
  return produced;
}

/** Compresses `source`, handing the compressed bytes, in order, to `sink` (which must be done with them when it returns). */
export async function deflateStream(source: AsyncIterable<Buffer>, sink: (chunk: Buffer) => void): Promise<Deflated> {
  const pool = deflatePool();
  active++;
  try {
    return await deflateBlocks(pool, source, sink);
  } finally {
    active--;
  }
}

async function deflateBlocks(pool: ReturnType<typeof deflatePool>, source: AsyncIterable<Buffer>, sink: (chunk: Buffer) => void): Promise<Deflated> {
  const hash = createHash("sha256");
  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  const blocks: number[] = [];
  const pending: Promise<CompressedBlock>[] = [];
  let block = takeBuffer();
  let filled = 0;

  const drainOne = async () => {
    let t = performance.now();
    const { compressed, buffer } = await pending.shift()!;
    spent("wait: deflate workers", t);
    compressedSize += compressed.length;
    blocks.push(compressed.length);
    t = performance.now();
    sink(compressed);
    spent("writing members", t);
    spare.push(buffer);
  };
  const submit = async (final: boolean) => {
    // Lets the workers' finished blocks in, so that the pool knows which of them has room.
    await setImmediate();
    const job = pool.compress(block, filled, final);
    job.catch(() => {}); // awaited in order by drainOne; this only silences an early rejection
    pending.push(job);
    block = takeBuffer();
    filled = 0;
    if (pending.length >= pool.inFlight) await drainOne();
  };

  for await (const chunk of source) {
    let t = performance.now();
    hash.update(chunk);
    crc = crc32(chunk, crc);
    spent("members: sha256 and CRC-32", t);
    size += chunk.length;
    t = performance.now();
    for (let at = 0; at < chunk.length; ) {
      const n = Math.min(chunk.length - at, BLOCK - filled);
      chunk.copy(block, filled, at, at + n);
      filled += n;
      at += n;
      if (filled === BLOCK) {
        spent("members: copy into blocks", t);
        await submit(false);
        t = performance.now();
      }
    }
    spent("members: copy into blocks", t);
  }
  await submit(true);
  while (pending.length) await drainOne();
  spare.push(block);
  return { size, crc32: crc >>> 0, sha256: hash.digest("hex"), compressedSize, blocks };
}
