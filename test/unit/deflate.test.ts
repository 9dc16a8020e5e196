import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { deflateStream } from "../../src/codec/deflate.js";
import { DeflatePool, deflatePool, type CompressedBlock } from "../../src/codec/deflate-pool.js";
import { codecModule } from "../../src/codec/codec.js";
import { BLOCK, LEVEL, OUTPUT_CAPACITY, createCompressor, deflateSync } from "../../src/codec/libdeflate.js";
import { memberFromBuffer } from "../../src/wheel/member.js";

/** The same algorithm, one block at a time on this thread: what any scheduling must produce. */
const reference = deflateSync;

async function parallel(data: Buffer, chunk: number) {
  const parts: Buffer[] = [];
  async function* source() {
    for (let at = 0; at < data.length; at += chunk) yield data.subarray(at, at + chunk);
  }
  const result = await deflateStream(source(), (c) => { parts.push(Buffer.from(c)); });
  return { result, output: Buffer.concat(parts) };
}

describe("deflateStream", () => {
  const text = Buffer.from("ToonDB bulk loader ".repeat(300_000));
  const mixed = Buffer.concat([text.subarray(0, 1_500_000), randomBytes(700_000), text.subarray(0, 1_000_000)]);
  it.each([
    ["empty", Buffer.alloc(0)],
    ["one byte", Buffer.from("x")],
    ["a block less one", text.subarray(0, BLOCK - 1)],
    ["exactly a block", text.subarray(0, BLOCK)],
    ["a block and one", text.subarray(0, BLOCK + 1)],
    ["text and random data over several blocks", mixed],
  ])("%s: round-trips and equals the one-block-at-a-time reference", async (_, data) => {
    for (const chunk of [4096, 65536, 3_000_001]) {
      const { result, output } = await parallel(data, chunk);
      expect(inflateRawSync(output).equals(data)).toBe(true);
      expect(output.equals(reference(data))).toBe(true);
      expect(result.size).toBe(data.length);
      expect(result.compressedSize).toBe(output.length);
    }
  });

  it("gives files smaller than a block the same bytes in one go (the small-file path)", async () => {
    for (const data of [Buffer.alloc(0), text.subarray(0, 1000), mixed.subarray(0, BLOCK - 1)]) {
      expect((memberFromBuffer(data).data as Buffer).equals((await parallel(data, 65536)).output)).toBe(true);
    }
  });

  it("compresses no worse than zlib's one sequential stream at the same level", async () => {
    const { output } = await parallel(mixed, 65536);
    expect(output.length / deflateRawSync(mixed, { level: LEVEL }).length).toBeLessThan(1.0);
  });
});

describe("block compressor", () => {
  const compress = createCompressor(codecModule(), LEVEL, BLOCK, OUTPUT_CAPACITY);
  // Stored (random), fixed-Huffman (tiny), dynamic-Huffman (text) and mixed blocks: each must end
  // in a sync flush that lets another block follow.
  const kinds: [string, Buffer][] = [
    ["random bytes (stored blocks)", randomBytes(BLOCK)],
    ["a short text (a fixed-Huffman block)", Buffer.from("binwheel: a short text block ".repeat(3))],
    ["zeros", Buffer.alloc(BLOCK)],
    ["text", Buffer.from("wheel ".repeat(BLOCK / 6))],
    ["random then text", Buffer.concat([randomBytes(300_000), Buffer.from("x".repeat(400_000)), randomBytes(100)])],
  ];
  it.each(kinds)("%s: a non-final block is byte-aligned and does not end the stream", (label, data) => {
    const first = compress(data, false);
    if (label.includes("fixed-Huffman")) expect((first[0]! >> 1) & 3).toBe(1); // BTYPE 01
    expect(first.subarray(-4)).toEqual(Uint8Array.from([0, 0, 0xff, 0xff]));
    const second = compress(Buffer.from("the end"), true);
    expect(inflateRawSync(Buffer.concat([first, second])).equals(Buffer.concat([data, Buffer.from("the end")]))).toBe(true);
  });

  it("refuses a block larger than the module's, and a non-final one libdeflate would only store", () => {
    expect(() => compress(Buffer.alloc(BLOCK + 1), true)).toThrow(/larger than/);
    // deflateStream's non-final blocks are always a full BLOCK; libdeflate stores inputs this
    // short without the sync-flush patch's code, so the module refuses them.
    expect(() => compress(Buffer.from("abc"), false)).toThrow(/failed to compress/);
  });

  it("writes into a given buffer, even for a block of random bytes (the worst case)", () => {
    const output = Buffer.alloc(OUTPUT_CAPACITY);
    const data = randomBytes(BLOCK);
    const view = compress(data, false, output);
    expect(view.buffer).toBe(output.buffer);
    expect(view.length).toBeGreaterThan(BLOCK);
    expect(Buffer.from(view).equals(Buffer.from(compress(data, false)))).toBe(true);
  });
});

/**
 * How many of `blocks` went to a worker, checking that every block travelled in its one buffer:
 * a block sent to a worker moved its ArrayBuffer there (detached here, not copied) and came back
 * in a buffer of the same size; a block compressed on this thread came back in the buffer itself.
 */
function sentToWorkers(blocks: Buffer[], results: CompressedBlock[]): number {
  let sent = 0;
  for (const [i, block] of blocks.entries()) {
    if (block.buffer.byteLength === 0) {
      sent++;
      expect(results[i]!.buffer === block).toBe(false);
      expect(results[i]!.buffer.buffer.byteLength).toBe(OUTPUT_CAPACITY);
    } else expect(results[i]!.buffer === block).toBe(true);
  }
  return sent;
}

describe("DeflatePool", () => {
  it("gives every worker count the same bytes, on the workers and on this thread, and hands the buffers back", async () => {
    const data = Buffer.concat([randomBytes(BLOCK), Buffer.from("toondb ".repeat(BLOCK / 7))]).subarray(0, BLOCK);
    const expected = deflateSync(data.subarray(0, 1000));
    for (const size of [1, 3]) {
      const pool = new DeflatePool(size);
      // More blocks at once than the workers take (three each): the rest are compressed here.
      const blocks = Array.from({ length: 3 * size + 2 }, () => {
        const buffer = Buffer.allocUnsafe(OUTPUT_CAPACITY);
        data.copy(buffer);
        return buffer;
      });
      const results = await Promise.all(blocks.map((b) => pool.compress(b, 1000, true)));
      expect(sentToWorkers(blocks, results)).toBe(3 * size);
      for (const r of results) {
        expect(r.compressed.equals(expected)).toBe(true);
        expect(r.compressed.buffer).toBe(r.buffer.buffer);
        expect(r.buffer.length).toBe(OUTPUT_CAPACITY);
      }
      // Idle workers end; the next block starts one again.
      await pool.endIdle();
      const again = Buffer.allocUnsafe(OUTPUT_CAPACITY);
      data.copy(again);
      expect((await pool.compress(again, 1000, true)).compressed.equals(expected)).toBe(true);
      await pool.endIdle();
    }
  });

  it("has one worker per core but one (this thread compresses for the last core), at least one", async () => {
    const pool = deflatePool();
    const workers = Math.max(1, availableParallelism() - 1);
    const block = Buffer.from("toondb ".repeat(200));
    // A burst of blocks: three to each worker, the rest here.
    const blocks = Array.from({ length: 3 * workers + 3 }, () => {
      const buffer = Buffer.allocUnsafe(OUTPUT_CAPACITY);
      block.copy(buffer);
      return buffer;
    });
    const results = await Promise.all(blocks.map((b) => pool.compress(b, block.length, true)));
    expect(sentToWorkers(blocks, results)).toBe(3 * workers);
    await pool.endIdle();
  });
});
