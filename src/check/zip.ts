// A wheel's zip, read once (BW1xx): checked the way PyPI checks it (warehouse's zipfiles.py,
// docs.pypi.org/archives) so that every zip reader sees the same files, and each member's name as
// installers would write it. While each member streams by, its sha256 goes to RECORD's check, the
// .dist-info texts are kept, and binaries are inspected.
import { createHash } from "node:crypto";
import { open, rm } from "node:fs/promises";
import { ArchiveGuard } from "../archive/guard.js";
import { extraField, type LocalHeader, type ZipArchive, type ZipEntry } from "../archive/zip.js";
import { collisionKey, printable } from "../fs/artifact-path.js";
import { BinwheelError } from "../errors.js";
import { writeFully } from "../fs/write-fully.js";
import type { CodeId } from "./codes.js";
import { BinaryStream, readHeaders, type Binary } from "./binaries.js";
import type { Findings } from "./findings.js";
import type { RecordCheck } from "./record.js";

/** How much of a .dist-info text is read at most. */
export const MAX_TEXT = 64 << 20;
/** PyPI refuses archives that expand more than this many times their size, past 64 MiB. */
const PYPI_RATIO = 50;
const PYPI_RATIO_FROM = 64 << 20;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export interface WheelContents {
  /** The names of the file (not folder) entries, as stored. */
  files: string[];
  /** The .dist-info texts asked for, by their name inside .dist-info. */
  texts: Map<string, Buffer>;
  binaries: Binary[];
  /** Each file's sha256 (hex), by its name. */
  sha256: Map<string, string>;
}

export interface ReadPlan {
  distInfo: string;
  /** Whether a file inside .dist-info (its name there) is kept whole. */
  keep(name: string): boolean;
  record: RecordCheck;
  /** A file binaries are copied to when their headers reach past what is kept in memory. */
  scratchFile: string;
}

/** Reads every member of `zip` once, reporting what PyPI or installers would refuse in its framing. */
export async function readWheel(zip: ZipArchive, plan: ReadPlan, findings: Findings): Promise<WheelContents> {
  checkEndRecords(zip, findings);
  const { layout, entries } = zip;
  const declared = entries.reduce((n, e) => n + e.size, 0);
  if (declared > PYPI_RATIO_FROM && declared > PYPI_RATIO * layout.fileSize) {
    findings.add("BW113", `the wheel expands to ${(declared / 2 ** 20).toFixed(0)} MiB, ${(declared / layout.fileSize).toFixed(0)} times its size; PyPI refuses archives past ${PYPI_RATIO} times (as decompression bombs)`);
  }
  const files = entries.filter((e) => !e.name.endsWith("/")).map((e) => e.name);
  const contents: WheelContents = { files, texts: new Map(), binaries: [], sha256: new Map() };
  // What members inflate to is bounded as for assets: a zip bomb ends the check, not the disk.
  const guard = new ArchiveGuard("the wheel", layout.fileSize);
  const byKey = new Map<string, string>();
  let expected: number | undefined = 0;
  for (const entry of entries) {
    const name = printable(entry.name);
    checkName(entry, byKey, findings);
    const descriptor = (entry.flags & 0x8) !== 0;
    if (descriptor) findings.add("BW106", `${name} uses a data descriptor, which PyPI refuses (readers that stream the local headers would see other sizes)`);
    if (entry.flags & 0x1) findings.add("BW108", `${name} is encrypted; installers cannot read it`);
    if (entry.method !== 0 && entry.method !== 8) findings.add("BW107", `${name} uses compression method ${entry.method}; PyPI accepts only stored (0) and deflate (8)`);
    if (entry.commentLength) findings.add("BW109", `${name} has a comment in the central directory, which PyPI refuses`);
    if (entry.madeByUnix && ((entry.externalAttr >>> 16) & S_IFMT) === S_IFLNK) findings.add("BW117", `${name} is a symbolic link; pip and installer write the link's target path as the file's content`);
    if (expected !== undefined && entry.localOffset !== expected) findings.add("BW102", `${name} does not start where the previous member ended (prepended data or a gap), which PyPI refuses`);

    let local: LocalHeader;
    try {
      local = await zip.localHeader(entry);
    } catch (e) {
      if (!(e instanceof BinwheelError)) throw e;
      findings.add("BW110", e.message);
      expected = undefined;
      continue;
    }
    checkLocalHeader(entry, local, descriptor, findings);
    expected = descriptor ? undefined : local.dataStart + entry.compressedSize;
    // Folders have no content; encrypted or otherwise compressed members were reported above.
    if (entry.name.endsWith("/") || entry.flags & 0x1 || (entry.method !== 0 && entry.method !== 8)) continue;

    const inDistInfo = entry.name.startsWith(`${plan.distInfo}/`) ? entry.name.slice(plan.distInfo.length + 1) : undefined;
    let keep = inDistInfo !== undefined && plan.keep(inDistInfo);
    if (keep && entry.size > MAX_TEXT) {
      findings.add("BW118", `${name} is ${entry.size} bytes; binwheel check reads at most ${MAX_TEXT >> 20} MiB of it, so its rules went unchecked`);
      keep = false;
    }
    const isRecord = entry.name === plan.record.path;
    if (isRecord) plan.record.start();
    const hash = createHash("sha256");
    const binary = new BinaryStream(entry.size);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of zip.content(entry, local, (n) => guard.count(n))) {
        hash.update(chunk);
        size += chunk.length;
        binary.take(chunk);
        if (isRecord) plan.record.feed(chunk);
        if (keep) chunks.push(Buffer.from(chunk)); // the reader reuses its buffer
      }
    } catch (e) {
      if (!(e instanceof BinwheelError)) throw e;
      if (guard.tripped) {
        findings.add("BW113", e.message);
        return contents;
      }
      findings.add("BW110", `${e.message}; installers cannot read it`);
      if (isRecord) plan.record.broken();
      continue;
    }
    const digest = hash.digest();
    if (isRecord) plan.record.end();
    else plan.record.member(entry.name, { base64: digest.toString("base64url"), hex: digest.toString("hex"), size });
    contents.sha256.set(entry.name, digest.toString("hex"));
    if (keep) contents.texts.set(inDistInfo!, Buffer.concat(chunks));
    if (binary.isBinary) await inspectBinary(zip, entry, local, binary, plan.scratchFile, contents, findings);
  }
  if (expected !== undefined && expected !== layout.cdOffset) findings.add("BW102", "there are bytes between the last member and the central directory, which PyPI refuses");
  return contents;
}

/** The end records, as PyPI reads them: at the very end, describing one central directory. */
function checkEndRecords(zip: ZipArchive, findings: Findings): void {
  const { layout, entries } = zip;
  if (layout.eocdAt + 22 + layout.commentLength !== layout.fileSize) findings.add("BW102", "there are bytes after the zip's end record (trailing data), which PyPI refuses");
  if (layout.zip64 && layout.zip64.recordAt + 12 + layout.zip64.recordSize !== layout.zip64.locatorAt) findings.add("BW102", "there are bytes between the ZIP64 end record and its locator, which PyPI refuses");
  if (layout.cdOffset + layout.cdSize !== (layout.zip64?.recordAt ?? layout.eocdAt)) findings.add("BW102", "there are bytes between the central directory and the end record, which PyPI refuses");
  // Readers that ignore ZIP64 use the classic record: where it is not a placeholder, it must agree.
  const { classic } = layout;
  if (layout.zip64 && ((classic.count !== 0xffff && classic.count !== entries.length) || (classic.cdSize !== 0xffffffff && classic.cdSize !== layout.cdSize) || (classic.cdOffset !== 0xffffffff && classic.cdOffset !== layout.cdOffset))) {
    findings.add("BW103", "the classic end record and the ZIP64 one describe different central directories, so zip readers would disagree on what the wheel holds");
  }
  if (entries.reduce((n, e) => n + e.record.length + e.commentLength, 0) !== layout.cdSize) findings.add("BW102", "the central directory holds bytes that belong to no member, which PyPI refuses");
}

/**
 * A member's name as stored: what installers refuse or misread (an error), what some systems
 * read differently (a warning), and names that are one file on macOS or Windows.
 */
function checkName(entry: ZipEntry, byKey: Map<string, string>, findings: Findings): void {
  const name = printable(entry.name);
  const nameBytes = entry.record.subarray(46, 46 + entry.record.readUInt16LE(28));
  if (entry.name.includes("\ufffd") && !Buffer.from(entry.name).equals(nameBytes)) findings.add("BW112", `${name} is not valid UTF-8, which PyPI refuses`);
  else if (!/^[\x00-\x7f]*$/.test(entry.name) && !(entry.flags & 0x800)) findings.add("BW112", `${name} is not ASCII but lacks the UTF-8 flag: Python's zipfile (pip, PyPI) reads it as cp437, another name`);
  const bare = entry.name.endsWith("/") ? entry.name.slice(0, -1) : entry.name;
  const problem = pathProblem(bare);
  if (problem) findings.add(problem[0], `the member "${name}" ${problem[1]}`);
  const key = collisionKey(bare);
  const earlier = byKey.get(key);
  if (earlier === entry.name) findings.add("BW111", `${name} is stored twice, which PyPI refuses: zip readers disagree on which one the wheel holds`);
  else if (earlier !== undefined) findings.add("BW116", collision(earlier, entry.name));
  else byKey.set(key, entry.name);
}

/** Characters PyPI refuses in member names (C0 controls and DEL), or that split a RECORD row when pip reads it (str.splitlines). */
const REFUSED = /[\x00-\x1f\x7f\x85\u2028\u2029]/;
/** C1 controls and the bidirectional controls that make a name display as another. */
const MISLEADING = /[\x80-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const codePoint = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

/**
 * What is wrong with a member path, if anything: [code, how it is wrong]. Control characters are
 * an error in wheels (PyPI refuses them, pip splits RECORD rows at them), a warning in sdists,
 * which nobody reads line by line.
 */
export function pathProblem(p: string, kind: "wheel" | "sdist" = "wheel"): [CodeId, string] | undefined {
  if (p === "") return ["BW114", "has an empty name"];
  const refused = REFUSED.exec(p);
  if (refused) {
    return kind === "wheel"
      ? ["BW114", `holds the control character ${codePoint(refused[0])}, which PyPI refuses and pip's RECORD reading splits on`]
      : ["BW115", `holds the control character ${codePoint(refused[0])}, which tools that list files line by line misread`];
  }
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) return ["BW114", "is absolute; pip and installer refuse to write outside the environment"];
  const segments = p.split("/");
  if (segments.includes("..")) return ["BW114", 'has a ".." segment; pip and installer refuse to write outside the environment'];
  const misleading = MISLEADING.exec(p);
  if (misleading) return ["BW115", `holds the control character ${codePoint(misleading[0])}, which makes it display as another name`];
  if (p.includes("\\")) return ["BW115", 'holds a "\\", which Windows reads as a folder separator'];
  for (const segment of segments) {
    if (segment === "" || segment === ".") return ["BW115", segment === "" ? 'has an empty segment ("//")' : 'has a "." segment'];
    if (/[. ]$/.test(segment)) return ["BW115", `has a segment ending in "${segment.slice(-1)}", which Windows drops`];
    if (segment.includes(":")) return ["BW115", 'holds a ":", which Windows reads as a drive or a data stream'];
  }
  return undefined;
}

/** Two names that `collisionKey` makes one, and where they are one file. */
export function collision(a: string, b: string): string {
  // macOS file systems fold case and normalization; Windows folds case only.
  const how = a.toLowerCase() === b.toLowerCase() ? "differ only in case: one file on macOS and Windows"
    : a.normalize("NFC") === b.normalize("NFC") ? "are one name in two Unicode normalizations (NFC and NFD): one file on macOS"
    : "differ only in case and Unicode normalization: one file on macOS";
  return `"${printable(a)}" and "${printable(b)}" ${how}, where installing one overwrites the other`;
}

/** The local header against its central directory record, and its extra fields as PyPI reads them. */
function checkLocalHeader(entry: ZipEntry, local: LocalHeader, descriptor: boolean, findings: Findings): void {
  const name = printable(entry.name);
  const nameBytes = entry.record.subarray(46, 46 + entry.record.readUInt16LE(28));
  // Flags, method, time, date, CRC-32 and sizes (bar those a data descriptor carries), and name.
  const fixedEnd = descriptor ? 14 : 18;
  if (!local.fixed.subarray(6, fixedEnd).equals(entry.record.subarray(8, fixedEnd + 2)) || !local.name.equals(nameBytes)
    || (!descriptor && (local.size !== entry.size || local.compressedSize !== entry.compressedSize))) {
    findings.add("BW104", `${name}: its local header differs from the central directory, so zip readers would disagree on its content`);
  }
  const extra = local.extra;
  const seen = new Set<number>();
  for (let p = 0; p < extra.length; p += 4 + extra.readUInt16LE(p + 2)) {
    if (p + 4 > extra.length || p + 4 + extra.readUInt16LE(p + 2) > extra.length) return findings.add("BW105", `${name}: its local header has a malformed extra field, which PyPI refuses`);
    const id = extra.readUInt16LE(p);
    if ((id === 0x0001 || id === 0x7075) && seen.has(id)) return findings.add("BW105", `${name}: its local header repeats the extra field 0x${id.toString(16).padStart(4, "0")}, which PyPI refuses`);
    seen.add(id);
  }
  const zip64 = extraField(extra, 0x0001);
  if (zip64 && (![0, 8, 16, 24, 28].includes(zip64.length) || (zip64.length === 8 && entry.method !== 0))) {
    findings.add("BW105", `${name}: its local header has a ZIP64 extra field of ${zip64.length} bytes, which PyPI refuses`);
  }
}

/** A binary's headers: as it streamed by, else (rarely) from a second pass into a scratch file. */
async function inspectBinary(zip: ZipArchive, entry: ZipEntry, local: LocalHeader, binary: BinaryStream, scratchFile: string, contents: WheelContents, findings: Findings): Promise<void> {
  let result = await binary.headers();
  if (result === "incomplete") {
    const out = await open(scratchFile, "w+");
    try {
      let at = 0;
      for await (const chunk of zip.content(entry, local)) {
        await writeFully(out, chunk, at);
        at += chunk.length;
      }
      result = await readHeaders(out, entry.size);
    } finally {
      await out.close();
      await rm(scratchFile, { force: true });
    }
  }
  if ("malformed" in result) findings.add("BW607", `${printable(entry.name)} starts like a binary but its headers are malformed (${result.malformed}); it cannot be loaded, which is fine only if it is data`);
  else contents.binaries.push({ path: entry.name, info: result });
}
