import { randomBytes } from "node:crypto";
import { constants, deflateRawSync, inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { LEVEL, deflateStream } from "../../src/wheel/deflate.js";
import { memberFromBuffer } from "../../src/wheel/member.js";

const BLOCK = 1 << 20;

/**
 * The same algorithm, one block at a time and synchronously: what any scheduling must produce.
 * Full blocks end with a sync flush; the final block (shorter, possibly empty) ends the stream.
 */
function reference(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let dictionary: Buffer | undefined;
  for (let at = 0; ; at += BLOCK) {
    const block = data.subarray(at, Math.min(at + BLOCK, data.length));
    const last = at + BLOCK > data.length;
    out.push(deflateRawSync(block, { level: LEVEL, finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH, ...(dictionary && { dictionary }) }));
    dictionary = block.subarray(Math.max(0, block.length - 32768));
    if (last) return Buffer.concat(out);
  }
}

async function parallel(data: Buffer, chunk: number) {
  const parts: Buffer[] = [];
  async function* source() {
    for (let at = 0; at < data.length; at += chunk) yield data.subarray(at, at + chunk);
  }
  const result = await deflateStream(source(), async (c) => { parts.push(c); });
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

  it("compresses about as well as one sequential stream", async () => {
    const { output } = await parallel(mixed, 65536);
    expect(output.length / deflateRawSync(mixed, { level: LEVEL }).length).toBeLessThan(1.002);
  });
});
