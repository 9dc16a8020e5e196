// `binwheel check` for wheels: what PyPI, pip, uv and installer would reject (research/wheel-spec.md
// §1, §2, §6): the file name, the zip framing byte by byte, RECORD, WHEEL, METADATA, entry points,
// platform tags PyPI accepts, and the bundled binaries against those tags.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import path from "node:path";
import { readZip } from "../archive/zip.js";
import { BinaryCapture } from "../inspect/capture.js";
import { platformTags, type InspectedFile } from "../inspect/platform-tags.js";
import { escapedName } from "../names.js";
import { normalizeVersion } from "../pep440.js";
import { KNOWN_TRIPLES, targetInfo, type TargetInfo } from "../target/triples.js";
import { checkCoreMetadata, parseCoreMetadata } from "./metadata.js";
import { isPypiPlatformTag } from "./pypi-tags.js";

const DATA_KEYS = new Set(["purelib", "platlib", "headers", "scripts", "data"]);

interface Member {
  sha256: string;
  size: number;
  text?: string;
}

export async function checkWheel(file: string, scratch: string): Promise<string[]> {
  const problems: string[] = [];
  const base = path.basename(file);
  const parts = base.slice(0, -".whl".length).split("-");
  if (parts.length !== 5 && parts.length !== 6) return [`the file name is not {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`];
  const [name, version] = parts as [string, string];
  const [python, abi, platform] = parts.slice(-3) as [string, string, string];
  if (escapedName(name) !== name) problems.push(`the name part "${name}" is not normalized (PyPI wants "${escapedName(name)}")`);
  if (normalizeVersion(version) !== version) problems.push(`the version part "${version}" is not a normalized PEP 440 version`);
  if (parts.length === 6 && !/^\d/.test(parts[2]!)) problems.push(`the build tag "${parts[2]}" must start with a digit`);
  const platforms = platform.split(".");
  for (const tag of platforms) if (!isPypiPlatformTag(tag)) problems.push(`PyPI does not accept the platform tag ${tag}`);
  const expanded = python.split(".").flatMap((p) => abi.split(".").flatMap((a) => platforms.map((t) => `${p}-${a}-${t}`)));

  const framing = await checkFraming(file);
  problems.push(...framing.problems);
  if (framing.problems.length && framing.names.length === 0) return problems;

  const stem = `${name}-${version}`;
  const distInfo = `${stem}.dist-info`;
  const members = new Map<string, Member>();
  const binaries: InspectedFile[] = [];
  try {
    await readZip(file, base, async (entry) => {
      if (entry.type === "directory") return;
      const hash = createHash("sha256");
      let size = 0;
      const texts: Buffer[] = [];
      const keepText = entry.path.startsWith(`${distInfo}/`) && !entry.path.startsWith(`${distInfo}/licenses/`);
      const capture = new BinaryCapture(path.join(scratch, "check-binary"), entry.path);
      for await (const chunk of capture.tee(entry.open())) {
        hash.update(chunk);
        size += chunk.length;
        if (keepText && size <= 1 << 20) texts.push(Buffer.from(chunk)); // the reader may reuse its buffer
      }
      const info = await capture.inspect();
      if (info) binaries.push({ path: entry.path, info });
      members.set(entry.path, { sha256: hash.digest("base64url"), size, ...(keepText && { text: Buffer.concat(texts).toString("utf8") }) });
    });
  } catch (e) {
    problems.push((e as Error).message);
    return problems;
  }

  const tops = new Set([...members.keys()].map((n) => n.split("/")[0]!));
  const distInfos = [...tops].filter((t) => t.endsWith(".dist-info"));
  if (distInfos.length !== 1 || distInfos[0] !== distInfo) problems.push(`the wheel must hold exactly one ${distInfo} folder, not ${distInfos.join(", ") || "none"}`);
  for (const top of tops) {
    if (!top.endsWith(".data")) continue;
    if (top !== `${stem}.data`) problems.push(`${top} does not match the file name (${stem}.data)`);
    for (const n of members.keys()) {
      const key = n.startsWith(`${top}/`) ? n.split("/")[1] : undefined;
      if (key !== undefined && !DATA_KEYS.has(key)) problems.push(`${n} is in an unknown .data key "${key}"`);
    }
  }
  const text = (n: string) => members.get(`${distInfo}/${n}`)?.text;

  const record = text("RECORD");
  if (record === undefined) {
    problems.push(`${distInfo}/RECORD is missing`);
  } else {
    const rows = parseCsv(record);
    const listed = new Set<string>();
    for (const row of rows) {
      if (row.length !== 3) { problems.push(`a RECORD row has ${row.length} fields: ${row.join(",")}`); continue; }
      const [p, h, s] = row as [string, string, string];
      listed.add(p);
      const member = members.get(p);
      if (!member) { problems.push(`RECORD lists ${p}, which the wheel does not hold`); continue; }
      if (p === `${distInfo}/RECORD`) { if (h || s) problems.push("RECORD's own row must have no hash and size"); continue; }
      if (h !== `sha256=${member.sha256}` || s !== String(member.size)) problems.push(`RECORD's hash or size for ${p} is wrong`);
    }
    for (const n of members.keys()) if (!listed.has(n)) problems.push(`${n} is not listed in RECORD`);
  }

  const wheelFile = text("WHEEL");
  if (wheelFile === undefined) {
    problems.push(`${distInfo}/WHEEL is missing`);
  } else {
    const wheel = parseCoreMetadata(wheelFile);
    const get = (k: string) => wheel.fields.filter(([f]) => f.toLowerCase() === k.toLowerCase()).map(([, v]) => v);
    if (!/^1\.\d+$/.test(get("Wheel-Version")[0] ?? "")) problems.push(`WHEEL's Wheel-Version is ${get("Wheel-Version")[0] ?? "missing"}, not 1.x`);
    if (!["true", "false"].includes(get("Root-Is-Purelib")[0] ?? "")) problems.push("WHEEL's Root-Is-Purelib must be true or false");
    const tags = new Set(get("Tag"));
    if (tags.size !== expanded.length || expanded.some((t) => !tags.has(t))) problems.push(`WHEEL's Tag lines (${[...tags].join(", ")}) differ from the file name's tags (${expanded.join(", ")})`);
  }

  const metadata = text("METADATA");
  if (metadata === undefined) {
    problems.push(`${distInfo}/METADATA is missing`);
  } else {
    const meta = parseCoreMetadata(metadata);
    const licenses = new Set([...members.keys()].filter((n) => n.startsWith(`${distInfo}/licenses/`)).map((n) => n.slice(`${distInfo}/licenses/`.length)));
    problems.push(...checkCoreMetadata(meta, { kind: "METADATA", licenseFiles: licenses }).map((p) => `METADATA: ${p}`));
    const field = (k: string) => meta.fields.find(([f]) => f.toLowerCase() === k.toLowerCase())?.[1];
    if (escapedName(field("Name") ?? "") !== name) problems.push(`METADATA's Name "${field("Name")}" does not match the file name`);
    if (normalizeVersion(field("Version") ?? "") !== version) problems.push(`METADATA's Version "${field("Version")}" does not match the file name`);
  }

  const entryPoints = text("entry_points.txt");
  if (entryPoints !== undefined) problems.push(...checkEntryPoints(entryPoints));

  if (platforms.every((t) => t === "any")) {
    if (binaries.length) problems.push(`a pure (any) wheel holds binaries: ${binaries.map((b) => b.path).join(", ")}`);
  } else {
    const target = targetForTags(platforms);
    if (!target) problems.push(`binwheel cannot check binaries against the tags ${platforms.join(".")}`);
    else {
      try {
        platformTags(target, platforms.filter((t) => t.startsWith(prefix(target))), binaries, {});
      } catch (e) {
        problems.push((e as Error).message.replace(/^\[tool\.binwheel\.targets\] [^:]+: ?/, ""));
      }
    }
  }
  return problems;
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
    if ((section === "console_scripts" || section === "gui_scripts") && !/^[\w.]+:[\w.]+(\s*\[.*\])?$/.test(value)) {
      problems.push(`entry_points.txt: ${section} ${name} = "${value}" must be "module:function"`);
    }
  }
  return problems;
}

/** CSV as Python's csv module reads it (quoted fields, doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** The zip's bytes, checked the way PyPI's upload checks them. */
async function checkFraming(file: string): Promise<{ problems: string[]; names: string[] }> {
  const problems: string[] = [];
  const names: string[] = [];
  const fh = await open(file, "r");
  try {
    const size = (await fh.stat()).size;
    const read = async (at: number, length: number) => {
      const b = Buffer.alloc(Math.max(0, Math.min(length, size - at)));
      await fh.read(b, 0, b.length, at);
      return b;
    };
    const end = await read(size - 22, 22);
    if (end.length < 22 || end.readUInt32LE(0) !== 0x06054b50) return { problems: ["the zip's end record is not at the very end (trailing data, a comment, or not a zip)"], names };
    const count = end.readUInt16LE(10);
    const cdSize = end.readUInt32LE(12);
    const cdOffset = end.readUInt32LE(16);
    if (cdOffset + cdSize !== size - 22) problems.push("there are bytes between the central directory and the end record");
    const cd = await read(cdOffset, cdSize);
    let p = 0;
    let expected = 0;
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) { problems.push("the central directory is damaged"); break; }
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      const nameLength = cd.readUInt16LE(p + 28);
      const extra = cd.readUInt16LE(p + 30);
      const comment = cd.readUInt16LE(p + 32);
      const offset = cd.readUInt32LE(p + 42);
      const mode = cd.readUInt32LE(p + 38) >>> 16;
      const name = cd.toString("utf8", p + 46, p + 46 + nameLength);
      names.push(name);
      if (seen.has(name)) problems.push(`${name} appears twice`);
      seen.add(name);
      if (flags & 0x8) problems.push(`${name} uses a data descriptor, which PyPI refuses`);
      if (flags & 0x1) problems.push(`${name} is encrypted`);
      if (method !== 0 && method !== 8) problems.push(`${name} uses compression method ${method}; PyPI accepts only stored and deflate`);
      if (comment) problems.push(`${name} has a comment in the central directory, which PyPI refuses`);
      if (!/^[\x20-\x7e]*$/.test(name) && !(flags & 0x800)) problems.push(`${name} is not ASCII but lacks the UTF-8 flag`);
      if ((mode & 0o170000) === 0o120000) problems.push(`${name} is a symlink; wheels cannot hold links`);
      if (name.startsWith("/") || name.split("/").includes("..") || name.includes("\\")) problems.push(`${name} is not a safe relative path`);
      if (offset !== expected) problems.push(`${name} does not start where the previous entry ended (gaps or prepended data)`);
      const local = await read(offset, 30);
      if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) { problems.push(`${name} has no local header`); break; }
      const localName = await read(offset + 30, local.readUInt16LE(26));
      if (!local.subarray(6, 26).equals(cd.subarray(p + 8, p + 28)) || localName.toString("utf8") !== name) {
        problems.push(`${name}: its local header differs from the central directory`);
      }
      expected = offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28) + cd.readUInt32LE(p + 20);
      p += 46 + nameLength + extra + comment;
    }
    if (expected !== cdOffset && problems.length === 0) problems.push("there are bytes between the last entry and the central directory");
  } finally {
    await fh.close();
  }
  return { problems, names };
}
