// Parallel DEFLATE of one stream, pigz-style: the input is cut into fixed 1 MiB blocks, each
// compressed by libdeflate on a worker thread (deflate-pool.ts), every full block ending in a
// sync flush and the last (shorter, possibly empty) one ending the stream, so the outputs
// concatenate into one valid DEFLATE stream. Block boundaries depend on the input only and blocks
// are compressed independently, so the output is byte-identical however many blocks are in
// flight, and equal to deflateSync's. A few blocks at a time keep memory bounded whatever the
// size of the file.
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { deflatePool, type BlockBuffers, type CompressedBlock } from "./deflate-pool.js";
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

// Block buffers come back from the workers and are kept for the next block and the next file:
// memory stays a few MiB, and no garbage is left for the collector (which frees large buffers
// only lazily) whatever the size and number of the files.
const spare: BlockBuffers[] = [];

function takeBuffers(): BlockBuffers {
  return spare.pop() ?? { input: Buffer.allocUnsafe(BLOCK), output: Buffer.allocUnsafe(OUTPUT_CAPACITY) };
}

/** Compresses `source`, handing the compressed bytes, in order, to `sink` (which must be done with them when it returns). */
export async function deflateStream(source: AsyncIterable<Buffer>, sink: (chunk: Buffer) => void): Promise<Deflated> {
  const pool = deflatePool();
  const hash = createHash("sha256");
  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  const blocks: number[] = [];
  const pending: Promise<CompressedBlock>[] = [];
  let buffers = takeBuffers();
  let block = buffers.input;
  let filled = 0;

  const drainOne = async () => {
    let t = performance.now();
    const { compressed, input, output } = await pending.shift()!;
    spent("wait: deflate workers", t);
    compressedSize += compressed.length;
    blocks.push(compressed.length);
    t = performance.now();
    sink(compressed);
    spent("writing members", t);
    spare.push({ input, output });
  };
  const submit = async (final: boolean) => {
    const job = pool.compress(buffers, filled, final);
    job.catch(() => {}); // awaited in order by drainOne; this only silences an early rejection
    pending.push(job);
    buffers = takeBuffers();
    block = buffers.input;
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
  spare.push(buffers);
  return { size, crc32: crc >>> 0, sha256: hash.digest("hex"), compressedSize, blocks };
}
