// Streaming read of .tar.gz assets with node-tar's parser (gunzip included).
import { createReadStream } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Parser, type ReadEntry } from "tar";
import { fail } from "../errors.js";
import { cleanEntryPath, type EntryHandler, type EntryType } from "./entries.js";

const TYPES: Record<string, EntryType> = {
  File: "file", OldFile: "file", ContiguousFile: "file", Directory: "directory",
  SymbolicLink: "symlink", Link: "hardlink",
};

export async function readTar(file: string, onEntry: EntryHandler): Promise<void> {
  const archive = path.basename(file);
  const source = createReadStream(file);
  const parser = new Parser({ strict: true });
  let queue = Promise.resolve();
  let failure: unknown;
  parser.on("entry", (e: ReadEntry) => {
    queue = queue.then(async () => {
      let opened = false;
      if (failure === undefined) {
        try {
          await onEntry({
            path: cleanEntryPath(e.path, archive),
            type: TYPES[e.type] ?? "other",
            mode: (e.mode ?? 0o644) & 0o777,
            size: e.size ?? 0,
            ...(e.linkpath !== undefined && { linkTarget: e.linkpath }),
            open: () => {
              opened = true;
              return e as unknown as AsyncIterable<Buffer>;
            },
          });
        } catch (err) {
          failure = err;
          source.destroy();
        }
      }
      if (!opened) e.resume();
    });
  });
  try {
    await pipeline(source, parser);
  } catch (e) {
    if (failure === undefined) {
      fail(`${archive} is not a readable .tar.gz archive (${(e as Error).message}). Check the asset name and archive type.`);
    }
  }
  await queue;
  if (failure !== undefined) throw failure;
}
