// The .xz, .zst and .bz2 decoders (codec.wasm: liblzma, zstd, libbzip2), and gzip beside them,
// against files written by the real tools: every form those tools write (levels, check types,
// several streams or frames, empty input), and the damaged and hostile forms an asset may take.
// The tools (xz-utils, zstd with pzstd, bzip2, pbzip2, lbzip2, gzip) are installed by .ci/run.
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeFile, bzip2Decoder, xzDecoder, zstdDecoder, type StreamDecoder } from "../../src/codec/codec.js";
import { decompress, type Compression } from "../../src/archive/decompress.js";
import { checkMagic, formatFromName } from "../../src/archive/format.js";
import { ArchiveGuard } from "../../src/archive/guard.js";
import { readArchive } from "../../src/archive/read.js";
import { MAX_DICTIONARY } from "../../src/archive/xz.js";
import { tempDir } from "../support/tmp.js";
import { itNeeds } from "../support/tools.js";

/** `it`, or a skip that prints which tool is missing (.ci/run installs them all). */
const withTool = (...tools: string[]) => itNeeds(tools);

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** 3 MiB that compress like code: this machine's node executable, then a repeat of it. */
const PAYLOAD = (() => {
  const head = readFileSync(process.execPath).subarray(0, 2 << 20);
  return Buffer.concat([head, head.subarray(0, 1 << 20)]);
})();

/** Writes `input` through a shell pipeline (`cmd` reads stdin, writes stdout) into a file. */
function made(name: string, cmd: string, input: Buffer = PAYLOAD): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, execSync(cmd, { input, maxBuffer: 256 << 20 }));
  return file;
}

/** What decompress() yields (copied), with the byte counts it reported; `bad` throws "bad: <why>". */
async function run(file: string, compression: Compression, onInflated: (n: number) => void = () => {}): Promise<{ data: Buffer; counted: number }> {
  const pieces: Buffer[] = [];
  let counted = 0;
  const bad = (why: string): never => {
    throw new Error(`bad: ${why}`);
  };
  for await (const view of decompress(file, compression, bad, (n) => {
    counted += n;
    onInflated(n);
  })) {
    pieces.push(Buffer.from(view)); // a copy: the view is reused
  }
  return { data: Buffer.concat(pieces), counted };
}

async function expectPayload(file: string, compression: Compression, payload = PAYLOAD): Promise<void> {
  const { data, counted } = await run(file, compression);
  expect(data.length).toBe(payload.length);
  expect(sha256(data)).toBe(sha256(payload));
  expect(counted).toBe(payload.length);
}

/** The decoder's memory after reading `file` whole (to show that streams reuse it). */
async function memoryAfter(decoder: StreamDecoder, file: string): Promise<number> {
  for await (const _ of decodeFile(decoder, file, (why) => { throw new Error(why); }, () => {}, (code) => `code ${code}`));
  return decoder.memory.buffer.byteLength;
}

const concat = (...files: string[]) => {
  const file = path.join(tempDir(), `cat${path.extname(files[0]!)}`);
  writeFileSync(file, Buffer.concat(files.map((f) => readFileSync(f))));
  return file;
};

/** A copy of `file` changed by `edit`. */
function damaged(file: string, edit: (bytes: Buffer) => Buffer): string {
  const out = path.join(tempDir(), `damaged-${path.basename(file)}`);
  writeFileSync(out, edit(readFileSync(file)));
  return out;
}
const truncated = (file: string, keep: (size: number) => number) => damaged(file, (b) => b.subarray(0, keep(b.length)));
const flipped = (file: string) => damaged(file, (b) => {
  const c = Buffer.from(b);
  c[c.length >> 1]! ^= 0x10;
  return c;
});
const withGarbage = (file: string) => damaged(file, (b) => Buffer.concat([b, Buffer.from("garbage after the end of the data\n")]));

describe.each([
  ["xz", "xz", "xz -T1 -c"],
  ["zstd", "zstd", "zstd -q -c"],
  ["bzip2", "bzip2", "bzip2 -c"],
  ["gzip", "gzip", "gzip -c"],
] as const)("%s", (compression, tool, compress) => {
  withTool(tool)("reads what the tool writes (3 MiB, many output views)", async () => {
    await expectPayload(made(`a.${tool}`, compress), compression);
  });
  withTool(tool)("reads several streams or frames one after another", async () => {
    const a = made(`a.${tool}`, compress, PAYLOAD.subarray(0, 1 << 20));
    const b = made(`b.${tool}`, compress, PAYLOAD.subarray(1 << 20));
    await expectPayload(concat(a, b), compression);
  });
  withTool(tool)("reads the compressed form of an empty file, and refuses an empty file", async () => {
    await expectPayload(made(`e.${tool}`, compress, Buffer.alloc(0)), compression, Buffer.alloc(0));
    const empty = path.join(tempDir(), "empty");
    writeFileSync(empty, "");
    await expect(run(empty, compression)).rejects.toThrow("bad: the file is empty");
  });
  withTool(tool)("refuses a truncated file (cut in the middle, and just before its end)", async () => {
    const file = made(`a.${tool}`, compress);
    await expect(run(truncated(file, (n) => n >> 1), compression)).rejects.toThrow(/bad: .*(ends early|unexpected end)/);
    await expect(run(truncated(file, (n) => n - 3), compression)).rejects.toThrow(/bad: /);
  });
  withTool(tool)("detects a byte flipped in the middle (a check or the format)", async () => {
    await expect(run(flipped(made(`a.${tool}`, compress)), compression)).rejects.toThrow(/bad: /);
  });
  // gzip ignores what follows its last member, as gzip itself does (not part of this issue).
  if (compression !== "gzip") {
    withTool(tool)("refuses data after the last stream or frame", async () => {
      await expect(run(withGarbage(made(`a.${tool}`, compress)), compression)).rejects.toThrow(/bad: .*(follows|damaged)/);
    });
  }
});

describe("decompression bombs", () => {
  /** Feeds the decompressed byte counts to the archive guard, as readArchive's callers do. */
  async function guarded(file: string, compression: Compression): Promise<{ error: string; counted: number }> {
    const guard = new ArchiveGuard("bomb", statSync(file).size);
    let counted = 0;
    const error = await run(file, compression, (n) => {
      counted += n;
      guard.count(n);
    }).then(() => "", (err: Error) => err.message);
    return { error, counted };
  }

  withTool("zstd")("stops 4 GiB of zeros (zstd) while it inflates", async () => {
    const file = path.join(tempDir(), "bomb.zst");
    execSync(`head -c 4G /dev/zero | zstd -q -T2 -c > ${file}`);
    const { error, counted } = await guarded(file, "zstd");
    expect(error).toMatch(/looks like a decompression bomb/);
    expect(counted).toBeLessThan(1.1 * 2 ** 30);
  });
  // A sparse bomb: one stream of 256 MiB of zeros, repeated (xz and bzip2 compress zeros slowly).
  withTool("xz", "bzip2")("stops repeated streams of zeros (xz, bzip2) while they inflate", async () => {
    for (const [compression, cmd] of [["xz", "xz -T1 -1 -c"], ["bzip2", "bzip2 -c"]] as const) {
      const one = readFileSync(made(`zeros.${compression}`, `head -c 256M /dev/zero | ${cmd}`, Buffer.alloc(0)));
      const file = path.join(tempDir(), `bomb.${compression}`);
      writeFileSync(file, Buffer.concat(Array(16).fill(one)));
      const { error, counted } = await guarded(file, compression);
      expect(error).toMatch(/looks like a decompression bomb/);
      expect(counted).toBeLessThan(1.1 * 2 ** 30);
    }
  });
});

describe("xz", () => {
  withTool("xz")("reads -9 (a 64 MiB dictionary) and every check type", async () => {
    await expectPayload(made("9.xz", "xz -T1 -9 -c"), "xz");
    for (const check of ["none", "crc32", "crc64", "sha256"]) await expectPayload(made(`${check}.xz`, `xz -T1 -1 --check=${check} -c`), "xz");
  });
  withTool("xz")("detects a flipped byte in SHA-256-checked data", async () => {
    await expect(run(flipped(made("s.xz", "xz -T1 -1 --check=sha256 -c")), "xz")).rejects.toThrow(/bad: it is damaged/);
  });
  withTool("xz")("reads multi-block streams (xz -T2), stream padding, and the x86 filter", async () => {
    await expectPayload(made("mt.xz", "xz -T2 --block-size=1MiB -c"), "xz");
    const padded = damaged(made("p.xz", "xz -T1 -c"), (b) => Buffer.concat([b, Buffer.alloc(8)]));
    await expectPayload(padded, "xz");
    await expectPayload(made("x86.xz", "xz -T1 --x86 --lzma2=preset=6 -c"), "xz");
  });
  withTool("xz")("refuses a dictionary over the limit, from the tool and from a forged header", async () => {
    // Read from a pipe, xz keeps the dictionary it is told to use: 256 MiB.
    const big = made("big.xz", "xz -T1 --lzma2=preset=0,dict=256MiB -c", PAYLOAD.subarray(0, 4096));
    await expect(run(big, "xz")).rejects.toThrow(`its dictionary is over binwheel's ${MAX_DICTIONARY >> 20} MiB limit`);
    // The block header's dictionary byte set to 4 GiB, its CRC-32 made to match again.
    const forged = damaged(made("small.xz", "xz -T1 -1 -c", Buffer.from("hello")), (b) => {
      const c = Buffer.from(b);
      const size = (c[12]! + 1) * 4; // the block header follows the 12-byte stream header
      expect(c[14]).toBe(0x21); // one filter: LZMA2, its one property byte the dictionary size
      c[16] = 40;
      c.writeUInt32LE(crc32(c.subarray(12, 12 + size - 4)), 12 + size - 4);
      return c;
    });
    await expect(run(forged, "xz")).rejects.toThrow("its dictionary is over");
  });
  withTool("xz")("keeps one instance's memory across streams with different dictionaries", async () => {
    const nine = made("9.xz", "xz -T1 -9 -c", PAYLOAD.subarray(0, 1 << 20));
    const one = made("1.xz", "xz -T1 -1 -c", PAYLOAD.subarray(0, 1 << 20));
    const alone = await memoryAfter(xzDecoder(MAX_DICTIONARY + (1 << 20)), nine);
    expect(await memoryAfter(xzDecoder(MAX_DICTIONARY + (1 << 20)), concat(nine, one, nine, one, nine, one, nine))).toBe(alone);
  });
});

describe("zstd", () => {
  withTool("zstd")("reads -19 --long (a 128 MiB window) and frames with and without a content checksum", async () => {
    await expectPayload(made("long.zst", "zstd -q -19 --long -c"), "zstd");
    await expectPayload(made("check.zst", "zstd -q --check -c"), "zstd");
    await expectPayload(made("nocheck.zst", "zstd -q --no-check -c"), "zstd");
  });
  withTool("zstd")("detects a flipped byte in a checksummed frame's content", async () => {
    // Stored (level 1 of incompressible data keeps raw blocks): only the checksum can tell.
    const random = Buffer.from(Array.from({ length: 1 << 16 }, (_, i) => (i * 2654435761) >>> 24));
    const file = made("raw.zst", "zstd -q --check -1 -c", random);
    await expect(run(flipped(file), "zstd")).rejects.toThrow(/bad: /);
  });
  withTool("zstd")("skips skippable frames", async () => {
    const skippable = Buffer.alloc(8 + 5);
    skippable.writeUInt32LE(0x184d2a5a, 0);
    skippable.writeUInt32LE(5, 4);
    const a = made("a.zst", "zstd -q -c", PAYLOAD.subarray(0, 1 << 20));
    const b = made("b.zst", "zstd -q -c", PAYLOAD.subarray(1 << 20));
    const skip = path.join(tempDir(), "skip.zst");
    writeFileSync(skip, skippable);
    await expectPayload(concat(skip, a, skip, b, skip), "zstd");
  });
  /** A tar of one file, `tool` (PAYLOAD), written by tar; then what checkMagic and readArchive make of `compressed` as a .tar.zst. */
  const tarOfTool = () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "tool"), PAYLOAD);
    return execSync(`tar -C ${dir} -cf - tool`, { maxBuffer: 256 << 20 });
  };
  const readTarZst = async (compressed: Buffer) => {
    const name = "tool-1.0.0-x86_64-unknown-linux-gnu.tar.zst";
    const file = path.join(tempDir(), name);
    writeFileSync(file, compressed);
    await checkMagic(file, name, formatFromName(name));
    const seen: { path: string; sha256: string }[] = [];
    await readArchive(file, formatFromName(name), name, async (entry) => {
      const hash = createHash("sha256");
      for await (const view of entry.open()) hash.update(view);
      seen.push({ path: entry.path, sha256: hash.digest("hex") });
    });
    return seen;
  };
  withTool("pzstd", "tar")("reads a .tar.zst written by pzstd, which starts with a skippable frame", async () => {
    const compressed = execSync("pzstd -q -p 2 -c", { input: tarOfTool(), maxBuffer: 256 << 20 });
    expect(compressed.readUInt32LE(0)).toBe(0x184d2a50);
    expect(await readTarZst(compressed)).toEqual([{ path: "tool", sha256: sha256(PAYLOAD) }]);
  });
  withTool("zstd", "tar")("reads a .tar.zst that starts with a skippable frame of any of the 16 magics (RFC 8878), then a zstd frame", async () => {
    const frame = execSync("zstd -q -c", { input: tarOfTool(), maxBuffer: 256 << 20 });
    for (let n = 0; n < 16; n++) {
      const skippable = Buffer.alloc(8 + 3, 0xee);
      skippable.writeUInt32LE(0x184d2a50 + n, 0);
      skippable.writeUInt32LE(3, 4);
      expect([n, await readTarZst(Buffer.concat([skippable, frame]))]).toEqual([n, [{ path: "tool", sha256: sha256(PAYLOAD) }]]);
    }
  });
  withTool("zstd", "tar")("refuses a skippable frame that claims nearly 4 GiB in words, naming the asset", async () => {
    // A small archive after it, as an attacker would send (a long one reads as truncated: also true).
    const dir = tempDir();
    writeFileSync(path.join(dir, "tool"), "#!/bin/sh\necho hi\n");
    const frame = execSync(`tar -C ${dir} -cf - tool | zstd -q -c`);
    for (const claim of [0xffffffff, 0xfffffffd, 0xfffffffb]) {
      const skippable = Buffer.alloc(8);
      skippable.writeUInt32LE(0x184d2a5f, 0);
      skippable.writeUInt32LE(claim, 4);
      const message = await readTarZst(Buffer.concat([skippable, frame])).then(() => "read", (e: Error) => e.message);
      expect([claim, message]).toEqual([
        claim,
        "tool-1.0.0-x86_64-unknown-linux-gnu.tar.zst is not readable as a zstd-compressed tar archive (a skippable frame claims nearly 4 GiB, more than the file holds: it is truncated or hostile). Check the asset name and archive type.",
      ]);
    }
  });
  it("still refuses a .tar.zst whose first bytes are another format's, or a magic just outside the skippable range", async () => {
    for (const magic of [0x184d2a4f, 0x184d2a60]) {
      const file = path.join(tempDir(), "tool.tar.zst");
      const head = Buffer.alloc(512);
      head.writeUInt32LE(magic, 0);
      writeFileSync(file, head);
      await expect(checkMagic(file, "tool.tar.zst", formatFromName("tool.tar.zst"))).rejects.toThrow(/^tool\.tar\.zst is named like a zstd-compressed tar archive, but its first bytes are something else/);
    }
  });
  withTool("zstd")("refuses a window over 128 MiB, from the tool and from a forged header", async () => {
    const big = made("big.zst", "zstd -q --long=28 -c", PAYLOAD.subarray(0, 4096));
    await expect(run(big, "zstd")).rejects.toThrow("window is over binwheel's 128 MiB limit");
    // Read from a pipe, the frame has a window descriptor (byte 5): exponent 21, 2^31 bytes.
    const forged = damaged(made("small.zst", "zstd -q -c", PAYLOAD.subarray(0, 4096)), (b) => {
      const c = Buffer.from(b);
      expect(c[4]! & 0x20).toBe(0); // not single-segment: a window descriptor follows
      c[5] = 21 << 3;
      return c;
    });
    await expect(run(forged, "zstd")).rejects.toThrow("window is over");
  });
  withTool("zstd")("keeps one instance's memory across frames with different windows", async () => {
    const long = made("long.zst", "zstd -q --long -c", PAYLOAD);
    const short = made("short.zst", "zstd -q -1 -c", PAYLOAD);
    const alone = await memoryAfter(zstdDecoder(27), long);
    expect(await memoryAfter(zstdDecoder(27), concat(long, short, long, short, long))).toBe(alone);
  });
});

describe("bzip2", () => {
  withTool("pbzip2")("reads pbzip2's output: one stream per block", async () => {
    await expectPayload(made("p.bz2", "pbzip2 -p2 -b1 -c"), "bzip2");
  });
  withTool("lbzip2")("reads lbzip2's output", async () => {
    await expectPayload(made("l.bz2", "lbzip2 -n2 -c"), "bzip2");
  });
  withTool("bzip2")("keeps one instance's memory across many streams", async () => {
    const nine = made("9.bz2", "bzip2 -9 -c", PAYLOAD.subarray(0, 1 << 20));
    const one = made("1.bz2", "bzip2 -1 -c", PAYLOAD.subarray(0, 1 << 20));
    const alone = await memoryAfter(bzip2Decoder(), nine);
    expect(await memoryAfter(bzip2Decoder(), concat(nine, one, nine, one, nine, one))).toBe(alone);
  });
});

describe("bare compressed files through readArchive", () => {
  withTool("xz", "zstd", "gzip")("read tool.xz, tool.zst and tool.gz as one member named tool", async () => {
    for (const [name, cmd] of [["tool.xz", "xz -c"], ["tool.zst", "zstd -q -c"], ["tool.gz", "gzip -c"]] as const) {
      const file = made(name, cmd);
      const seen: { path: string; size: number; sha256: string }[] = [];
      let counted = 0;
      await readArchive(file, formatFromName(name), name, async (entry) => {
        const hash = createHash("sha256");
        for await (const view of entry.open()) hash.update(view);
        seen.push({ path: entry.path, size: entry.size, sha256: hash.digest("hex") });
      }, (n) => (counted += n));
      expect(seen).toEqual([{ path: "tool", size: -1, sha256: sha256(PAYLOAD) }]);
      expect(counted).toBe(PAYLOAD.length);
    }
  });
  withTool("xz")("name the asset in the error for damaged data", async () => {
    const file = flipped(made("tool.xz", "xz -c"));
    const read = readArchive(file, formatFromName("tool.xz"), "tool.xz", async (entry) => {
      for await (const _ of entry.open());
    });
    await expect(read).rejects.toThrow(/^tool\.xz is not readable as an xz-compressed file \(it is damaged/);
  });
});
