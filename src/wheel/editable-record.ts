// What editable installs wrote into the source tree (.binwheel-editable.json at the project root):
// project-relative path -> RECORD-style sha256 of the content written. A later editable install
// may replace or remove only these files, and wheel and sdist builds leave only these out of the
// include destinations: any other file there is the author's, and is never silently dropped.
import path from "node:path";
import { warn } from "../log.js";
import { NotRegularFile, readRegular } from "../fs/regular-file.js";
import { writeThroughTemporary } from "../fs/tempfiles.js";

export const EDITABLE_RECORD = ".binwheel-editable.json";

export function readEditableRecord(root: string): Record<string, string> {
  const file = path.join(root, EDITABLE_RECORD);
  try {
    const text = readRegular(file, 64 << 20)?.toString("utf8");
    if (text === undefined) return {};
    const data = JSON.parse(text) as unknown;
    if (typeof data === "object" && data !== null && !Array.isArray(data) && Object.values(data).every((v) => typeof v === "string")) {
      return data as Record<string, string>;
    }
  } catch (e) {
    if (!(e instanceof NotRegularFile || e instanceof SyntaxError)) throw e;
  }
  warn(`${file} is damaged; binwheel treats every file in the include destinations as the project's own until an editable install rewrites it.`);
  return {};
}

export async function writeEditableRecord(root: string, record: Record<string, string>): Promise<void> {
  await writeThroughTemporary(path.join(root, EDITABLE_RECORD), (out) => out.writeFile(`${JSON.stringify(record, null, 1)}\n`));
}
