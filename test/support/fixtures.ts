// Upstream release fixtures: archives shaped like a real ToonDB release, built in memory.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import JSZip from "jszip";
import { create as createTar } from "tar";
import { EM, elf, machO, pe } from "./binaries.js";
import type { StandInRelease } from "./github-standin.js";

export interface FixtureFile {
  path: string;
  content: Buffer | string;
  mode?: number;
}

const FIXED_MTIME = new Date("2024-01-01T00:00:00Z");

/** A .tar.gz with these files (modes kept), as `tar czf` would make it. */
export async function packTarGz(files: FixtureFile[]): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), "binwheel-fixture-"));
  try {
    for (const f of files) {
      const file = path.join(dir, f.path);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, f.content, { mode: f.mode ?? 0o644 });
    }
    const chunks: Buffer[] = [];
    const stream = createTar({ gzip: true, cwd: dir, portable: true, mtime: FIXED_MTIME }, files.map((f) => f.path));
    for await (const chunk of stream as unknown as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A .zip as Windows tools make it: DOS attributes, no Unix modes. */
export async function packZip(files: FixtureFile[]): Promise<Buffer> {
  const zip = new JSZip();
  for (const f of files) zip.file(f.path, f.content, { date: FIXED_MTIME });
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "DOS" });
}

/** A stand-in for a ToonDB executable: a POSIX shell script that answers --help and --exit N. */
export function fakeTool(name: string): string {
  return `#!/bin/sh
# ${name}: a stand-in for the ToonDB program of that name (binwheel test fixture).
case "$1" in
  --help|-h) echo "usage: ${name} [--help] [--exit CODE] [ARGS...]"; echo "${name} (ToonDB fixture build)"; exit 0 ;;
  --exit) exit "$2" ;;
esac
echo "${name} $*"
`;
}

export const TOONDB_TOOLS = ["toondb-bulk", "toondb-server", "toondb-grpc-server"];
export const TOONDB_TARGETS = ["x86_64-unknown-linux-gnu", "aarch64-apple-darwin", "x86_64-pc-windows-msvc"];

/** Per architecture: the ELF machine, the loader, and glibc's first symbol version there (what every binary needs). */
const LINUX_MACHINES: Record<string, { machine: number; bits?: 32; little?: false; flags?: number; loader: string; base: string }> = {
  x86_64: { machine: EM.X86_64, loader: "/lib64/ld-linux-x86-64.so.2", base: "2.2.5" },
  i686: { machine: EM.I386, bits: 32, loader: "/lib/ld-linux.so.2", base: "2.0" },
  aarch64: { machine: EM.AARCH64, loader: "/lib/ld-linux-aarch64.so.1", base: "2.17" },
  armv7: { machine: EM.ARM, bits: 32, flags: 0x05000400, loader: "/lib/ld-linux-armhf.so.3", base: "2.4" },
  powerpc64le: { machine: EM.PPC64, loader: "/lib64/ld64.so.2", base: "2.17" },
  s390x: { machine: EM.S390, little: false, loader: "/lib/ld64.so.1", base: "2.2" },
  riscv64gc: { machine: EM.RISCV, loader: "/lib/ld-linux-riscv64-lp64d.so.1", base: "2.27" },
};

/**
 * A shared library with real headers for `triple`: glibc 2.17 (2.31 on riscv64) or musl on Linux,
 * macOS 10.12 / 11.0 (both slices for universal2), the right PE machine on Windows.
 */
export function fixtureLibrary(triple: string, glibc = triple.startsWith("riscv64") ? "2.31" : "2.17"): Buffer {
  const padding = 2048;
  if (triple.endsWith("apple-darwin")) {
    const x86 = { cpu: "x86_64" as const, minos: "10.12" };
    const arm = { cpu: "arm64" as const, minos: "11.0" };
    return triple.startsWith("universal2") ? machO(x86, arm) : machO(triple.startsWith("x86_64") ? x86 : arm);
  }
  if (triple.includes("windows")) return pe({ x86_64: 0x8664, i686: 0x14c, aarch64: 0xaa64 }[triple.split("-")[0]!]!);
  const m = LINUX_MACHINES[triple.split("-")[0]!]!;
  const { machine, bits, little, flags } = m;
  const common = { machine, ...(bits && { bits }), ...(little === false && { little }), ...(flags && { flags }), padding };
  if (triple.includes("musl")) return elf({ ...common, needed: ["libc.so"] });
  return elf({ ...common, needed: ["libc.so.6"], versions: { "libc.so.6": [`GLIBC_${m.base}`, `GLIBC_${glibc}`] } });
}

/** The files of one target's asset; `tools` replaces the tools' content (e.g. a compiled binary). */
export function toondbFiles(triple: string, tools: Partial<Record<string, Buffer | string>> = {}): FixtureFile[] {
  const windows = triple.includes("windows");
  const libSuffix = windows ? ".dll" : triple.includes("apple") ? ".dylib" : ".so";
  return [
    // Tools are shell scripts on Unix so the demo and tests can run them; Windows gets PE headers.
    ...TOONDB_TOOLS.map((t) => ({ path: `bin/${t}${windows ? ".exe" : ""}`, content: tools[t] ?? (windows ? fixtureLibrary(triple) : fakeTool(t)), mode: 0o755 })),
    ...["storage", "index"].map((l) => ({ path: `lib/${windows ? "" : "lib"}toondb_${l}${libSuffix}`, content: fixtureLibrary(triple) })),
    { path: "LICENSE", content: "ToonDB is licensed under the Apache License 2.0 (fixture).\n" },
  ];
}

/**
 * The toondb/toondb release as its release workflow packs it: each target's files flat under a
 * `{triple}/` folder (.tar.gz on Linux and macOS, .zip on Windows), the Windows libraries named
 * without "lib" (toondb_storage.dll), and no toondb-server on Windows.
 */
export async function toondbRelease(
  version: string,
  options: { triples?: string[]; tools?: Partial<Record<string, Buffer | string>> } = {},
): Promise<StandInRelease> {
  const assets = await Promise.all(
    (options.triples ?? TOONDB_TARGETS).map(async (triple) => {
      // The license names the version, so each release's archives differ as real ones do.
      const files = toondbFiles(triple, options.tools)
        .filter((f) => !(triple.includes("windows") && f.path === "bin/toondb-server.exe"))
        .map((f) => ({ ...f, path: `${triple}/${path.posix.basename(f.path)}`, ...(f.path === "LICENSE" && { content: `ToonDB ${version}\n${String(f.content)}` }) }));
      const windows = triple.includes("windows");
      return { name: `toondb-${version}-${triple}.${windows ? "zip" : "tar.gz"}`, data: windows ? await packZip(files) : await packTarGz(files) };
    }),
  );
  return { owner: "toondb", repo: "toondb", tag: `v${version}`, assets };
}

export interface RawTarEntry {
  name: string;
  /** ustar type flag: "0" file, "1" hard link, "2" symlink, "3" char device, "5" directory, "6" FIFO. */
  type?: string;
  linkname?: string;
  content?: Buffer | string;
  /** A file of this many zero bytes, streamed (for decompression bombs). */
  zeros?: number;
  mode?: number;
}

/** A .tar.gz written header by header, for archives no well-behaved tool would make. */
export async function rawTarGz(entries: RawTarEntry[]): Promise<Buffer> {
  const { createGzip } = await import("node:zlib");
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => gzip.on("end", resolve));
  const write = async (b: Buffer) => {
    if (!gzip.write(b)) await new Promise((resolve) => gzip.once("drain", resolve));
  };
  for (const e of entries) {
    const content = e.content === undefined ? undefined : Buffer.from(e.content);
    const size = e.zeros ?? content?.length ?? 0;
    if (!Number.isSafeInteger(size)) throw new Error(`rawTarGz: ${e.name} has a size of ${size} bytes`);
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, "utf8");
    h.write(`${(e.mode ?? 0o644).toString(8).padStart(7, "0")}\0`, 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
    h.write("00000000000\0", 136);
    h.write("        ", 148);
    h.write(e.type ?? "0", 156);
    h.write(e.linkname ?? "", 157, 100, "utf8");
    h.write("ustar\x0000", 257, "latin1");
    let sum = 0;
    for (const byte of h) sum += byte;
    h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    await write(h);
    if (e.zeros) {
      const block = Buffer.alloc(1 << 20);
      for (let left = e.zeros; left > 0; left -= block.length) await write(left >= block.length ? block : block.subarray(0, left));
    } else if (content) {
      await write(content);
    }
    await write(Buffer.alloc((512 - (size % 512)) % 512));
  }
  await write(Buffer.alloc(1024));
  gzip.end();
  await done;
  return Buffer.concat(chunks);
}
