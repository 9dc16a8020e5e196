// Mach-O, thin and fat: each slice's architecture and the macOS version it needs
// (LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX; research/platforms.md §4.2).
import { BoundedReader, MalformedBinary, endian } from "./reader.js";

export interface MachOSlice {
  /** x86_64, arm64, i386, or a description. */
  arch: string;
  /** The minimum macOS version, [major, minor], if the slice records one. */
  minos?: [number, number];
  /** A platform other than macOS (e.g. "iOS"), if the slice is built for one. */
  otherPlatform?: string;
  /** The dylibs it loads (LC_LOAD_DYLIB, weak, re-exported), as written ("@rpath/libx.dylib"). */
  dylibs: string[];
  /** LC_RPATH entries ("@executable_path/../lib"). */
  rpaths: string[];
}

export interface MachOInfo {
  format: "Mach-O";
  slices: MachOSlice[];
}

const CPU_ARCH: Record<number, string> = { 0x01000007: "x86_64", 0x0100000c: "arm64", 7: "i386", 0x01000012: "ppc64", 18: "ppc" };
const PLATFORMS: Record<number, string> = { 1: "macOS", 2: "iOS", 3: "tvOS", 4: "watchOS", 6: "Mac Catalyst", 7: "iOS simulator", 11: "visionOS" };
const LC_VERSION_MIN_MACOSX = 0x24;
const LC_BUILD_VERSION = 0x32;
const LC_LOAD_DYLIB = 0xc;
const LC_LOAD_WEAK_DYLIB = 0x80000018;
const LC_REEXPORT_DYLIB = 0x8000001f;
const LC_LOAD_UPWARD_DYLIB = 0x80000023;
const LC_RPATH = 0x8000001c;

export async function readMachO(r: BoundedReader): Promise<MachOInfo> {
  const magic = (await r.read(0, 8, "the Mach-O header")).readUInt32BE(0);
  if (magic === 0xcafebabe || magic === 0xcafebabf) {
    const wide = magic === 0xcafebabf;
    const count = (await r.read(4, 4, "the fat header")).readUInt32BE(0);
    if (count === 0 || count > 30) throw new MalformedBinary(`a fat Mach-O with ${count} slices`);
    const stride = wide ? 32 : 20;
    const table = await r.read(8, count * stride, "the fat architecture table");
    const slices: MachOSlice[] = [];
    for (let i = 0; i < count; i++) {
      const o = i * stride;
      const offset = wide ? Number(table.readBigUInt64BE(o + 8)) : table.readUInt32BE(o + 8);
      slices.push(await readThin(r, offset));
    }
    return { format: "Mach-O", slices };
  }
  return { format: "Mach-O", slices: [await readThin(r, 0)] };
}

async function readThin(r: BoundedReader, base: number): Promise<MachOSlice> {
  const head = await r.read(base, 28, "a Mach-O header");
  const magic = head.readUInt32LE(0);
  const little = magic === 0xfeedface || magic === 0xfeedfacf;
  const big = magic === 0xcefaedfe || magic === 0xcffaedfe;
  if (!little && !big) throw new MalformedBinary("a slice without a Mach-O header");
  const h = endian(head, little);
  const cpu = h.u32(4);
  const arch = CPU_ARCH[cpu] ?? `CPU type 0x${cpu.toString(16)}`;
  const ncmds = h.u32(16);
  const sizeofcmds = h.u32(20);
  if (ncmds > 65536) throw new MalformedBinary("implausibly many load commands");
  const is64 = magic === 0xfeedfacf || magic === 0xcffaedfe;
  const cmds = await r.read(base + (is64 ? 32 : 28), sizeofcmds, "the load commands");
  const c = endian(cmds, little);
  const slice: MachOSlice = { arch, dylibs: [], rpaths: [] };
  /** A load command's string, at `offset` from the command's start. */
  const text = (o: number, size: number, at: number) => {
    if (at < 8 || at >= size) throw new MalformedBinary("a load command's name points outside it");
    const bytes = cmds.subarray(o + at, o + size);
    const end = bytes.indexOf(0);
    return bytes.toString("utf8", 0, end < 0 ? bytes.length : end);
  };
  for (let i = 0, o = 0; i < ncmds; i++) {
    if (o + 8 > cmds.length) throw new MalformedBinary("a load command runs past the load commands");
    const cmd = c.u32(o);
    const size = c.u32(o + 4);
    if (size < 8 || o + size > cmds.length) throw new MalformedBinary("a load command has an invalid size");
    if (cmd === LC_BUILD_VERSION && size >= 16) {
      const platform = c.u32(o + 8);
      if (platform !== 1) slice.otherPlatform = PLATFORMS[platform] ?? `platform ${platform}`;
      slice.minos = decodeVersion(c.u32(o + 12));
    } else if (cmd === LC_VERSION_MIN_MACOSX && size >= 16) {
      slice.minos = decodeVersion(c.u32(o + 8));
    } else if ([LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LOAD_UPWARD_DYLIB].includes(cmd) && size >= 24) {
      slice.dylibs.push(text(o, size, c.u32(o + 8)));
    } else if (cmd === LC_RPATH && size >= 12) {
      slice.rpaths.push(text(o, size, c.u32(o + 8)));
    }
    o += size;
  }
  return slice;
}

/** xxxx.yy.zz nibbles: major in the high 16 bits, minor in the next 8. */
function decodeVersion(v: number): [number, number] {
  return [v >>> 16, (v >>> 8) & 0xff];
}
