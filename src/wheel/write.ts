// Writing a wheel file: entries in order (sorted, .dist-info last, RECORD at the very end) into
// a temporary file in the output folder, renamed into place only when complete.
import path from "node:path";
import { buildTimestamp } from "../config/epoch.js";
import { ArtifactPaths } from "../fs/artifact-path.js";
import { fail } from "../errors.js";
import { info } from "../log.js";
import { memberFromBuffer } from "./member.js";
import { renderRecord } from "./record.js";
import { writeThroughTemporary } from "../fs/tempfiles.js";
import { ZipWriter, dosTime, type ZipEntry } from "./zip-writer.js";

export async function writeWheel(
  outDir: string,
  fileName: string,
  distInfo: string,
  entries: ZipEntry[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const ordered = orderForWheel(entries, distInfo, fileName);
  const size = await writeThroughTemporary(path.join(outDir, fileName), async (out) => {
    const zip = new ZipWriter(out, dosTime(buildTimestamp(env)));
    for (const entry of ordered) await zip.add(entry);
    const recordPath = `${distInfo}/RECORD`;
    const record = renderRecord(ordered.map((e) => ({ path: e.name, sha256: e.member.sha256, size: e.member.size })), recordPath);
    await zip.add({ name: recordPath, mode: 0o644, member: memberFromBuffer(Buffer.from(record, "utf8")) });
    return zip.finish();
  });
  info(`built ${fileName} (${ordered.length + 1} files, ${(size / 1048576).toFixed(1)} MiB)`);
}

/** Sorted by path, the .dist-info folder last; every path through the gate (fs/artifact-path.ts). */
function orderForWheel(entries: ZipEntry[], distInfo: string, fileName: string): ZipEntry[] {
  if (entries.length >= 0xffff) fail(`the wheel ${fileName} would hold ${entries.length + 1} files; binwheel does not write ZIP64 wheels (more than 65535 files). Leave files out of the packages.`);
  const windows = fileName.slice(0, -".whl".length).split("-").pop()!.split(".").some((tag) => tag.startsWith("win"));
  const paths = new ArtifactPaths(`the wheel ${fileName}`, windows);
  for (const e of entries) paths.add(e.name, e.origin ?? `binwheel's ${e.name}`, e.origin === undefined);
  const key = (e: ZipEntry) => (e.name.startsWith(`${distInfo}/`) ? `1${e.name}` : `0${e.name}`);
  return [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
