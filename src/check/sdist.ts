// `binwheel check` for sdists (research/wheel-spec.md §3): the PEP 625 file name, one top folder,
// PKG-INFO first and valid, pyproject.toml present, regular files and folders only, no binaries.
import path from "node:path";
import { readTar } from "../archive/tar.js";
import { binaryFormat } from "../inspect/magic.js";
import { escapedName } from "../names.js";
import { normalizeVersion } from "../pep440.js";
import { checkCoreMetadata, parseCoreMetadata } from "./metadata.js";

export async function checkSdist(file: string): Promise<string[]> {
  const problems: string[] = [];
  const base = path.basename(file);
  const stem = base.slice(0, -".tar.gz".length);
  const dash = stem.lastIndexOf("-");
  const [name, version] = [stem.slice(0, dash), stem.slice(dash + 1)];
  if (dash < 0 || escapedName(name) !== name || normalizeVersion(version) !== version) {
    problems.push(`the file name is not {normalized_name}-{normalized_version}.tar.gz (PEP 625)`);
  }
  const files: string[] = [];
  let first: string | undefined;
  let pkgInfo: string | undefined;
  try {
    await readTar(file, base, async (entry) => {
      first ??= entry.path;
      if (entry.path !== stem && !entry.path.startsWith(`${stem}/`)) problems.push(`${entry.path} is not inside the top folder ${stem}/`);
      if (entry.type === "directory") return;
      if (entry.type !== "file") { problems.push(`${entry.path} is a ${entry.type === "other" ? "special file" : entry.type}; sdists hold regular files and folders only`); return; }
      const relative = entry.path.slice(stem.length + 1);
      files.push(relative);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry.open()) {
        if (size < 4096 || relative === "PKG-INFO") chunks.push(Buffer.from(chunk)); // the reader reuses its buffer
        size += chunk.length;
      }
      const content = Buffer.concat(chunks);
      if (relative === "PKG-INFO") pkgInfo = content.toString("utf8");
      const format = binaryFormat(content.subarray(0, 4096));
      if (format) problems.push(`${relative} is ${format === "ELF" ? "an" : "a"} ${format} binary; an sdist carries no binaries`);
    });
  } catch (e) {
    problems.push((e as Error).message);
    return problems;
  }
  if (first !== `${stem}/PKG-INFO`) problems.push("PKG-INFO is not the first member");
  if (!files.includes("pyproject.toml")) problems.push("pyproject.toml is missing");
  if (pkgInfo === undefined) {
    problems.push("PKG-INFO is missing");
  } else {
    const meta = parseCoreMetadata(pkgInfo);
    problems.push(...checkCoreMetadata(meta, { kind: "PKG-INFO", licenseFiles: new Set(files) }).map((p) => `PKG-INFO: ${p}`));
    const field = (k: string) => meta.fields.find(([f]) => f.toLowerCase() === k.toLowerCase())?.[1];
    if (escapedName(field("Name") ?? "") !== name || normalizeVersion(field("Version") ?? "") !== version) {
      problems.push(`PKG-INFO's Name and Version (${field("Name")} ${field("Version")}) do not match the file name`);
    }
  }
  return problems;
}
