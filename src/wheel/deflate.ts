// Parallel DEFLATE of one stream, pigz-style: the input is cut into fixed 1 MiB blocks, each
// compressed on libuv's thread pool with the previous block's last 32 KiB as its dictionary and
// ended with a sync flush (the last one with a final block), so the concatenated outputs are one
// valid deflate stream about as small as a sequential one. Block boundaries depend on the input
// only, so the output is byte-identical however many blocks are in flight. A few blocks at a time
// keep memory bounded whatever the size of the file.
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { constants, crc32, deflateRaw } from "node:zlib";

const deflateRawAsync = promisify(deflateRaw) as (buf: Buffer, options: object) => Promise<Buffer>;

export const LEVEL = 6;
export const BLOCK = 1 << 20;
const WINDOW = 32 << 10;
/** Blocks compressing at once: enough to keep two cores busy while this thread reads and hashes. */
const IN_FLIGHT = 3;

export interface Deflated {
  size: number;
  crc32: number;
  /** sha256 of the uncompressed content, hex. */
  sha256: string;
  compressedSize: number;
}

/** Compresses `source`, handing the compressed bytes, in order, to `sink`. */
export async function deflateStream(source: AsyncIterable<Buffer>, sink: (chunk: Buffer) => Promise<void>): Promise<Deflated> {
  const hash = createHash("sha256");
  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  const pending: { job: Promise<Buffer>; input: Buffer }[] = [];
  // Input blocks are reused once compressed, so memory stays a few MiB whatever the file's size.
  const free: Buffer[] = [];
  let dictionary: Buffer | undefined;
  let block: Buffer = Buffer.allocUnsafe(BLOCK);
  let filled = 0;

  const drainOne = async () => {
    const { job, input } = pending.shift()!;
    const out = await job;
    compressedSize += out.length;
    await sink(out);
    free.push(input);
  };
  const submit = async (data: Buffer, last: boolean) => {
    const options = { level: LEVEL, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH, ...(dictionary && { dictionary }) };
    const job = deflateRawAsync(data, options);
    job.catch(() => {}); // awaited in order by drainOne; this only silences an early rejection
    pending.push({ job, input: block });
    dictionary = Buffer.from(data.subarray(Math.max(0, data.length - WINDOW)));
    if (pending.length >= IN_FLIGHT) await drainOne();
  };

  for await (const chunk of source) {
    hash.update(chunk);
    crc = crc32(chunk, crc);
    size += chunk.length;
    for (let at = 0; at < chunk.length; ) {
      const n = Math.min(chunk.length - at, BLOCK - filled);
      chunk.copy(block, filled, at, at + n);
      filled += n;
      at += n;
      if (filled === BLOCK) {
        await submit(block, false);
        block = free.pop() ?? Buffer.allocUnsafe(BLOCK);
        filled = 0;
      }
    }
  }
  await submit(block.subarray(0, filled), true);
  while (pending.length) await drainOne();
  return { size, crc32: crc >>> 0, sha256: hash.digest("hex"), compressedSize };
}
