// The wheel's zip container, written to the rules of research/wheel-spec.md §1.7: DEFLATE only,
// no data descriptors, local headers equal to the central directory, Unix "version made by" and
// S_IFREG|mode on every entry, no directory entries, no extras, no comments, nothing after the
// end record. Entries are written in the order given (the caller sorts, .dist-info last).
import type { FileHandle } from "node:fs/promises";
import { fail } from "../errors.js";
import { copyMember, type Member } from "./member.js";
import { writeFullySync } from "../fs/write-fully.js";

export interface ZipEntry {
  name: string;
  /** Where the file comes from, for messages ("the project file pkg/x.py"); undefined for binwheel's own metadata. */
  origin?: string;
  /** Permission bits: 0o755 for executables, 0o644 otherwise. */
  mode: number;
  member: Member;
}

const VERSION_MADE_BY = (3 << 8) | 20; // Unix, spec 2.0
const VERSION_NEEDED = 20;
const DEFLATE = 8;
const UTF8_NAMES = 0x800;
const S_IFREG = 0o100000;

export interface DosTime {
  date: number;
  time: number;
}

/** DOS date and time (UTC) of `seconds` since 1970, which buildTimestamp keeps in range. */
export function dosTime(seconds: number): DosTime {
  const d = new Date(seconds * 1000);
  return {
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
  };
}

export class ZipWriter {
  private position = 0;
  private readonly central: Buffer[] = [];
  private readonly names = new Set<string>();
  /** Members are copied from their spool or cache file through this one buffer. */
  private readonly copyBuffer = Buffer.allocUnsafe(1 << 20);

  constructor(
    private readonly out: FileHandle,
    private readonly when: DosTime,
  ) {}

  async add(entry: ZipEntry): Promise<void> {
    if (this.names.has(entry.name)) throw new Error(`duplicate zip entry ${entry.name}`);
    this.names.add(entry.name);
    const name = Buffer.from(entry.name, "utf8");
    const flags = /^[\x20-\x7e]*$/.test(entry.name) ? 0 : UTF8_NAMES;
    const { member } = entry;
    if (this.position > 0xffffffff || member.size > 0xffffffff || member.compressedSize > 0xffffffff) {
      fail(`the wheel would exceed 4 GiB at "${entry.name}"; binwheel does not write ZIP64 wheels (PyPI would refuse them anyway).`);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(this.when.time, 10);
    local.writeUInt16LE(this.when.date, 12);
    local.writeUInt32LE(member.crc32 >>> 0, 14);
    local.writeUInt32LE(member.compressedSize, 18);
    local.writeUInt32LE(member.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    local.copy(central, 6, 4, 28); // needed, flags, method, time, date, crc, sizes, name length
    // extra length, comment length, disk number and internal attributes stay 0
    central.writeUInt32LE(((S_IFREG | entry.mode) << 16) >>> 0, 38);
    central.writeUInt32LE(this.position, 42);
    this.central.push(central, name);

    await this.write(Buffer.concat([local, name]));
    await copyMember(member, this.out, this.position, this.copyBuffer);
    this.position += member.compressedSize;
  }

  /** Writes the central directory and the end record; returns the zip's size. */
  async finish(): Promise<number> {
    const count = this.names.size;
    if (count > 0xffff) fail(`the wheel would hold ${count} files; binwheel does not write ZIP64 wheels (more than 65535 files).`);
    const start = this.position;
    const cd = Buffer.concat(this.central);
    await this.write(cd);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(count, 8);
    end.writeUInt16LE(count, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
    return this.position;
  }

  private async write(buf: Buffer): Promise<void> {
    writeFullySync(this.out.fd, buf, this.position);
    this.position += buf.length;
  }
}
