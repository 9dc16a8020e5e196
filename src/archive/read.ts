// One entry point for every asset format (format.ts): tars of any compression, zips, bare
// files (an archive of one member) and local folders.
import { statSync } from "node:fs";
import { fail } from "../errors.js";
import { decompress } from "./decompress.js";
import type { EntryHandler } from "./entries.js";
import { readFolder } from "./folder.js";
import { describeFormat, type AssetFormat } from "./format.js";
import { readTar } from "./tar.js";
import { readZip } from "./zip.js";

/**
 * Reads `file` entry by entry; `name` (the asset's name) is how messages call it. `onInflated`
 * sees every decompressed byte count, and may throw to stop (the decompression-bomb guard).
 */
export function readArchive(file: string, format: AssetFormat, name: string, onEntry: EntryHandler, onInflated: (bytes: number) => void = () => {}): Promise<void> {
  switch (format.container) {
    case "zip":
      return readZip(file, name, onEntry, onInflated);
    case "tar":
      return readTar(file, name, onEntry, { compression: format.compression, onInflated });
    case "folder":
      return readFolder(file, name, onEntry, onInflated);
    case "file": {
      const bad = (why: string): never => fail(`${name} is not readable as ${describeFormat(format)} (${why}). Check the asset name.`);
      // A compressed one's size is known only once it is decompressed: -1 (streamed).
      return onEntry({
        path: format.member,
        storedPath: format.member,
        type: "file",
        mode: 0o755,
        size: format.compression === "none" ? statSync(file).size : -1,
        open: () => decompress(file, format.compression, bad, onInflated),
      });
    }
  }
}
