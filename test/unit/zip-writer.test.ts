import { readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { readZip } from "../../src/archive/zip.js";
import { Spool, memberFromBuffer } from "../../src/wheel/member.js";
import { buildTimestamp } from "../../src/config/epoch.js";
import { ZipWriter, dosTime } from "../../src/wheel/zip-writer.js";
import { inspectZip } from "../support/zip-inspect.js";
import { tempDir } from "../support/tmp.js";

async function writeTestZip(dir: string, sde?: string): Promise<string> {
  const spool = await Spool.create(path.join(dir, "spool"));
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
  big.write("not all the same", 1000);
  const { member: bigMember } = await spool.add(Readable.from([big.subarray(0, 100), big.subarray(100)]));
  const file = path.join(dir, "out.zip");
  const out = await open(file, "w");
  const zip = new ZipWriter(out, dosTime(buildTimestamp({ SOURCE_DATE_EPOCH: sde })));
  await zip.add({ name: "pkg/_bin/tool", mode: 0o755, member: bigMember });
  await zip.add({ name: "pkg/__init__.py", mode: 0o644, member: memberFromBuffer(Buffer.from("x = 1\n")) });
  await zip.add({ name: "pkg/empty.txt", mode: 0o644, member: memberFromBuffer(Buffer.alloc(0)) });
  await zip.add({ name: "pkg/naïve.txt", mode: 0o644, member: memberFromBuffer(Buffer.from("é")) });
  await zip.finish();
  await out.close();
  await spool.close();
  return file;
}

describe("ZipWriter", () => {
  it("follows the wheel framing rules", async () => {
    const data = readFileSync(await writeTestZip(tempDir()));
    const { entries, endAtEof, contiguous } = inspectZip(data);
    expect(endAtEof).toBe(true);
    expect(contiguous).toBe(true);
    expect(entries.map((e) => e.name)).toEqual(["pkg/_bin/tool", "pkg/__init__.py", "pkg/empty.txt", "pkg/naïve.txt"]);
    for (const e of entries) {
      expect(e.localMatchesCentral).toBe(true);
      expect(e.flags & 0x8).toBe(0); // no data descriptor
      expect(e.method).toBe(8);
      expect(e.versionMadeBy >> 8).toBe(3); // Unix
      expect(e.extraLength).toBe(0);
      expect((e.externalAttr >>> 16) & 0o170000).toBe(0o100000); // S_IFREG
    }
    expect((entries[0]!.externalAttr >>> 16) & 0o777).toBe(0o755);
    expect((entries[1]!.externalAttr >>> 16) & 0o777).toBe(0o644);
    expect(entries[3]!.flags & 0x800).toBe(0x800); // UTF-8 name flag only for non-ASCII
    expect(entries[1]!.flags).toBe(0);
  });

  it("round-trips through an independent reader (jszip) and binwheel's own", async () => {
    const file = await writeTestZip(tempDir());
    const zip = await JSZip.loadAsync(readFileSync(file));
    const big = await zip.file("pkg/_bin/tool")!.async("nodebuffer");
    expect(big.length).toBe(3 * 1024 * 1024 + 17);
    expect(big.toString("latin1", 1000, 1016)).toBe("not all the same");
    expect(await zip.file("pkg/__init__.py")!.async("string")).toBe("x = 1\n");
    expect(await zip.file("pkg/empty.txt")!.async("string")).toBe("");
    const seen: Record<string, number> = {};
    await readZip(file, "out.zip", async (entry) => {
      let size = 0;
      for await (const chunk of entry.open()) size += chunk.length;
      seen[entry.path] = size;
      expect(entry.mode).toBe(entry.path === "pkg/_bin/tool" ? 0o755 : 0o644);
    });
    expect(seen).toEqual({ "pkg/_bin/tool": 3 * 1024 * 1024 + 17, "pkg/__init__.py": 6, "pkg/empty.txt": 0, "pkg/naïve.txt": 2 });
  });

  it("is byte-identical for the same inputs and stamps SOURCE_DATE_EPOCH", async () => {
    const a = readFileSync(await writeTestZip(tempDir(), "1700000000"));
    const b = readFileSync(await writeTestZip(tempDir(), "1700000000"));
    expect(a.equals(b)).toBe(true);
    const e = inspectZip(a).entries[0]!;
    // 2023-11-14 22:13:20 UTC
    expect([e.dosDate >> 9, (e.dosDate >> 5) & 15, e.dosDate & 31]).toEqual([2023 - 1980, 11, 14]);
    expect([e.dosTime >> 11, (e.dosTime >> 5) & 63, (e.dosTime & 31) * 2]).toEqual([22, 13, 20]);
  });

  it("clamps timestamps before 1980 and rejects garbage", () => {
    expect(buildTimestamp({ SOURCE_DATE_EPOCH: "0" })).toBe(buildTimestamp({}));
    expect(dosTime(buildTimestamp({}))).toEqual({ date: (1 << 5) | 1, time: 0 });
    expect(() => buildTimestamp({ SOURCE_DATE_EPOCH: "yesterday" })).toThrow(/SOURCE_DATE_EPOCH="yesterday" is not a whole number/);
  });
});
