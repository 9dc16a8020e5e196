import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { ArchiveGuard } from "../../src/archive/guard.js";
import { includeFromArchive } from "../../src/wheel/include.js";
import { formatFromName } from "../../src/archive/format.js";
import { readArchive } from "../../src/archive/read.js";
import { loadProject } from "../../src/config/pyproject.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { Spool } from "../../src/wheel/member.js";
import { packTarGz, packZip, rawTarGz, toondbFiles, type FixtureFile, type RawTarEntry } from "../support/fixtures.js";
import { TOONDB_PYPROJECT, tempDir, tempProject } from "../support/tmp.js";

const LINUX = "x86_64-unknown-linux-gnu";

/** Runs the include step of `pyproject` (default: the ToonDB one) over an archive of `files`. */
async function include(files: FixtureFile[], options: { triple?: string; pyproject?: string; zip?: Buffer; tar?: Buffer } = {}) {
  const root = tempProject({ "pyproject.toml": options.pyproject ?? TOONDB_PYPROJECT, "toondb/__init__.py": "" });
  const triple = options.triple ?? LINUX;
  const plan = planTarget(loadProject(root), { target: triple, offline: false, locked: false, verbose: false }, undefined, {});
  const archive = path.join(root, "asset");
  writeFileSync(archive, options.zip ?? options.tar ?? (plan.target.archive === "zip" ? await packZip(files) : await packTarGz(files)));
  const spool = await Spool.create(path.join(root, "spool"));
  try {
    const placed = await includeFromArchive({ file: archive, sha256: "0".repeat(64) }, plan, spool);
    return Object.fromEntries(placed.map((f) => [f.wheelPath, { mode: f.mode.toString(8), size: f.member.size, sha256: f.member.sha256, from: f.archivePath }]));
  } finally {
    await spool.close();
  }
}

async function includeError(files: FixtureFile[], options: Parameters<typeof include>[1] = {}): Promise<string> {
  try {
    await include(files, options);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("includeFromArchive", () => {
  it("drops one common top folder and keeps exec bits", async () => {
    const files = toondbFiles(LINUX).map((f) => ({ ...f, path: `toondb-0.3.2-${LINUX}/${f.path}` }));
    const placed = await include(files);
    expect(Object.keys(placed).sort()).toEqual([
      "toondb/_bin/linux-x86_64/toondb-bulk",
      "toondb/_bin/linux-x86_64/toondb-grpc-server",
      "toondb/_bin/linux-x86_64/toondb-server",
      "toondb/lib/linux-x86_64/libtoondb_index.so",
      "toondb/lib/linux-x86_64/libtoondb_storage.so",
    ]);
    expect(placed["toondb/_bin/linux-x86_64/toondb-bulk"]!.mode).toBe("755");
    expect(placed["toondb/lib/linux-x86_64/libtoondb_index.so"]!.mode).toBe("644");
    expect(placed["toondb/_bin/linux-x86_64/toondb-bulk"]!.from).toBe(`toondb-0.3.2-${LINUX}/bin/toondb-bulk`);
  });

  it("takes whole contents that span the reader's reused buffers, small files and large", async () => {
    // The .tar.gz reader lends 256 KiB views: the small-file path must copy, not keep them.
    const contents = { "bin/toondb-bulk": randomBytes(200 << 10), "lib/libtoondb_index.so": randomBytes(900 << 10), "lib/libtoondb_storage.so": randomBytes(2500 << 10) };
    for (const triple of [LINUX, "x86_64-pc-windows-msvc"]) {
      const windows = triple.includes("windows");
      const files = Object.entries(contents).map(([p, content]) => ({ path: windows ? p.replace(/\.so$/, ".dll").replace(/bulk$/, "bulk.exe") : p, content, mode: 0o755 }));
      const placed = Object.values(await include(files, { triple }));
      const byOrigin = Object.fromEntries(placed.map((f) => [f.from.replace(/\.dll$/, ".so").replace(/\.exe$/, ""), f.sha256]));
      for (const [p, content] of Object.entries(contents)) expect(byOrigin[p], `${triple}: ${p}`).toBe(createHash("sha256").update(content).digest("base64url"));
    }
  });

  it("matches flat archives as they are, and an archive whose only folder is bin/", async () => {
    expect(Object.keys(await include(toondbFiles(LINUX)))).toHaveLength(5);
    const binOnly = await include(
      [{ path: "bin/toondb-bulk", content: "x", mode: 0o755 }, { path: "lib/libtoondb_index.so", content: "y" }].filter((f) => f.path.startsWith("bin")).concat([{ path: "bin/lib/libx.so", content: "z" }]),
      { pyproject: TOONDB_PYPROJECT.replace('from = "lib/*"', 'from = "bin/lib/*"') },
    );
    expect(Object.keys(binOnly).sort()).toEqual(["toondb/_bin/linux-x86_64/toondb-bulk", "toondb/lib/linux-x86_64/libx.so"]);
  });

  it("keeps the path below the pattern's fixed part", async () => {
    const placed = await include(
      [
        { path: "pkg/bin/toondb-bulk", content: "x", mode: 0o755 },
        { path: "pkg/lib/plugins/a/libp.so", content: "p" },
      ],
      { pyproject: TOONDB_PYPROJECT.replace('from = "lib/*"', 'from = "lib/**"') },
    );
    expect(Object.keys(placed)).toContain("toondb/lib/linux-x86_64/plugins/a/libp.so");
  });

  it("reads Windows zips (no Unix modes) and marks .exe files executable", async () => {
    const placed = await include(toondbFiles("x86_64-pc-windows-msvc"), { triple: "x86_64-pc-windows-msvc" });
    expect(placed["toondb/_bin/windows-x86_64/toondb-bulk.exe"]!.mode).toBe("755");
    expect(placed["toondb/lib/windows-x86_64/toondb_storage.dll"]!.mode).toBe("644");
  });

  it("copies a symlink's target (wheels cannot hold links)", async () => {
    const zip = new JSZip();
    zip.file("lib/libtoondb_index.so.1", "real library");
    zip.file("lib/libtoondb_index.so", "libtoondb_index.so.1", { unixPermissions: 0o120777 });
    zip.file("bin/toondb-bulk", "x", { unixPermissions: 0o100755 });
    const buffer = await zip.generateAsync({ type: "nodebuffer", platform: "UNIX" });
    const placed = await include([], { triple: "x86_64-pc-windows-msvc", zip: buffer });
    expect(placed["toondb/lib/windows-x86_64/libtoondb_index.so"]).toMatchObject({ size: 12, from: "lib/libtoondb_index.so" });
    expect(placed["toondb/_bin/windows-x86_64/toondb-bulk"]!.mode).toBe("755");
  });

  it("names the rule and lists the archive when a rule matches nothing", async () => {
    const message = await includeError([{ path: "t/bin/toondb-bulk", content: "x" }, { path: "t/share/doc.txt", content: "d" }]);
    expect(message).toMatch(/\[\[tool\.binwheel\.include\]\] #2 \(from = "lib\/\*"\) matches nothing in toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz/);
    expect(message).toMatch(/inside its top folder t\/\): bin\/toondb-bulk, share\/doc\.txt/);
  });

  it("refuses two files for one wheel path", async () => {
    const message = await includeError(
      [{ path: "bin/x", content: "1" }, { path: "lib/x", content: "2" }],
      { pyproject: TOONDB_PYPROJECT.replace('to = "toondb/lib/{platform}"', 'to = "toondb/_bin/{platform}"') },
    );
    expect(message).toMatch(/would put "lib\/x" at toondb\/_bin\/linux-x86_64\/x, where "bin\/x" already goes/);
  });

  it("refuses unsafe entry names", async () => {
    const zip = new JSZip();
    zip.file("QQ/evil", "x");
    const dir = tempDir();
    // jszip cleans names, so write a safe one and patch it in the local and central headers.
    const bytes = (await zip.generateAsync({ type: "nodebuffer" })).toString("latin1").replaceAll("QQ/evil", "../evil");
    writeFileSync(path.join(dir, "a.zip"), Buffer.from(bytes, "latin1"));
    await expect(readArchive(path.join(dir, "a.zip"), formatFromName("a.zip"), "a.zip", async () => {})).rejects.toThrow(/unsafe path \("\.\.\/evil"\)/);
  });

  it("reports a damaged archive as such", async () => {
    const dir = tempDir();
    const good = await packTarGz(toondbFiles(LINUX));
    writeFileSync(path.join(dir, "cut.tar.gz"), good.subarray(0, good.length >> 1));
    writeFileSync(path.join(dir, "junk.zip"), "not a zip at all");
    const drain = async (e: { open(): AsyncIterable<Buffer> }) => { for await (const _ of e.open()); };
    await expect(readArchive(path.join(dir, "cut.tar.gz"), formatFromName("cut.tar.gz"), "cut.tar.gz", drain)).rejects.toThrow(/cut\.tar\.gz is not readable as a gzip-compressed tar archive/);
    await expect(readArchive(path.join(dir, "junk.zip"), formatFromName("junk.zip"), "junk.zip", drain)).rejects.toThrow(/junk\.zip is not a readable \.zip archive \(no end of central directory record\)/);
  });
});

describe("hostile archives", () => {
  const base: RawTarEntry[] = [
    { name: "bin/toondb-bulk", content: "#!/bin/sh\n", mode: 0o755 },
    { name: "lib/libtoondb_index.so", content: "lib" },
  ];
  it.each([
    ["a hard link", { name: "bin/linked", type: "1", linkname: "bin/toondb-bulk" }, /holds a hard link \("bin\/linked" -> "bin\/toondb-bulk"\); binwheel refuses the archive/],
    ["a FIFO", { name: "bin/pipe", type: "6" }, /holds a special file \("bin\/pipe": a device, FIFO or socket\)/],
    ["a device", { name: "dev/null", type: "3" }, /holds a special file \("dev\/null"/],
    ["a symlink out of the archive", { name: "lib/passwd", type: "2", linkname: "../../etc/passwd" }, /a symlink that points out of the archive \("lib\/passwd" -> "\.\.\/\.\.\/etc\/passwd"\)/],
    ["an absolute symlink", { name: "lib/abs", type: "2", linkname: "/etc/passwd" }, /a symlink that points out of the archive \("lib\/abs" -> "\/etc\/passwd"\)/],
    ["a name twice", { name: "lib/libtoondb_index.so", content: "other" }, /holds "lib\/libtoondb_index\.so" twice/],
    ["an absolute path", { name: "/etc/cron.d/evil", content: "x" }, /unsafe path \("\/etc\/cron\.d\/evil"\)/],
    ["a parent path", { name: "bin/../../evil", content: "x" }, /unsafe path \("bin\/\.\.\/\.\.\/evil"\)/],
  ] as [string, RawTarEntry, RegExp][])("refuses %s, even outside the include rules", async (_, hostile, message) => {
    const tar = await rawTarGz([...base, hostile]);
    await expect(include([], { tar })).rejects.toThrow(message);
  });

  it("stops a decompression bomb while it inflates", async () => {
    const tar = await rawTarGz([...base, { name: "lib/bomb.so", zeros: 1229 << 20 }]);
    expect(tar.length).toBeLessThan(4 << 20);
    await expect(include([], { tar })).rejects.toThrow(/expands to more than 1\.0 GiB from [\d.]+ MiB \(over 100 times its size\): it looks like a decompression bomb/);
  }, 60_000);

  it("counts every decompressed byte against size and ratio limits", () => {
    const feed = (guard: ArchiveGuard) => { for (let i = 0; i < 1229; i++) guard.count(1 << 20); };
    // 1.2 GiB from a 20 MiB archive is fine (60x); from a 10 MiB one it is not (over 100x past 1 GiB).
    expect(() => feed(new ArchiveGuard("ok.tar.gz", 20 << 20))).not.toThrow();
    expect(() => feed(new ArchiveGuard("bomb.tar.gz", 10 << 20))).toThrow(/bomb\.tar\.gz expands to more than 1\.0 GiB from 10\.0 MiB \(over 100 times its size\)/);
  });

  it("stops a decompression bomb in an entry no rule wants", async () => {
    const tar = await rawTarGz([...base, { name: "share/bomb.bin", zeros: 1229 << 20 }]);
    await expect(include([], { tar })).rejects.toThrow(/expands to more than 1\.0 GiB .* it looks like a decompression bomb/);
  }, 60_000);

  it("stops a zip member that inflates past its declared size", async () => {
    const zip = new JSZip();
    zip.file("bin/toondb-bulk", "x".repeat(1000), { unixPermissions: 0o100755, createFolders: false });
    zip.file("lib/libtoondb_index.so", "lib", { createFolders: false });
    const bytes = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "UNIX" });
    // Make both headers of the first member claim 10 bytes (their uncompressed size fields).
    const lie = Buffer.from(bytes);
    lie.writeUInt32LE(10, 22);
    const cd = lie.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), lie.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) - 1);
    lie.writeUInt32LE(10, cd + 24);
    await expect(include([], { triple: "x86_64-pc-windows-msvc", zip: lie })).rejects.toThrow(/inflates past the 10 bytes it declares/);
  });
});
