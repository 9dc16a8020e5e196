import { randomBytes } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { BLOCK } from "../../src/codec/libdeflate.js";
import { HeadCapture } from "../../src/inspect/capture.js";
import { inspectBinary } from "../../src/inspect/inspect.js";
import { MemberCache } from "../../src/wheel/member-cache.js";
import { Spool, type MemberSink } from "../../src/wheel/member.js";
import { tempDir } from "../support/tmp.js";

const spools: Spool[] = [];
afterEach(async () => {
  for (const spool of spools.splice(0)) await spool.close();
});

async function newSpool(): Promise<Spool> {
  const spool = await Spool.create(path.join(tempDir(), "spool"));
  spools.push(spool);
  return spool;
}

const sinks: [string, () => Promise<MemberSink>][] = [
  ["a spool", newSpool],
  ["the member cache", async () => MemberCache.open(tempDir())!],
];

describe("a streamed member's content, read back from its deflated blocks", () => {
  // Text and random bytes over four blocks and a bit, after another member in the same spool.
  const data = Buffer.concat([Buffer.from("ToonDB block reader ".repeat(150_000)), randomBytes(BLOCK + 12345)]);

  it.each(sinks)("gives any range back from %s, across block boundaries", async (_, open) => {
    const sink = await open();
    await sink.add(Readable.from([randomBytes(BLOCK + 1)])); // the next member starts mid-file
    const { member, content } = await sink.add(Readable.from([data.subarray(0, 5000), data.subarray(5000)]));
    const ranges = [[0, 64], [BLOCK - 10, 20], [2 * BLOCK - 1, BLOCK + 2], [data.length - 100, 100], [0, data.length], [17, 0], [BLOCK, 1]];
    for (const [position, length] of ranges) {
      const buffer = Buffer.alloc(length! + 8);
      const { bytesRead } = await content.read(buffer, 8, length!, position!);
      expect(bytesRead).toBe(length);
      expect(buffer.subarray(8).equals(data.subarray(position, position! + length!))).toBe(true);
    }
    // Past the end: what is there, as a file read gives.
    expect((await content.read(Buffer.alloc(50), 0, 50, data.length - 20)).bytesRead).toBe(20);
    expect(member.size).toBe(data.length);
  });

  it("keeps two readers apart, and reads right after compression has taken their buffers back", async () => {
    const spool = await newSpool();
    const other = Buffer.concat([randomBytes(BLOCK), Buffer.from("the other file ".repeat(100_000))]);
    const first = await spool.add(Readable.from([data]));
    const second = await spool.add(Readable.from([other]));
    const read = async (content: typeof first.content, position: number, length: number) => {
      const buffer = Buffer.alloc(length);
      await content.read(buffer, 0, length, position);
      return buffer;
    };
    // Both readers' blocks 0 and 1 pass through the same few decode buffers.
    for (const position of [10, BLOCK + 10, 20, BLOCK + 20]) {
      expect((await read(first.content, position, 100)).equals(data.subarray(position, position + 100))).toBe(true);
      expect((await read(second.content, position, 100)).equals(other.subarray(position, position + 100))).toBe(true);
    }
    await spool.add(Readable.from([data, other])); // takes the decode buffers back for its blocks
    expect((await read(first.content, BLOCK + 5, 50)).equals(data.subarray(BLOCK + 5, BLOCK + 55))).toBe(true);
  });

  it.each(["/usr/bin/python3", "/lib/x86_64-linux-gnu/libc.so.6"])("gives %s's headers as the file itself does, with no copy of it", async (file) => {
    // python3's dynamic section lies past 5 MiB, its string table in the first block.
    const spool = await newSpool();
    const capture = new HeadCapture(file);
    const { member, content } = await spool.add(capture.tee(createReadStream(file)));
    expect(member.size).toBe(readFileSync(file).length);
    expect(await capture.headers(content, member.size)).toEqual(await inspectBinary(file, file));
  });

  it("reads nothing back for a file whose head is no binary", async () => {
    const spool = await newSpool();
    const capture = new HeadCapture("data.bin");
    const { member } = await spool.add(capture.tee(Readable.from([data])));
    const unreadable = { read: () => Promise.reject(new Error("read")) };
    expect(await capture.headers(unreadable, member.size)).toBeUndefined();
  });
});
