// `binwheel check` for sdists (BW7xx): the PEP 625 file name PyPI enforces, one top folder named
// after it, PKG-INFO (its metadata judged as a wheel's METADATA is), pyproject.toml, and members
// that installers unpack (Python's tarfile "data" filter, which pip and build use, refuses devices,
// FIFOs and links out of the tree). Member names are judged as stored, as for wheels.
import path from "node:path";
import { readTar } from "../archive/tar.js";
import { collisionKey, printable } from "../fs/artifact-path.js";
import { BinwheelError } from "../errors.js";
import { binaryFormat } from "../inspect/magic.js";
import { escapedName } from "../python/names.js";
import { normalizeVersion } from "../python/pep440.js";
import type { Findings } from "./findings.js";
import { checkCoreMetadata, identity, parseCoreMetadata } from "./metadata.js";
import { MAX_TEXT, collision, pathProblem } from "./zip.js";

export async function checkSdist(file: string, findings: Findings): Promise<void> {
  const base = path.basename(file);
  const stem = base.slice(0, -".tar.gz".length);
  const dash = stem.lastIndexOf("-");
  const [name, version] = [stem.slice(0, dash), stem.slice(dash + 1)];
  const byKey = new Map<string, string>();
  const files: string[] = [];
  const binaries: string[] = [];
  let pkgInfo: Buffer | undefined;
  try {
    // Names are judged as stored ("./a//b" is reported, not quietly read as "a/b").
    await readTar(file, base, async (entry) => {
      const stored = entry.storedPath;
      const bare = stored.endsWith("/") ? stored.slice(0, -1) : stored;
      const problem = pathProblem(bare, "sdist");
      if (problem) findings.add(problem[0], `the member "${printable(stored)}" ${problem[1]}`);
      const earlier = byKey.get(collisionKey(bare));
      if (earlier === bare && entry.type !== "directory") findings.add("BW708", `the member "${printable(stored)}" is stored twice; unpacking keeps the last one`);
      else if (earlier !== undefined && earlier !== bare) findings.add("BW116", collision(earlier, bare));
      else byKey.set(collisionKey(bare), bare);
      if (entry.path !== stem && !entry.path.startsWith(`${stem}/`)) findings.add("BW703", `${printable(entry.path)} is not inside the top folder ${stem}/; PyPI and build want exactly one`);
      if (entry.type === "other") return findings.add("BW707", `${printable(entry.path)} is a device, FIFO or socket, which pip and build refuse to unpack`);
      if (entry.type === "symlink" || entry.type === "hardlink") {
        const target = entry.linkTarget ?? "";
        const resolved = path.posix.normalize(path.posix.join(entry.type === "symlink" ? path.posix.dirname(entry.path) : "", target));
        if (target.startsWith("/") || /^[A-Za-z]:/.test(target) || resolved === ".." || resolved.startsWith("../")) {
          findings.add("BW707", `${printable(entry.path)} is a link to "${printable(target)}", outside the sdist, which pip and build refuse to unpack`);
        } else findings.add("BW708", `${printable(entry.path)} is a ${entry.type === "symlink" ? "symbolic" : "hard"} link; tools that unpack sdists on Windows cannot make it`);
        return;
      }
      if (entry.type === "directory") return;
      const relative = entry.path.slice(stem.length + 1);
      files.push(relative);
      const whole = relative === "PKG-INFO" && entry.size <= MAX_TEXT;
      if (relative === "PKG-INFO" && !whole) findings.add("BW118", `PKG-INFO is ${entry.size} bytes; binwheel check reads at most ${MAX_TEXT >> 20} MiB of it, so its rules went unchecked`);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry.open()) {
        if (size < 4096 || whole) chunks.push(Buffer.from(chunk)); // the reader reuses its buffer
        size += chunk.length;
      }
      const content = Buffer.concat(chunks);
      if (whole) pkgInfo = content;
      if (binaryFormat(content.subarray(0, 4096))) binaries.push(relative);
    }, { checkNames: false });
  } catch (e) {
    if (!(e instanceof BinwheelError)) throw e;
    return findings.add("BW702", `${e.message.replace(/ Check the asset name and archive type\.$/, "")}; pip and build cannot unpack it`);
  }
  for (const binary of binaries) findings.add("BW709", `${printable(binary)} is a prebuilt binary; an sdist is built from source, and whoever builds it gets this file as it is`);
  if (!files.includes("pyproject.toml")) findings.add("BW705", "pyproject.toml is missing; the spec requires it, and pip builds the sdist with the legacy setuptools path instead");

  const normalName = dash > 0 ? escapedName(name) : "";
  const normalVersion = dash > 0 ? normalizeVersion(version) : null;
  if (pkgInfo === undefined) {
    if (!files.includes("PKG-INFO")) findings.add("BW704", `${stem}/PKG-INFO is missing; PyPI refuses the upload`);
    if (dash <= 0 || normalName !== name || normalVersion !== version) findings.add("BW701", `the file name is not {normalized_name}-{normalized_version}.tar.gz (PEP 625), which PyPI refuses`);
    return;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(pkgInfo);
  } catch {
    return findings.add("BW704", "PKG-INFO is not UTF-8; PyPI refuses the upload");
  }
  const meta = parseCoreMetadata(text);
  const declared = meta.fields.find(([f]) => f.toLowerCase() === "metadata-version")?.[1];
  if (declared !== undefined && ["1.0", "1.1", "1.2", "2.0", "2.1"].includes(declared)) {
    findings.add("BW706", `PKG-INFO declares Metadata-Version ${declared}; the sdist format wants 2.2 or later, so installers treat all its metadata as dynamic`);
  }
  for (const [code, message] of checkCoreMetadata(meta, { kind: "PKG-INFO", licenseFiles: new Set(files) })) findings.add(code, `PKG-INFO: ${message}`);
  const given = identity(meta);
  const expected = given.name && given.version ? `${escapedName(given.name)}-${normalizeVersion(given.version) ?? given.version}.tar.gz` : undefined;
  if (expected && base !== expected) findings.add("BW701", `the file name should be ${expected} (PEP 625: the normalized name and version PKG-INFO gives); PyPI refuses ${base}`);
}
