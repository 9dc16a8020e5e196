// `binwheel check` for one wheel: the file name, then one pass over the zip (zip.ts) that feeds
// RECORD's check (record.ts) and keeps the .dist-info texts and binaries, then the layout and WHEEL
// (layout.ts), METADATA (metadata.ts), entry points (entry-points.ts), SBOMs (sbom.ts) and the
// binaries against the tags (binaries.ts).
import path from "node:path";
import { ZipArchive } from "../archive/zip.js";
import { printable } from "../fs/artifact-path.js";
import { BinwheelError } from "../errors.js";
import { checkTagsAndBinaries } from "./binaries.js";
import { checkEntryPoints } from "./entry-points.js";
import type { Findings } from "./findings.js";
import { checkLayout, checkWheelFile, parseWheelName } from "./layout.js";
import { checkCoreMetadata, identity, parseCoreMetadata, sameIdentity } from "./metadata.js";
import { RecordCheck } from "./record.js";
import { checkSbom } from "./sbom.js";
import { readWheel } from "./zip.js";

/** The .dist-info files read whole (RECORD streams), and PEP 770's folder of SBOMs. */
const TEXTS = ["METADATA", "WHEEL", "entry_points.txt"];
const SBOMS = "sboms/";

export async function checkWheel(file: string, scratch: string, findings: Findings): Promise<void> {
  const wheel = parseWheelName(path.basename(file), findings);
  if (!wheel) return;
  const distInfo = `${wheel.stem}.dist-info`;
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(file, (why) => new BinwheelError(why));
  } catch (e) {
    if (!(e instanceof BinwheelError)) throw e;
    return findings.add("BW101", `the file is not a readable zip (${e.message}); PyPI and installers refuse it`);
  }
  const files = new Set(zip.entries.filter((e) => !e.name.endsWith("/")).map((e) => e.name));
  const record = new RecordCheck(`${distInfo}/RECORD`, distInfo, files, findings);
  let read;
  try {
    read = await readWheel(zip, {
      distInfo,
      keep: (name) => TEXTS.includes(name) || name.startsWith(SBOMS),
      record,
      scratchFile: path.join(scratch, "binary"),
    }, findings);
  } finally {
    await zip.close();
  }
  record.finish();
  const { texts } = read;
  /** A kept text: undefined when absent (or too large to keep), null when it is not UTF-8. */
  const text = (name: string): string | undefined | null => {
    const bytes = texts.get(name);
    if (bytes === undefined) return undefined;
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return null;
    }
  };

  const metadata = text("METADATA");
  const meta = typeof metadata === "string" ? parseCoreMetadata(metadata) : undefined;
  const project = meta ? identity(meta).name ?? wheel.name : wheel.name;
  checkLayout(wheel, read.files, project, findings);

  const wheelFile = text("WHEEL");
  if (wheelFile === undefined) {
    if (!files.has(`${distInfo}/WHEEL`)) findings.add("BW306", `${distInfo}/WHEEL is missing; PyPI refuses the upload and installers cannot install it`);
  } else if (wheelFile === null) findings.add("BW306", "WHEEL is not UTF-8; installers cannot read it");
  else checkWheelFile(wheelFile, wheel, findings);

  if (metadata === undefined) {
    if (!files.has(`${distInfo}/METADATA`)) findings.add("BW309", `${distInfo}/METADATA is missing; PyPI refuses the upload`);
  } else if (!meta) {
    findings.add("BW309", "METADATA is not UTF-8; packaging's validator and PyPI refuse it");
  } else {
    const licenses = new Set([...files].filter((n) => n.startsWith(`${distInfo}/licenses/`)).map((n) => n.slice(`${distInfo}/licenses/`.length)));
    for (const [code, message] of checkCoreMetadata(meta, { kind: "METADATA", licenseFiles: licenses })) findings.add(code, `METADATA: ${message}`);
    const same = sameIdentity(meta, wheel.name, wheel.version);
    const given = identity(meta);
    if (!same.name && given.name) findings.add("BW310", `METADATA's Name "${printable(given.name)}" is another project than the file name's "${printable(wheel.name)}"; PyPI refuses the upload`);
    if (!same.version && given.version) findings.add("BW310", `METADATA's Version "${printable(given.version)}" differs from the file name's "${printable(wheel.version)}"; PyPI and uv refuse the wheel`);
  }

  const entryPoints = text("entry_points.txt");
  if (entryPoints === null) findings.add("BW501", "entry_points.txt is not UTF-8; PyPI refuses the upload");
  else if (entryPoints !== undefined) checkEntryPoints(entryPoints, project, findings);

  for (const name of texts.keys()) {
    if (!name.startsWith(SBOMS)) continue;
    for (const [code, message] of checkSbom(name, text(name) ?? "", read.sha256)) findings.add(code, `${distInfo}/${printable(name)}: ${message}`);
  }
  checkTagsAndBinaries(wheel.platforms, read.binaries, findings);
}
