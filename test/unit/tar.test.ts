// The .tar.gz reader (gunzip into a reused buffer, then the tar format) against archives written
// by other tools: node-tar, GNU tar in each of its formats, and hand-made damaged ones.
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { ArchiveEntry } from "../../src/archive/entries.js";
import { readTar } from "../../src/archive/tar.js";
import { packTarGz, rawTarGz } from "../support/fixtures.js";
import { tempDir } from "../support/tmp.js";

interface Seen {
  type: ArchiveEntry["type"];
  mode: string;
  size: number;
  linkTarget?: string;
  sha256?: string;
}

/** Reads `archive` with readTar, hashing every file's content as the chunks stream by. */
async function readAll(archive: Buffer | string, options: { skip?: (p: string) => boolean } = {}): Promise<Record<string, Seen>> {
  const file = typeof archive === "string" ? archive : path.join(tempDir(), "a.tar.gz");
  if (typeof archive !== "string") writeFileSync(file, archive);
  const seen: Record<string, Seen> = {};
  await readTar(file, "a.tar.gz", async (entry) => {
    const record: Seen = { type: entry.type, mode: entry.mode.toString(8), size: entry.size, ...(entry.linkTarget !== undefined && { linkTarget: entry.linkTarget }) };
    if (entry.type === "file" && !options.skip?.(entry.path)) {
      const hash = createHash("sha256");
      for await (const chunk of entry.open()) hash.update(chunk);
      record.sha256 = hash.digest("hex");
    }
    seen[entry.path] = record;
  });
  return seen;
}

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** Runs GNU tar in `dir` over `names`, gzipped, in the given --format. */
function gnuTar(dir: string, format: string, names: string[]): Buffer {
  return execFileSync("tar", ["-C", dir, `--format=${format}`, "--owner=0", "--group=0", "-czf", "-", ...names], { maxBuffer: 64 << 20 });
}

describe("readTar", () => {
  it("reads node-tar's archives: long and non-ASCII names, links, contents larger than its buffer", async () => {
    const big = randomBytes(3 << 20); // spans many of the 256 KiB output views
    const longName = `deep/${"n".repeat(120)}/${"é".repeat(30)}.bin`;
    const seen = await readAll(
      await packTarGz([
        { path: "pkg/bin/tool", content: big, mode: 0o755 },
        { path: `pkg/${longName}`, content: "long" },
        { path: "pkg/empty", content: "" },
      ]),
    );
    expect(seen["pkg/bin/tool"]).toEqual({ type: "file", mode: "755", size: big.length, sha256: sha256(big) });
    expect(seen[`pkg/${longName}`]).toMatchObject({ type: "file", sha256: sha256("long") });
    expect(seen["pkg/empty"]).toMatchObject({ size: 0, sha256: sha256("") });
  });

  it.each(["gnu", "posix", "ustar", "v7"])("reads GNU tar's %s format", async (format) => {
    const dir = tempDir();
    // Long paths: GNU's own headers, pax records, or ustar's prefix field; v7 has none. Link
    // targets over 100 bytes only in the first two.
    const deep = format === "v7" ? "a/b" : `a/${"d".repeat(90)}/${"e".repeat(60)}`;
    const target = `${format === "gnu" || format === "posix" ? "../".repeat(40) + `top/${deep}/` : ""}lib.so`;
    mkdirSync(path.join(dir, "top", deep), { recursive: true });
    const content = randomBytes(700 << 10);
    writeFileSync(path.join(dir, "top", deep, "lib.so"), content, { mode: 0o755 });
    execFileSync("ln", ["-s", target, path.join(dir, "top", deep, "link")]);
    const seen = await readAll(gnuTar(dir, format, ["top"]));
    expect(seen[`top/${deep}/lib.so`]).toEqual({ type: "file", mode: "755", size: content.length, sha256: sha256(content) });
    expect(seen[`top/${deep}/link`]).toMatchObject({ type: "symlink", linkTarget: target });
    expect(seen["top"]).toMatchObject({ type: "directory" });
  });

  it("skips what the handler does not read, and reads a base-256 size", async () => {
    const first = randomBytes(300 << 10);
    const after = randomBytes(1000);
    const archive = await rawTarGz([
      { name: "skipped.bin", content: first },
      { name: "after.bin", content: after },
    ]);
    expect(await readAll(archive, { skip: (p) => p === "skipped.bin" })).toMatchObject({ "skipped.bin": { size: first.length }, "after.bin": { sha256: sha256(after) } });
    // GNU tar writes sizes past 8 GiB in base 256; the same field holding a small size must read the same.
    const raw = await rawTarGz([{ name: "b256.bin", content: after }]);
    const tar = gunzipSync(raw);
    tar.fill(0, 124, 136);
    tar[124] = 0x80;
    tar.writeUInt16BE(after.length, 134);
    rechecksum(tar);
    expect((await readAll(gzipSync(tar)))["b256.bin"]).toMatchObject({ size: after.length, sha256: sha256(after) });
  });

  it("takes a regular-file entry whose name ends in a slash for a directory, as old tars wrote them", async () => {
    const seen = await readAll(await rawTarGz([{ name: "old/", type: "\0" }, { name: "old/file", content: "x" }]));
    expect(seen).toMatchObject({ old: { type: "directory" }, "old/file": { type: "file", sha256: sha256("x") } });
  });

  it("reads every gzip member and ignores padding after the last", async () => {
    const tar = gunzip(await rawTarGz([{ name: "one", content: "1".repeat(5000) }, { name: "two", content: "2" }]));
    const split = Buffer.concat([gzipSync(tar.subarray(0, 1536)), gzipSync(tar.subarray(1536)), Buffer.alloc(512)]);
    expect(Object.keys(await readAll(split))).toEqual(["one", "two"]);
  });

  it.each([
    ["not gzip", () => Buffer.from("PK\x03\x04 not a tarball"), /it does not start like a gzip file/],
    ["an empty file", () => Buffer.alloc(0), /the file is empty/],
    ["a cut file", (good: Buffer) => good.subarray(0, good.length - 20), /unexpected end of file/],
    ["a wrong CRC-32", (good: Buffer) => flip(good, good.length - 8), /its CRC-32 does not match: the file is damaged/],
    ["a wrong length", (good: Buffer) => flip(good, good.length - 1), /its length does not match/],
    ["damaged DEFLATE data", (good: Buffer) => flip(good, 12, 0xff), /not readable as a gzip-compressed tar archive \(invalid/],
    ["a damaged tar header", (good: Buffer) => gzipSync(flip(gunzip(good), 10)), /an entry's header checksum does not match/],
    ["a tar cut inside a file", (good: Buffer) => gzipSync(gunzip(good).subarray(0, 1024)), /it ends inside "f\.bin"/],
  ])("names the damage: %s", async (_label, make, message) => {
    const good = await rawTarGz([{ name: "f.bin", content: "binwheel ".repeat(600) }]);
    const error = await readAll(make(good)).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/^a\.tar\.gz is not readable as a gzip-compressed tar archive \(.*\)\. Check the asset name and archive type\.$/);
    expect(error?.message).toMatch(message);
  });

  it("lists what GNU tar lists", async () => {
    const archive = await packTarGz([{ path: "x/y", content: "z" }, { path: "x/w/v", content: "u" }]);
    const file = path.join(tempDir(), "x.tar.gz");
    writeFileSync(file, archive);
    const listed = execFileSync("tar", ["-tzf", file], { encoding: "utf8" }).trim().split("\n").map((p) => p.replace(/\/$/, ""));
    expect(Object.keys(await readAll(file))).toEqual(listed);
  });

  it("passes the handler's error on, and stops reading", async () => {
    const archive = await packTarGz([{ path: "a", content: "a" }, { path: "b", content: "b" }]);
    const file = path.join(tempDir(), "a.tar.gz");
    writeFileSync(file, archive);
    const seen: string[] = [];
    const failing = readTar(file, "a.tar.gz", async (entry) => {
      seen.push(entry.path);
      throw new Error("handler says no");
    });
    await expect(failing).rejects.toThrow("handler says no");
    expect(seen).toEqual(["a"]);
  });
});

const gunzip = (b: Buffer) => gunzipSync(b);

function flip(b: Buffer, at: number, mask = 0x01): Buffer {
  const copy = Buffer.from(b);
  copy[at]! ^= mask;
  return copy;
}

/** Rewrites the first header's checksum after an edit. */
function rechecksum(tar: Buffer): void {
  tar.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += tar[i]!;
  tar.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
}

