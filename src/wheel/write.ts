// Writing a wheel file: entries in order (sorted, .dist-info last, RECORD at the very end) into
// a temporary file in the output folder, renamed into place only when complete.
import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { buildTimestamp } from "../epoch.js";
import { fail } from "../errors.js";
import { info } from "../log.js";
import { memberFromBuffer } from "./member.js";
import { renderRecord } from "./record.js";
import { ZipWriter, dosTime, type ZipEntry } from "./zip-writer.js";

export async function writeWheel(
  outDir: string,
  fileName: string,
  distInfo: string,
  entries: ZipEntry[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const ordered = orderForWheel(entries, distInfo);
  const temp = path.join(outDir, `.${fileName}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const out = await open(temp, "wx");
  let complete = false;
  try {
    const zip = new ZipWriter(out, dosTime(buildTimestamp(env)));
    for (const entry of ordered) await zip.add(entry);
    const recordPath = `${distInfo}/RECORD`;
    const record = renderRecord(ordered.map((e) => ({ path: e.name, sha256: e.member.sha256, size: e.member.size })), recordPath);
    await zip.add({ name: recordPath, mode: 0o644, member: memberFromBuffer(Buffer.from(record, "utf8")) });
    const size = await zip.finish();
    await out.close();
    await rename(temp, path.join(outDir, fileName));
    complete = true;
    info(`built ${fileName} (${ordered.length + 1} files, ${(size / 1048576).toFixed(1)} MiB)`);
  } finally {
    if (!complete) {
      await out.close().catch(() => {});
      await rm(temp, { force: true });
    }
  }
}

/** Sorted by path, the .dist-info folder last; two entries for one path is an error. */
function orderForWheel(entries: ZipEntry[], distInfo: string): ZipEntry[] {
  const key = (e: ZipEntry) => (e.name.startsWith(`${distInfo}/`) ? `1${e.name}` : `0${e.name}`);
  const sorted = [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  sorted.forEach((e, i) => {
    if (i > 0 && sorted[i - 1]!.name === e.name) {
      fail(`two files would go to ${e.name} in the wheel: one from the project's sources and one from the upstream archive or binwheel's generated modules. Move the include destination or remove the file from the source tree.`);
    }
  });
  return sorted;
}
