// A reproducible .tar.gz writer for sdists: POSIX pax format (ustar headers, a pax header only
// for names that need one), regular files only, modes 0644/0755, uid/gid 0 and no owner names,
// one mtime for every file, and a gzip header written here so its MTIME is that same time and its
// OS byte is fixed (Node's zlib would write the host's).
import { createReadStream } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { createDeflateRaw, crc32 } from "node:zlib";
import { once } from "node:events";
import { writeFully } from "../fs/write-fully.js";

export interface TarMember {
  /** Path inside the archive, `/`-separated. */
  name: string;
  mode: number;
  size: number;
  /** The content, or the file to stream it from. */
  source: Buffer | string;
}

const BLOCK = 512;
const RECORD = 20 * BLOCK; // like GNU tar and Python's tarfile

function header(name: string, size: number, mode: number, mtime: number, type: "0" | "x"): Buffer {
  const h = Buffer.alloc(BLOCK);
  const octal = (value: number, width: number, at: number) => h.write(value.toString(8).padStart(width - 1, "0") + "\0", at, "ascii");
  h.write(name, 0, 100, "utf8");
  octal(mode, 8, 100);
  octal(0, 8, 108);
  octal(0, 8, 116);
  octal(size, 12, 124);
  octal(mtime, 12, 136);
  h.write("        ", 148, "ascii"); // checksum placeholder
  h.write(type, 156, "ascii");
  h.write("ustar\0" + "00", 257, "ascii");
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
  return h;
}

/** A pax extended header record: "<length> path=<name>\n", the length counting itself. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return Buffer.from(`${length}${body}`, "utf8");
}

/** Writes `members` (in order) as a .tar.gz to `out`; returns the compressed size. */
export async function writeTarGz(out: FileHandle, members: TarMember[], mtime: number): Promise<number> {
  const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  gzipHeader.writeUInt32LE(mtime, 4);
  let position = 0;
  const write = async (buf: Buffer) => {
    await writeFully(out, buf, position);
    position += buf.length;
  };
  await write(gzipHeader);

  const deflate = createDeflateRaw({ level: 9 });
  const drained = (async () => {
    for await (const chunk of deflate) await write(chunk as Buffer);
  })();
  let crc = 0;
  let length = 0;
  const feed = async (buf: Buffer) => {
    crc = crc32(buf, crc);
    length += buf.length;
    if (!deflate.write(buf)) await once(deflate, "drain");
  };
  for (const m of members) {
    const ascii = /^[\x20-\x7e]*$/.test(m.name);
    if (Buffer.byteLength(m.name) > 100 || !ascii) {
      const pax = paxRecord("path", m.name);
      await feed(header(`PaxHeader/${m.name.slice(-80).replace(/[^\x20-\x7e]/g, "_")}`, pax.length, 0o644, mtime, "x"));
      await feed(Buffer.concat([pax, Buffer.alloc((BLOCK - (pax.length % BLOCK)) % BLOCK)]));
    }
    await feed(header(ascii ? m.name.slice(0, 100) : m.name.replace(/[^\x20-\x7e]/g, "_").slice(0, 100), m.size, m.mode, mtime, "0"));
    let size = 0;
    const chunks = Buffer.isBuffer(m.source) ? [m.source] : createReadStream(m.source);
    for await (const chunk of chunks) {
      size += (chunk as Buffer).length;
      await feed(chunk as Buffer);
    }
    if (size !== m.size) throw new Error(`${m.name} changed size while the sdist was written`);
    await feed(Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK));
  }
  await feed(Buffer.alloc(2 * BLOCK));
  await feed(Buffer.alloc((RECORD - (length % RECORD)) % RECORD));
  deflate.end();
  await drained;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  await write(trailer);
  return position;
}
