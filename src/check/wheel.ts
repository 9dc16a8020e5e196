// `binwheel check` for wheels: what PyPI, pip, uv and installer would reject (research/wheel-spec.md
// §1, §2, §6): the file name, the zip framing byte by byte (ZIP64 included), member paths, RECORD,
// WHEEL, METADATA, entry points, platform tags PyPI accepts, and the bundled binaries against those
// tags. One pass over the zip: each member's local header is compared with the central directory
// and its content hashed as it streams by; RECORD is parsed row by row, so any size is read whole
// in bounded memory.
import { createHash } from "node:crypto";
import path from "node:path";
import { ArchiveGuard } from "../archive/guard.js";
import { ZipArchive, extraField, type LocalHeader } from "../archive/zip.js";
import { collisionKey, pathProblem, printable } from "../fs/artifact-path.js";
import { BinwheelError } from "../errors.js";
import { BinaryCapture } from "../inspect/capture.js";
import { binaryFormat } from "../inspect/magic.js";
import { platformTags, type InspectedFile } from "../inspect/platform-tags.js";
import { escapedName, isReservedCommand } from "../python/names.js";
import { normalizeVersion } from "../python/pep440.js";
import { KNOWN_TRIPLES, targetInfo, type TargetInfo } from "../platform/triples.js";
import { checkCoreMetadata, parseCoreMetadata } from "./metadata.js";
import { isPypiPlatformTag } from "./pypi-tags.js";
import { checkSbom } from "./sbom.js";

const DATA_KEYS = new Set(["purelib", "platlib", "headers", "scripts", "data"]);
/** The .dist-info files read whole (RECORD streams), besides SBOMs, and how much of one is read at most. */
const TEXTS = ["METADATA", "WHEEL", "entry_points.txt"];
/** PEP 770's folder of SBOMs inside .dist-info. */
const SBOMS = "sboms/";
export const MAX_TEXT = 64 << 20;
/** Python's csv.field_size_limit() default: pip and installer cannot read a longer RECORD field. */
const MAX_FIELD = 131072;
/** Problems of one kind spelled out before the rest are only counted. */
const LIMIT = 20;
const ENTRIES = "problems with the zip's entries";
const ROWS = "problems with RECORD rows";
const UNLISTED = "files not listed in RECORD";

/** Problems in the order found; past LIMIT of one kind, the rest of that kind are counted in one line. */
export class Problems {
  private readonly list: string[] = [];
  private readonly counts = new Map<string, number>();

  add(message: string, kind?: string): void {
    if (kind !== undefined) {
      const n = (this.counts.get(kind) ?? 0) + 1;
      this.counts.set(kind, n);
      if (n > LIMIT) return;
    }
    this.list.push(message);
  }

  done(): string[] {
    for (const [kind, n] of this.counts) if (n > LIMIT) this.list.push(`... and ${n - LIMIT} more ${kind}`);
    return this.list;
  }
}

export async function checkWheel(file: string, scratch: string): Promise<string[]> {
  const problems = new Problems();
  const base = path.basename(file);
  const parts = base.slice(0, -".whl".length).split("-");
  if (parts.length !== 5 && parts.length !== 6) return [`the file name is not {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`];
  const [name, version] = parts as [string, string];
  const [python, abi, platform] = parts.slice(-3) as [string, string, string];
  if (escapedName(name) !== name) problems.add(`the name part "${name}" is not normalized (PyPI wants "${escapedName(name)}")`);
  if (normalizeVersion(version) !== version) problems.add(`the version part "${version}" is not a normalized PEP 440 version`);
  if (parts.length === 6 && !/^\d/.test(parts[2]!)) problems.add(`the build tag "${parts[2]}" must start with a digit`);
  const platforms = platform.split(".");
  for (const tag of platforms) if (!isPypiPlatformTag(tag)) problems.add(`PyPI does not accept the platform tag ${tag}`);
  const expanded = python.split(".").flatMap((p) => abi.split(".").flatMap((a) => platforms.map((t) => `${p}-${a}-${t}`)));

  const stem = `${name}-${version}`;
  const distInfo = `${stem}.dist-info`;
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(file, (why) => new BinwheelError(why));
  } catch (e) {
    if (!(e instanceof BinwheelError)) throw e;
    problems.add(`the zip cannot be read (${e.message})`);
    return problems.done();
  }
  let read: WheelContents;
  try {
    read = await readWheel(zip, distInfo, scratch, problems);
  } finally {
    await zip.close();
  }
  const { files, texts, binaries } = read;

  const tops = new Set(files.map((n) => n.split("/")[0]!));
  const distInfos = [...tops].filter((t) => t.endsWith(".dist-info"));
  if (distInfos.length !== 1 || distInfos[0] !== distInfo) problems.add(`the wheel must hold exactly one ${distInfo} folder, not ${distInfos.map(printable).join(", ") || "none"}`);
  for (const top of tops) {
    if (!top.endsWith(".data")) continue;
    if (top !== `${stem}.data`) problems.add(`${printable(top)} does not match the file name (${stem}.data)`);
    for (const n of files) {
      const key = n.startsWith(`${top}/`) ? n.split("/")[1] : undefined;
      if (key !== undefined && !DATA_KEYS.has(key)) problems.add(`${printable(n)} is in an unknown .data key "${printable(key)}"`, ENTRIES);
      // Installers put .data/scripts/* in the environment's scripts folder, over what is there.
      const script = key === "scripts" ? n.split("/").slice(2).join("/") : undefined;
      if (script !== undefined && isReservedCommand(script)) problems.add(`${printable(n)} would replace the environment's ${script.startsWith("pip") ? "pip" : "Python interpreter"}`, ENTRIES);
    }
  }

  const wheelFile = texts.get("WHEEL");
  if (wheelFile === undefined) {
    if (!files.includes(`${distInfo}/WHEEL`)) problems.add(`${distInfo}/WHEEL is missing`);
  } else {
    const wheel = parseCoreMetadata(wheelFile);
    const get = (k: string) => wheel.fields.filter(([f]) => f.toLowerCase() === k.toLowerCase()).map(([, v]) => v);
    if (!/^1\.\d+$/.test(get("Wheel-Version")[0] ?? "")) problems.add(`WHEEL's Wheel-Version is ${get("Wheel-Version")[0] ?? "missing"}, not 1.x`);
    if (!["true", "false"].includes(get("Root-Is-Purelib")[0] ?? "")) problems.add("WHEEL's Root-Is-Purelib must be true or false");
    const tags = new Set(get("Tag"));
    if (tags.size !== expanded.length || expanded.some((t) => !tags.has(t))) problems.add(`WHEEL's Tag lines (${[...tags].join(", ")}) differ from the file name's tags (${expanded.join(", ")})`);
  }

  const metadata = texts.get("METADATA");
  if (metadata === undefined) {
    if (!files.includes(`${distInfo}/METADATA`)) problems.add(`${distInfo}/METADATA is missing`);
  } else {
    const meta = parseCoreMetadata(metadata);
    const licenses = new Set(files.filter((n) => n.startsWith(`${distInfo}/licenses/`)).map((n) => n.slice(`${distInfo}/licenses/`.length)));
    for (const p of checkCoreMetadata(meta, { kind: "METADATA", licenseFiles: licenses })) problems.add(`METADATA: ${p}`);
    const field = (k: string) => meta.fields.find(([f]) => f.toLowerCase() === k.toLowerCase())?.[1];
    if (escapedName(field("Name") ?? "") !== name) problems.add(`METADATA's Name "${field("Name")}" does not match the file name`);
    if (normalizeVersion(field("Version") ?? "") !== version) problems.add(`METADATA's Version "${field("Version")}" does not match the file name`);
  }

  for (const [name, text] of texts) if (name.startsWith(SBOMS)) for (const p of checkSbom(name, text, read.sha256)) problems.add(`${distInfo}/${printable(name)}: ${p}`);

  const entryPoints = texts.get("entry_points.txt");
  if (entryPoints !== undefined) for (const p of checkEntryPoints(entryPoints)) problems.add(p);

  if (platforms.every((t) => t === "any")) {
    if (binaries.length) problems.add(`a pure (any) wheel holds binaries: ${binaries.map((b) => printable(b.path)).join(", ")}`);
  } else {
    const target = targetForTags(platforms);
    if (!target) problems.add(`binwheel cannot check binaries against the tags ${platforms.join(".")}`);
    else {
      try {
        platformTags(target, platforms.filter((t) => t.startsWith(prefix(target))), binaries, {});
      } catch (e) {
        problems.add((e as Error).message.replace(/^\[tool\.binwheel\.targets\] [^:]+: ?/, ""));
      }
    }
  }
  return problems.done();
}

interface WheelContents {
  /** The names of the file (not folder) entries, as stored. */
  files: string[];
  /** TEXTS and SBOMs by their name inside the .dist-info folder. */
  texts: Map<string, string>;
  binaries: InspectedFile[];
  /** Each file's sha256 (hex), by its name. */
  sha256: Map<string, string>;
}

/**
 * One pass over the zip, checked the way PyPI's upload checks it (warehouse's zipfiles.py): the
 * end records at the very end, entries back to back, each local header equal to its central
 * directory record (ZIP64 sizes resolved on both sides), no data descriptors, comments or
 * encryption, stored or deflate only; member names as stored: safe paths, no two that are one
 * file on macOS or Windows. Contents are hashed for RECORD and binaries inspected.
 */
async function readWheel(zip: ZipArchive, distInfo: string, scratch: string, problems: Problems): Promise<WheelContents> {
  const { layout, entries } = zip;
  if (layout.commentLength || layout.eocdAt + 22 !== layout.fileSize) problems.add("the zip's end record is not at the very end (trailing data, a comment, or not a zip)");
  if (layout.zip64) {
    if (layout.zip64.recordSize !== 44) problems.add("the ZIP64 end record carries extensible data, which PyPI refuses");
    if (layout.zip64.recordAt + 56 !== layout.zip64.locatorAt) problems.add("there are bytes between the ZIP64 end record and its locator");
  }
  if (layout.cdOffset + layout.cdSize !== (layout.zip64?.recordAt ?? layout.eocdAt)) problems.add("there are bytes between the central directory and the end record");
  // Readers that ignore ZIP64 use the classic record: where it is not a placeholder, it must agree.
  const { classic } = layout;
  if (layout.zip64 && ((classic.count !== 0xffff && classic.count !== entries.length) || (classic.cdSize !== 0xffffffff && classic.cdSize !== layout.cdSize) || (classic.cdOffset !== 0xffffffff && classic.cdOffset !== layout.cdOffset))) {
    problems.add("the classic end record and the ZIP64 one describe different central directories, so zip readers would disagree on what the wheel holds");
  }
  if (entries.reduce((n, e) => n + e.record.length + e.commentLength, 0) !== layout.cdSize) problems.add("the central directory holds bytes that belong to no entry");

  const files = entries.filter((e) => !e.name.endsWith("/")).map((e) => e.name);
  const record = new RecordCheck(`${distInfo}/RECORD`, new Set(files), problems);
  // What the members inflate to is bounded as for assets: a zip bomb ends the check, not the disk.
  const guard = new ArchiveGuard("the wheel", layout.fileSize);
  const texts = new Map<string, string>();
  const sha256 = new Map<string, string>();
  const binaries: InspectedFile[] = [];
  const byKey = new Map<string, string>();
  const scratchFile = path.join(scratch, "check-binary");
  let expected: number | undefined = 0;
  for (const entry of entries) {
    const name = printable(entry.name);
    const bare = entry.name.endsWith("/") ? entry.name.slice(0, -1) : entry.name;
    const problem = pathProblem(bare);
    if (problem) problems.add(`the entry "${name}" ${problem}`, ENTRIES);
    const key = collisionKey(bare);
    const earlier = byKey.get(key);
    if (earlier === entry.name) problems.add(`${name} appears twice`, ENTRIES);
    else if (earlier !== undefined) problems.add(collision(earlier, entry.name), ENTRIES);
    else byKey.set(key, entry.name);
    const descriptor = (entry.flags & 0x8) !== 0;
    if (descriptor) problems.add(`${name} uses a data descriptor, which PyPI refuses`, ENTRIES);
    if (entry.flags & 0x1) problems.add(`${name} is encrypted`, ENTRIES);
    if (entry.method !== 0 && entry.method !== 8) problems.add(`${name} uses compression method ${entry.method}; PyPI accepts only stored and deflate`, ENTRIES);
    if (entry.commentLength) problems.add(`${name} has a comment in the central directory, which PyPI refuses`, ENTRIES);
    const nameBytes = entry.record.subarray(46, 46 + entry.record.readUInt16LE(28));
    if (entry.name.includes("\ufffd") && !Buffer.from(entry.name).equals(nameBytes)) problems.add(`${name} is not valid UTF-8`, ENTRIES);
    else if (!/^[\x00-\x7f]*$/.test(entry.name) && !(entry.flags & 0x800)) problems.add(`${name} is not ASCII but lacks the UTF-8 flag`, ENTRIES);
    if (((entry.externalAttr >>> 16) & 0o170000) === 0o120000) problems.add(`${name} is a symlink; wheels cannot hold links`, ENTRIES);
    if (expected !== undefined && entry.localOffset !== expected) problems.add(`${name} does not start where the previous entry ended (gaps or prepended data)`, ENTRIES);

    let local: LocalHeader;
    try {
      local = await zip.localHeader(entry);
    } catch (e) {
      if (!(e instanceof BinwheelError)) throw e;
      problems.add(e.message, ENTRIES);
      expected = undefined;
      continue;
    }
    // Flags, method, time, date, CRC-32 and sizes (bar those a data descriptor carries), and name.
    const fixedEnd = descriptor ? 14 : 18;
    if (!local.fixed.subarray(6, fixedEnd).equals(entry.record.subarray(8, fixedEnd + 2)) || !local.name.equals(nameBytes)
      || (!descriptor && (local.size !== entry.size || local.compressedSize !== entry.compressedSize))) {
      problems.add(`${name}: its local header differs from the central directory`, ENTRIES);
    }
    const extraProblem = localExtraProblem(local.extra, entry.method);
    if (extraProblem) problems.add(`${name}: its local header ${extraProblem}`, ENTRIES);
    expected = descriptor ? undefined : local.dataStart + entry.compressedSize;
    if (entry.name.endsWith("/")) continue;

    const inDistInfo = entry.name.startsWith(`${distInfo}/`) ? entry.name.slice(distInfo.length + 1) : undefined;
    const text = inDistInfo !== undefined && (TEXTS.includes(inDistInfo) || inDistInfo.startsWith(SBOMS)) ? inDistInfo : undefined;
    if (text && entry.size > MAX_TEXT) problems.add(`${name} is ${entry.size} bytes; binwheel check reads at most ${MAX_TEXT >> 20} MiB of it`);
    const keep = text !== undefined && entry.size <= MAX_TEXT;
    const isRecord = entry.name === record.path;
    if (isRecord) record.start();
    const hash = createHash("sha256");
    let size = 0;
    const chunks: Buffer[] = [];
    const take = (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (isRecord) record.feed(chunk);
      if (keep) chunks.push(Buffer.from(chunk)); // the reader reuses its buffer
    };
    let capture: BinaryCapture | undefined;
    try {
      const pieces = zip.content(entry, local, (n) => guard.count(n));
      const first = await pieces.next();
      // Most members come whole in one piece and are no executable or library: no capture.
      if (first.done || (first.value.length === entry.size && !binaryFormat(first.value.subarray(0, 4096)))) {
        if (!first.done) take(first.value);
        for await (const chunk of pieces) take(chunk);
      } else {
        capture = new BinaryCapture(scratchFile, entry.name);
        for await (const chunk of capture.tee(prepend(first.value, pieces))) take(chunk);
        const info = await capture.inspect();
        if (info) binaries.push({ path: entry.name, info });
      }
    } catch (e) {
      await capture?.inspect().catch(() => undefined); // removes its scratch copy
      if (!(e instanceof BinwheelError)) throw e;
      if (guard.tripped) {
        problems.add(e.message);
        return { files, texts, binaries, sha256 };
      }
      problems.add(e.message, ENTRIES);
      if (isRecord) record.broken();
      continue;
    }
    if (isRecord) record.end();
    else {
      const digest = hash.digest();
      sha256.set(entry.name, digest.toString("hex"));
      record.member(entry.name, `sha256=${digest.toString("base64url")},${size}`);
    }
    if (keep) texts.set(text, Buffer.concat(chunks).toString("utf8"));
  }
  if (expected !== undefined && expected !== layout.cdOffset) problems.add("there are bytes between the last entry and the central directory");
  record.finish();
  return { files, texts, binaries, sha256 };
}

/** Two names that `collisionKey` makes one, and where they are one file. */
export function collision(a: string, b: string): string {
  // macOS file systems fold case and normalization; Windows folds case only.
  const how = a.toLowerCase() === b.toLowerCase() ? "differ only in case: one file on macOS and Windows"
    : a.normalize("NFC") === b.normalize("NFC") ? "are one name in two Unicode normalizations (NFC and NFD): one file on macOS"
    : "differ only in case and Unicode normalization: one file on macOS";
  return `"${printable(a)}" and "${printable(b)}" ${how}`;
}

async function* prepend(first: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* rest;
}

/** What PyPI refuses in a local header's extra fields: repeated ZIP64 or Unicode-path fields, ZIP64 data of odd lengths. */
function localExtraProblem(extra: Buffer, method: number): string | undefined {
  const seen = new Set<number>();
  for (let p = 0; p < extra.length; p += 4 + extra.readUInt16LE(p + 2)) {
    if (p + 4 > extra.length || p + 4 + extra.readUInt16LE(p + 2) > extra.length) return "has a malformed extra field";
    const id = extra.readUInt16LE(p);
    if ((id === 0x0001 || id === 0x7075) && seen.has(id)) return `repeats the extra field 0x${id.toString(16).padStart(4, "0")}, which PyPI refuses`;
    seen.add(id);
  }
  const zip64 = extraField(extra, 0x0001);
  if (zip64 && (![0, 8, 16, 24, 28].includes(zip64.length) || (zip64.length === 8 && method !== 0))) return `has a ZIP64 extra field of ${zip64.length} bytes, which PyPI refuses`;
  return undefined;
}

/**
 * RECORD, checked row by row while it streams by (so it may be any size): a row is compared with
 * its member's hash when that member was read already, else kept until it is. Rows naming no
 * member are reported at once, so at most one row per member is ever kept.
 */
class RecordCheck {
  private state: "missing" | "reading" | "read" | "broken" = "missing";
  private readonly decoder = new TextDecoder();
  private readonly csv = new CsvReader((fields, count) => this.row(fields, count), (why) => this.broken(why));
  /** Members read before their row, and rows read before their member: "sha256=<hash>,<size>". */
  private readonly digests = new Map<string, string>();
  private readonly rows = new Map<string, string>();
  private readonly listed = new Set<string>();

  constructor(
    readonly path: string,
    private readonly files: Set<string>,
    private readonly problems: Problems,
  ) {}

  start(): void {
    this.state = "reading";
  }

  feed(chunk: Buffer): void {
    if (this.state === "reading") this.csv.push(this.decoder.decode(chunk, { stream: true }));
  }

  end(): void {
    if (this.state !== "reading") return;
    this.csv.push(this.decoder.decode());
    this.csv.end();
    this.state = "read";
  }

  /** Stops reading RECORD; `why` is reported (a damaged member is reported by its reader). */
  broken(why?: string): void {
    if (why) this.problems.add(`RECORD cannot be read: ${why}`);
    this.state = "broken";
  }

  /** A member as RECORD spells it: "sha256=<hash>,<size>". */
  member(name: string, digest: string): void {
    const row = this.rows.get(name);
    if (row === undefined) this.digests.set(name, digest);
    else {
      this.rows.delete(name);
      this.compare(name, row, digest);
    }
  }

  finish(): void {
    if (this.state === "missing") this.problems.add(`${this.path} is missing`);
    if (this.state !== "read") return;
    for (const f of this.files) if (!this.listed.has(f)) this.problems.add(`${printable(f)} is not listed in RECORD`, UNLISTED);
  }

  private row(fields: string[], count: number): void {
    if (count !== 3) {
      const shown = printable(fields.join(","));
      this.problems.add(count === 0 ? "RECORD has a blank line" : `a RECORD row has ${count} fields: ${shown.length > 200 ? `${shown.slice(0, 200)}...` : shown}`, ROWS);
      return;
    }
    const [p, h, s] = fields as [string, string, string];
    if (!this.files.has(p)) return this.problems.add(`RECORD lists ${printable(p)}, which the wheel does not hold`, ROWS);
    if (this.listed.has(p)) return this.problems.add(`RECORD lists ${printable(p)} twice`, ROWS);
    this.listed.add(p);
    if (p === this.path) {
      if (h || s) this.problems.add("RECORD's own row must have no hash and size", ROWS);
      return;
    }
    const digest = this.digests.get(p);
    if (digest === undefined) this.rows.set(p, `${h},${s}`);
    else {
      this.digests.delete(p);
      this.compare(p, `${h},${s}`, digest);
    }
  }

  private compare(p: string, row: string, digest: string): void {
    if (row !== digest) this.problems.add(`RECORD's hash or size for ${printable(p)} is wrong`, ROWS);
  }
}

/**
 * CSV as Python's csv module reads it (excel dialect, not strict), fed in pieces: quoted fields
 * with doubled quotes and line breaks, rows ended by \n, \r or \r\n, a blank line a row of no
 * fields. A row's first three fields are kept, the rest only counted.
 */
export class CsvReader {
  private fields: string[] = [];
  private count = 0;
  private field = "";
  private state: "start" | "field" | "quoted" | "quote" = "start";
  private rowStarted = false;
  private afterCR = false;
  private failed = false;

  constructor(
    private readonly onRow: (fields: string[], count: number) => void,
    private readonly onError: (why: string) => void,
  ) {}

  push(text: string): void {
    for (let i = 0; i < text.length && !this.failed; ) {
      const c = text[i]!;
      if (this.afterCR) {
        this.afterCR = false;
        if (c === "\n") { i++; continue; }
      }
      if (this.state === "quoted") {
        const quote = text.indexOf('"', i);
        this.append(text.slice(i, quote < 0 ? text.length : quote));
        if (quote >= 0) this.state = "quote";
        i = quote < 0 ? text.length : quote + 1;
      } else if (c === "\n" || c === "\r") {
        if (this.rowStarted) this.save();
        this.emit();
        this.afterCR = c === "\r";
        i++;
      } else if (c === ",") {
        this.save();
        this.rowStarted = true;
        i++;
      } else if (c === '"' && this.state !== "field") {
        if (this.state === "quote") this.append('"');
        this.state = "quoted";
        this.rowStarted = true;
        i++;
      } else {
        // A run of ordinary characters (a quote inside an unquoted field is one, as in Python).
        let j = i + 1;
        while (j < text.length && !",\r\n".includes(text[j]!)) j++;
        this.append(text.slice(i, j));
        this.state = "field";
        this.rowStarted = true;
        i = j;
      }
    }
  }

  end(): void {
    if (!this.failed && (this.rowStarted || this.count)) {
      this.save();
      this.emit();
    }
  }

  private append(text: string): void {
    this.field += text;
    if (this.field.length > MAX_FIELD) {
      this.failed = true;
      this.onError(`a field is longer than ${MAX_FIELD} characters, more than Python's csv module (pip, installer) reads`);
    }
  }

  private save(): void {
    if (this.count < 3) this.fields.push(this.field);
    this.count++;
    this.field = "";
    this.state = "start";
  }

  private emit(): void {
    this.onRow(this.fields, this.count);
    this.fields = [];
    this.count = 0;
    this.rowStarted = false;
    this.state = "start";
  }
}

const prefix = (t: TargetInfo) => ({ linux: "m", macos: "macosx_", windows: "win" })[t.os];

/** The known target a set of platform tags describes (its OS, architecture and libc). */
function targetForTags(tags: string[]): TargetInfo | undefined {
  const first = tags[0]!;
  const targets = KNOWN_TRIPLES.map((t) => targetInfo(t)!);
  if (first.startsWith("win")) return targets.find((t) => t.os === "windows" && t.tagArch === first);
  if (first.startsWith("macosx_")) {
    const arch = tags.some((t) => t.endsWith("_universal2")) ? "universal2" : first.split("_").slice(3).join("_");
    return targets.find((t) => t.os === "macos" && t.tagArch === arch);
  }
  const linux = /^(manylinux|musllinux)(?:_\d+_\d+|1|2010|2014)_(.+)$/.exec(first);
  if (!linux) return undefined;
  const libc = tags.some((t) => t.startsWith("manylinux")) ? "gnu" : "musl";
  return targets.find((t) => t.os === "linux" && t.tagArch === linux[2] && t.libc === libc);
}

function checkEntryPoints(text: string): string[] {
  const problems: string[] = [];
  let section: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || /^[#;]/.test(line)) continue;
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) { section = header[1]; continue; }
    const [name, value] = [line.slice(0, line.indexOf("=")).trim(), line.slice(line.indexOf("=") + 1).trim()];
    if (!section || line.indexOf("=") < 0) { problems.push(`entry_points.txt: "${line}" is not "name = object reference" inside a [group]`); continue; }
    if (!/^[\w.-]+$/.test(name)) problems.push(`entry_points.txt: the name "${name}" is invalid`);
    if ((section === "console_scripts" || section === "gui_scripts") && isReservedCommand(name)) {
      problems.push(`entry_points.txt: the command "${name}" would replace the environment's ${name.startsWith("pip") ? "pip" : "Python interpreter"}`);
    }
    if ((section === "console_scripts" || section === "gui_scripts") && !/^[\w.]+:[\w.]+(\s*\[.*\])?$/.test(value)) {
      problems.push(`entry_points.txt: ${section} ${name} = "${value}" must be "module:function"`);
    }
  }
  return problems;
}
