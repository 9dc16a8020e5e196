// Platform tags and the binaries behind them (BW6xx): the tags PyPI accepts, and every ELF,
// Mach-O and PE file of a platform wheel against the tags it will be installed by. A tag is a
// promise to pip and uv: a binary that needs a newer glibc or macOS, another C library, or another
// architecture installs on systems where it cannot load. A binary of another operating system is
// legal (a Linux wheel may carry Windows launchers as data) but said. A pure ("any") wheel may hold
// binaries of every platform, as setuptools' and pip's launchers are: nothing is checked there.
//
// Binaries are inspected while they stream by, without a copy on disk: their headers are read
// through a BinaryStream, which serves what was kept of the start and of the last few MiB, and
// holds a read of bytes still to come until they pass. A header that lies behind what was kept
// (rare: a dynamic string table deep into a large library) makes the caller read the member again.
import { printable } from "../fs/artifact-path.js";
import { readElf, type ElfInfo } from "../inspect/elf.js";
import type { BinaryInfo } from "../inspect/inspect.js";
import { readMachO, type MachOInfo } from "../inspect/macho.js";
import { parseLinuxTag, unpromisedNeeds } from "../inspect/linux-tags.js";
import { binaryFormat } from "../inspect/magic.js";
import { newer, show } from "../inspect/versions.js";
import { readPe } from "../inspect/pe.js";
import { BoundedReader, MalformedBinary, type ReadSource } from "../inspect/reader.js";
import type { Findings } from "./findings.js";
import { isPypiPlatformTag } from "./pypi-tags.js";

/**
 * How much of a binary's start is kept. A library's dynamic string table usually lies near its
 * start (within 24 MiB in every mirror wheel but tensorflow's largest), or after its dynamic
 * section when patchelf (auditwheel) moved it, where reads ahead find it.
 */
const HEAD = 24 << 20;
/** How much of what just streamed by is kept, for reads just behind the stream. */
const RECENT = 2 << 20;
/** Enough to tell an ELF, Mach-O or PE file by its first bytes (a PE header behind its DOS stub). */
const SNIFF = 4096;

export interface Binary {
  path: string;
  info: BinaryInfo;
}

/** The buffers a thread's BinaryStreams share: one member streams at a time. */
let shared: { head: Buffer; recent: Buffer } | undefined;

class Behind extends Error {}

interface Pending {
  position: number;
  target: Buffer;
  /** Bytes of `target` filled so far. */
  filled: number;
  resolve(): void;
}

/**
 * A member as it streams by, readable at any offset its headers need. `take` every chunk in order;
 * `headers` (started once the first bytes say "binary") resolves when the reads it needs passed.
 */
export class BinaryStream {
  private position = 0;
  private binary: boolean | undefined;
  private sniffed: Buffer[] = [];
  private readonly pending = new Set<Pending>();
  private parse: Promise<BinaryInfo | "incomplete" | { malformed: string }> | undefined;

  constructor(private readonly size: number) {}

  /** Takes the next chunk (a view the reader reuses). */
  take(chunk: Buffer): void {
    if (this.binary === false) return;
    if (this.binary === undefined) {
      // Most members are no binary: a first chunk that decides alone is looked at in place.
      const first = this.position === 0 && this.sniffed.length === 0 && chunk.length >= Math.min(SNIFF, this.size) ? chunk : undefined;
      if (!first) this.sniffed.push(Buffer.from(chunk.subarray(0, SNIFF)));
      const head = first ?? Buffer.concat(this.sniffed);
      if (head.length < Math.min(SNIFF, this.size)) return void (this.position += chunk.length);
      this.binary = binaryFormat(head.subarray(0, SNIFF)) !== undefined;
      if (!this.binary) return;
      this.sniffed = [];
      shared ??= { head: Buffer.allocUnsafe(HEAD), recent: Buffer.allocUnsafe(RECENT) };
      if (!first) {
        // The chunks before this one were only sniffed: keep them as the start of the head.
        head.copy(shared.head, 0, 0, Math.min(head.length, this.position));
      }
      this.parse = readHeaders(this, this.size).catch((e: unknown) => {
        if (e instanceof Behind) return "incomplete" as const;
        throw e;
      });
    }
    this.keep(chunk);
  }

  /** After the last chunk: whether the member is a binary. */
  get isBinary(): boolean {
    return this.binary === true;
  }

  /**
   * After the last chunk: the headers, "incomplete" when one lay behind what was kept, or why
   * they are malformed. (Every read ahead was served as the stream passed it.)
   */
  headers(): Promise<BinaryInfo | "incomplete" | { malformed: string }> {
    return this.parse!;
  }

  /** ReadSource: bytes already kept at once, bytes still to come when they pass. */
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    const target = buffer.subarray(offset, offset + length);
    const available = Math.min(position + length, this.position) - position;
    if (available > 0 && !this.copyKept(position, target.subarray(0, available))) return Promise.reject(new Behind());
    if (available >= length) return Promise.resolve({ bytesRead: length });
    return new Promise((resolve) => {
      this.pending.add({ position, target, filled: Math.max(available, 0), resolve: () => resolve({ bytesRead: length }) });
    });
  }

  /** Copies kept bytes at `position` into `target`; false when they were not kept. */
  private copyKept(position: number, target: Buffer): boolean {
    const { head, recent } = shared!;
    const end = position + target.length;
    if (end <= HEAD) return void head.copy(target, 0, position, end), true;
    if (position < this.position - RECENT) return false;
    for (let done = 0; done < target.length; ) {
      const at = (position + done) % RECENT;
      done += recent.copy(target, done, at, Math.min(RECENT, at + target.length - done));
    }
    return true;
  }

  private keep(chunk: Buffer): void {
    const { head, recent } = shared!;
    const start = this.position;
    if (start < HEAD) chunk.copy(head, start, 0, Math.min(chunk.length, HEAD - start));
    // The last RECENT bytes, in a ring indexed by position.
    for (let done = Math.max(0, chunk.length - RECENT); done < chunk.length; ) {
      const at = (start + done) % RECENT;
      done += chunk.copy(recent, at, done, Math.min(chunk.length, done + RECENT - at));
    }
    this.position += chunk.length;
    for (const request of this.pending) {
      const from = request.position + request.filled;
      if (from >= this.position || from < start) continue;
      request.filled += chunk.copy(request.target, request.filled, from - start, Math.min(chunk.length, from - start + request.target.length - request.filled));
      if (request.filled === request.target.length) {
        this.pending.delete(request);
        request.resolve();
      }
    }
  }
}

/** The headers of a binary of `size` bytes read through `source`, or why they are malformed. */
export async function readHeaders(source: ReadSource, size: number): Promise<BinaryInfo | { malformed: string }> {
  const reader = new BoundedReader(source, size);
  try {
    const format = binaryFormat(await reader.read(0, Math.min(SNIFF, size), "the first bytes"));
    return format === "ELF" ? await readElf(reader) : format === "Mach-O" ? await readMachO(reader) : await readPe(reader);
  } catch (e) {
    if (e instanceof MalformedBinary || e instanceof RangeError) return { malformed: e.message };
    throw e;
  }
}

interface Platform {
  tag: string;
  os: "linux" | "macos" | "windows";
  /** The tag's architecture; undefined where it names several in a legacy way (macOS "intel", "fat"). */
  arches?: string[];
  libc?: "glibc" | "musl";
  /** The glibc a manylinux tag promises, or the macOS version a macosx tag needs. */
  version?: [number, number];
}

/** What a platform tag promises, for the tags binaries can be checked against. */
function platformOf(tag: string): Platform | undefined {
  // Linux tags as the tags are derived: the legacy aliases' glibc from auditwheel's policies.
  const linux = parseLinuxTag(tag);
  if (linux?.family === "manylinux") return { tag, os: "linux", arches: [linux.arch], libc: "glibc", version: linux.version };
  if (linux?.family === "musllinux") return { tag, os: "linux", arches: [linux.arch], libc: "musl" };
  // Hard-float ARM binaries report armv7l, and run on armv6l systems' Raspberry Pi builds too.
  if (linux) return { tag, os: "linux", arches: linux.arch === "armv6l" ? ["armv6l", "armv7l"] : [linux.arch] };
  const mac = /^macosx_(\d+)_(\d+)_(.+)$/.exec(tag);
  if (mac) {
    const arch = mac[3]!;
    const arches = arch === "universal2" ? ["x86_64", "arm64"] : ["x86_64", "arm64", "i386"].includes(arch) ? [arch] : undefined;
    return { tag, os: "macos", ...(arches && { arches }), version: [Number(mac[1]), Number(mac[2])] };
  }
  if (["win32", "win_amd64", "win_arm64"].includes(tag)) return { tag, os: "windows", arches: [tag] };
  return undefined;
}

const OS_OF: Record<BinaryInfo["format"], Platform["os"]> = { ELF: "linux", "Mach-O": "macos", PE: "windows" };
const article = (format: string) => `${format === "ELF" ? "an" : "a"} ${format}`;

/**
 * Reports platform tags PyPI refuses and binaries that cannot run where the tags install them. pip
 * and uv install a wheel where any of its tags fits, so each binary answers to the loosest promise:
 * the lowest glibc or macOS version the tags name, every architecture and C library they name.
 */
export function checkTagsAndBinaries(platformTags: string[], binaries: Binary[], findings: Findings): void {
  for (const tag of platformTags) if (!isPypiPlatformTag(tag)) findings.add("BW601", `PyPI does not accept the platform tag ${tag}`);
  if (platformTags.every((t) => t === "any")) return;
  const platforms = platformTags.map(platformOf).filter((p): p is Platform => p !== undefined);
  for (const binary of binaries) {
    const name = printable(binary.path);
    const { info } = binary;
    const foreign = platforms.find((p) => p.os !== OS_OF[info.format]);
    if (foreign) {
      findings.add("BW603", `${name} is ${article(info.format)} binary, which cannot run on ${foreign.os} (the tag ${foreign.tag}); if it is only data, this is fine`);
      continue;
    }
    if (info.format === "ELF") checkElf(name, info, platforms, findings);
    else if (info.format === "Mach-O") checkMachO(name, info, platforms, findings);
    else {
      for (const platform of platforms) {
        if (platform.arches && /^win/.test(info.platform) && !platform.arches.includes(info.platform)) {
          findings.add("BW602", `${name} is a ${info.platform} binary, but the tag ${platform.tag} installs it on ${platform.tag} systems, where it cannot run`);
        }
      }
    }
  }
}

/** The platform of `platforms` with the lowest version (the loosest promise), among those that have one. */
function lowest(platforms: Platform[]): Platform | undefined {
  return platforms.filter((p) => p.version).reduce<Platform | undefined>((a, b) => (!a || newer(a.version!, b.version!) ? b : a), undefined);
}

function checkElf(name: string, info: ElfInfo, platforms: Platform[], findings: Findings): void {
  const other = platforms.find((p) => p.arches && !p.arches.includes(info.arch));
  if (other) return findings.add("BW602", `${name} is ${info.arch} code, but the tag ${other.tag} installs it on ${other.arches![0]} systems, where it cannot run`);
  const glibc = platforms.filter((p) => p.libc === "glibc");
  const musl = platforms.find((p) => p.libc === "musl");
  if (glibc.length && info.libc === "musl") findings.add("BW605", `${name} is linked against musl, but the tag ${glibc[0]!.tag} installs it on glibc systems, where it cannot load`);
  if (musl && info.libc === "glibc") findings.add("BW605", `${name} is linked against glibc, but the tag ${musl.tag} installs it on musl systems (Alpine), where it cannot load`);
  const promise = lowest(glibc);
  if (!promise || info.libc !== "glibc") return;
  // Every symbol version the file needs (glibc's, libstdc++'s, libgcc's...) against auditwheel's policy for the tag.
  const needs = unpromisedNeeds(promise.tag, [{ path: name, info }]);
  if (needs.some((n) => n.what.startsWith("GLIBC_PRIVATE "))) {
    findings.add("BW606", `${name} uses GLIBC_PRIVATE symbols, which no manylinux policy allows: it may fail to load on any glibc but the one it was built against`);
  }
  // A glibc version above the tag breaks PEP 600's promise: pip installs the wheel where it cannot load.
  const tooNew = needs.find((n) => n.glibc);
  if (tooNew) {
    findings.add("BW604", `the tag ${promise.tag} promises glibc ${show(promise.version!)}, but ${name} needs ${tooNew.what}: pip and uv install this wheel on systems with an older glibc, where it cannot load; its tag should be ${tooNew.from ?? "manylinux_<that version>"} or newer`);
  }
  // libstdc++'s and libgcc's versions are auditwheel's judgement of what systems with that glibc ship: risky, not broken.
  const risky = needs.find((n) => !n.glibc && !n.what.startsWith("GLIBC_PRIVATE "));
  if (risky) {
    findings.add("BW608", `${name} needs ${risky.what}, which auditwheel's policies allow ${risky.from ? `from ${risky.from} on` : "in no manylinux policy"}, above the tag ${promise.tag}: it may fail to load on the oldest systems the tag admits`);
  }
}

function checkMachO(name: string, info: MachOInfo, platforms: Platform[], findings: Findings): void {
  const other = info.slices.find((s) => s.otherPlatform);
  if (other) return findings.add("BW603", `${name} is built for ${other.otherPlatform}, not macOS (the tag ${platforms[0]!.tag}); if it is only data, this is fine`);
  const arches = [...new Set(platforms.flatMap((p) => p.arches ?? []))];
  for (const arch of arches) {
    const slice = info.slices.find((s) => s.arch === arch);
    const promise = lowest(platforms.filter((p) => p.arches?.includes(arch)))!;
    if (!slice) {
      findings.add("BW602", `${name} holds ${info.slices.map((s) => s.arch).join(" + ")} code, but the tag ${promise.tag} needs ${arch}${arches.length > 1 ? ` (${arches.join(" and ")} in every binary)` : ""}`);
      continue;
    }
    // An arm64 Mac runs macOS 11 or later whatever an older tag says.
    const promised: [number, number] = arch === "arm64" && newer([11, 0], promise.version!) ? [11, 0] : promise.version!;
    if (slice.minos && newer(slice.minos, promised)) {
      findings.add("BW604", `the tag ${promise.tag} promises macOS ${show(promised)} on ${arch}, but ${name} needs macOS ${show(slice.minos)}: pip and uv install it on older macOS, where it cannot load`);
    }
  }
}
