// `binwheel check` for sdists (research/wheel-spec.md §3): the PEP 625 file name, one top folder,
// PKG-INFO first and valid, pyproject.toml present, regular files and folders only, no binaries,
// member names that are safe paths and that no two are one file on macOS or Windows.
import path from "node:path";
import { readTar } from "../archive/tar.js";
import { collisionKey, pathProblem, printable } from "../fs/artifact-path.js";
import { BinwheelError } from "../errors.js";
import { binaryFormat } from "../inspect/magic.js";
import { escapedName } from "../python/names.js";
import { normalizeVersion } from "../python/pep440.js";
import { checkCoreMetadata, parseCoreMetadata } from "./metadata.js";
import { MAX_TEXT, Problems, collision } from "./wheel.js";

const ENTRIES = "problems with member names";

export async function checkSdist(file: string): Promise<string[]> {
  const problems = new Problems();
  const base = path.basename(file);
  const stem = base.slice(0, -".tar.gz".length);
  const dash = stem.lastIndexOf("-");
  const [name, version] = [stem.slice(0, dash), stem.slice(dash + 1)];
  if (dash < 0 || escapedName(name) !== name || normalizeVersion(version) !== version) {
    problems.add(`the file name is not {normalized_name}-{normalized_version}.tar.gz (PEP 625)`);
  }
  const byKey = new Map<string, string>();
  const files: string[] = [];
  let first: string | undefined;
  let pkgInfo: string | undefined;
  try {
    // Names are judged as stored ("./a//b" is reported, not quietly read as "a/b").
    await readTar(file, base, async (entry) => {
      const stored = entry.storedPath;
      const bare = stored.endsWith("/") ? stored.slice(0, -1) : stored;
      const problem = pathProblem(bare);
      if (problem) problems.add(`the member "${printable(stored)}" ${problem}`, ENTRIES);
      const earlier = byKey.get(collisionKey(bare));
      // A second member of one name: extracting gives the last one, which no check looked at first.
      if (earlier === bare && entry.type !== "directory") problems.add(`the member "${printable(stored)}" appears twice`, ENTRIES);
      else if (earlier !== undefined && earlier !== bare) problems.add(collision(earlier, bare), ENTRIES);
      else byKey.set(collisionKey(bare), bare);
      first ??= entry.path;
      if (entry.path !== stem && !entry.path.startsWith(`${stem}/`)) problems.add(`${printable(entry.path)} is not inside the top folder ${stem}/`, ENTRIES);
      if (entry.type === "directory") return;
      if (entry.type !== "file") { problems.add(`${printable(entry.path)} is a ${entry.type === "other" ? "special file" : entry.type}; sdists hold regular files and folders only`, ENTRIES); return; }
      const relative = entry.path.slice(stem.length + 1);
      files.push(relative);
      const whole = relative === "PKG-INFO" && entry.size <= MAX_TEXT;
      if (relative === "PKG-INFO" && !whole) problems.add(`PKG-INFO is ${entry.size} bytes; binwheel check reads at most ${MAX_TEXT >> 20} MiB of it`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry.open()) {
        if (size < 4096 || whole) chunks.push(Buffer.from(chunk)); // the reader reuses its buffer
        size += chunk.length;
      }
      const content = Buffer.concat(chunks);
      if (whole) pkgInfo = content.toString("utf8");
      const format = binaryFormat(content.subarray(0, 4096));
      if (format) problems.add(`${printable(relative)} is ${format === "ELF" ? "an" : "a"} ${format} binary; an sdist carries no binaries`, ENTRIES);
    }, { checkNames: false });
  } catch (e) {
    if (!(e instanceof BinwheelError)) throw e;
    problems.add(e.message);
    return problems.done();
  }
  if (first !== `${stem}/PKG-INFO`) problems.add("PKG-INFO is not the first member");
  if (!files.includes("pyproject.toml")) problems.add("pyproject.toml is missing");
  if (pkgInfo === undefined) {
    if (!files.includes("PKG-INFO")) problems.add("PKG-INFO is missing");
  } else {
    const meta = parseCoreMetadata(pkgInfo);
    for (const p of checkCoreMetadata(meta, { kind: "PKG-INFO", licenseFiles: new Set(files) })) problems.add(`PKG-INFO: ${p}`);
    const field = (k: string) => meta.fields.find(([f]) => f.toLowerCase() === k.toLowerCase())?.[1];
    if (escapedName(field("Name") ?? "") !== name || normalizeVersion(field("Version") ?? "") !== version) {
      problems.add(`PKG-INFO's Name and Version (${field("Name")} ${field("Version")}) do not match the file name`);
    }
  }
  return problems.done();
}

