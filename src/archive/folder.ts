// A local folder (a `path` source, such as cargo's target/<triple>/release) read like an archive:
// its files, links and folders are entries in sorted order, each file streamed from disk when
// a rule wants it. Links are entries, not followed, so the guard judges them as in an archive.
import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import path from "node:path";
import { decompress } from "./decompress.js";
import type { EntryHandler, EntryType } from "./entries.js";

export async function readFolder(dir: string, name: string, onEntry: EntryHandler, onInflated: (bytes: number) => void): Promise<void> {
  const visit = async (relative: string): Promise<void> => {
    for (const child of readdirSync(path.join(dir, relative)).sort()) {
      const inside = relative ? `${relative}/${child}` : child;
      const absolute = path.join(dir, inside);
      const stat = lstatSync(absolute);
      const type: EntryType = stat.isFile() ? "file" : stat.isDirectory() ? "directory" : stat.isSymbolicLink() ? "symlink" : "other";
      await onEntry({
        path: inside,
        storedPath: inside,
        type,
        mode: stat.mode & 0o777,
        size: type === "file" ? stat.size : 0,
        ...(type === "symlink" && { linkTarget: readlinkSync(absolute) }),
        open: () => decompress(absolute, "none", () => { throw new Error(`${name}: ${inside} changed while it was read`); }, onInflated),
      });
      if (type === "directory") await visit(inside);
    }
  };
  await visit("");
}
