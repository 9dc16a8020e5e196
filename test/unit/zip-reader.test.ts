// readZip on zips written by Python's zipfile: plain, ZIP64 (forced in the local headers, and
// with ZIP64 sizes, offsets and end records throughout), members small and large, stored and
// deflated; and every way a member can be damaged ends in a BinwheelError naming the member.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { readZip } from "../../src/archive/zip.js";
import { BinwheelError } from "../../src/errors.js";
import { tempDir } from "../support/tmp.js";

interface Layout {
  /** Offsets of each member's central record, local header and data, and its sizes and SHA-256. */
  [name: string]: { central: number; local: number; data: number; compressed: number; size: number; sha256: string };
}

/** Writes a zip with Python's zipfile in `mode` ("plain", "force": ZIP64 local headers, "all": ZIP64 everywhere). */
async function pythonZip(file: string, mode: "plain" | "force" | "all"): Promise<Layout> {
  const { stdout } = await execa("python3", ["-c", `
import hashlib, json, random, struct, sys, zipfile
out, mode = sys.argv[1], sys.argv[2]
rnd = random.Random(7)
words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
members = {
    "bin/tool.exe": " ".join(rnd.choice(words) + str(rnd.randrange(1000)) for _ in range(400000)).encode(),
    "lib/small.dll": " ".join(rnd.choice(words) for _ in range(2000)).encode(),
    "share/stored.bin": rnd.randbytes(2_500_000),
    "share/empty.txt": b"",
}
if mode == "all":
    zipfile.ZIP64_LIMIT = 0  # every size and offset past the limit: 0x0001 extras, ZIP64 end records
with zipfile.ZipFile(out, "w") as z:
    for name, data in members.items():
        info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
        # (an empty deflated member is 2 bytes, which this ZIP64_LIMIT would refuse)
        stored = name.endswith(".bin") or (mode == "all" and not data)
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        info.external_attr = 0o100644 << 16
        if mode == "force":
            with z.open(info, "w", force_zip64=True) as f:
                f.write(data)
        else:
            z.writestr(info, data)
raw = open(out, "rb").read()
layout = {}
with zipfile.ZipFile(out) as z:
    p = z.start_dir
    for info in z.infolist():
        n, e, c = struct.unpack("<HHH", raw[p + 28:p + 34])
        ln, le = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        data = members[info.filename]
        layout[info.filename] = {"central": p, "local": info.header_offset, "data": info.header_offset + 30 + ln + le,
            "compressed": info.compress_size, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        p += 46 + n + e + c
print(json.dumps(layout))
`, file, mode]);
  return JSON.parse(stdout) as Layout;
}

/** Every file member's SHA-256, read through readZip. */
async function readAll(file: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  await readZip(file, path.basename(file), async (entry) => {
    const hash = createHash("sha256");
    for await (const chunk of entry.open()) hash.update(chunk);
    hashes[entry.path] = hash.digest("hex");
  });
  return hashes;
}

/** The BinwheelError readZip throws for `file`. */
async function readError(file: string): Promise<BinwheelError> {
  const error = await readAll(file).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BinwheelError);
  return error as BinwheelError;
}

/** A copy of `file` named `name`, with `patch` applied to its bytes. */
function patched(file: string, name: string, patch: (bytes: Buffer) => void): string {
  const bytes = readFileSync(file);
  patch(bytes);
  const out = path.join(path.dirname(file), name);
  writeFileSync(out, bytes);
  return out;
}

describe("readZip", () => {
  it.each([["without ZIP64", "plain"], ["with ZIP64 local headers", "force"], ["with ZIP64 throughout", "all"]] as const)("reads a zip Python's zipfile wrote %s", async (_, mode) => {
    const file = path.join(tempDir(), "a.zip");
    const layout = await pythonZip(file, mode);
    expect(await readAll(file)).toEqual(Object.fromEntries(Object.entries(layout).map(([n, m]) => [n, m.sha256])));
  });

  it("names the archive and the member for every kind of damage", async () => {
    const file = path.join(tempDir(), "good.zip");
    const layout = await pythonZip(file, "plain");
    const small = layout["lib/small.dll"]!;
    const big = layout["bin/tool.exe"]!;
    const stored = layout["share/stored.bin"]!;
    const cases: [string, (b: Buffer) => void, RegExp][] = [
      // One byte of the deflated data flipped: a zlib error, or output that fails the CRC or size.
      ["flipped-small.zip", (b) => { b[small.data + (small.compressed >> 1)]! ^= 0x55; }, /flipped-small\.zip is not a readable \.zip archive \("lib\/small\.dll" is damaged/],
      ["flipped-big.zip", (b) => { b[big.data + (big.compressed >> 1)]! ^= 0x55; }, /flipped-big\.zip is not a readable \.zip archive \("bin\/tool\.exe" is damaged/],
      ["flipped-stored.zip", (b) => { b[stored.data + 1000]! ^= 0x55; }, /"share\/stored\.bin" is damaged: its CRC-32 differs from the central directory's/],
      // The CRC-32 in the central directory changed.
      ["crc-small.zip", (b) => { b[small.central + 16]! ^= 1; }, /"lib\/small\.dll" is damaged: its CRC-32 differs from the central directory's/],
      ["crc-big.zip", (b) => { b[big.central + 16]! ^= 1; }, /"bin\/tool\.exe" is damaged: its CRC-32 differs/],
      // Sizes in the central directory that lie either way.
      ["smaller.zip", (b) => b.writeUInt32LE(1000, big.central + 24), /"bin\/tool\.exe" is damaged: it inflates past the 1000 bytes it declares/],
      ["larger.zip", (b) => b.writeUInt32LE(small.size + 1, small.central + 24), new RegExp(`"lib/small\\.dll" is damaged: it holds ${small.size} bytes, not the ${small.size + 1}`)],
      // Deflate data cut short (the central directory says it is half as long).
      ["short.zip", (b) => b.writeUInt32LE(small.compressed >> 1, small.central + 20), /"lib\/small\.dll" is damaged: (its deflate data ends early|.*inflates)/],
      // A member whose data runs past the end of the file; a local header overwritten.
      ["past-end.zip", (b) => b.writeUInt32LE(b.length, small.central + 20), /"lib\/small\.dll" is truncated: its data runs past the end of the file/],
      ["no-local.zip", (b) => b.writeUInt32LE(0, small.local), /"lib\/small\.dll" has no local header at offset/],
    ];
    for (const [name, patch, message] of cases) {
      const error = await readError(patched(file, name, patch));
      expect(error.message, name).toMatch(message);
      expect(error.message, name).not.toMatch(/this is a bug/);
    }
    // A download cut short has no central directory left.
    const cut = path.join(path.dirname(file), "cut.zip");
    writeFileSync(cut, readFileSync(file).subarray(0, big.data + 5000));
    expect((await readError(cut)).message).toMatch(/cut\.zip is not a readable \.zip archive \(no end of central directory record\)/);
  });
});
