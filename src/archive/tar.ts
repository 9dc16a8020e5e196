// Streaming read of .tar.gz assets with node-tar's parser (gunzip included).
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Parser, type ReadEntry } from "tar";
import { fail } from "../errors.js";
import { cleanEntryPath, type EntryHandler, type EntryType } from "./entries.js";

const TYPES: Record<string, EntryType> = {
  File: "file", OldFile: "file", ContiguousFile: "file", Directory: "directory",
  SymbolicLink: "symlink", Link: "hardlink",
};

export async function readTar(file: string, archive: string, onEntry: EntryHandler): Promise<void> {
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
      const message = (e as Error).message;
      // node-tar stops a gzip stream that inflates more than 1000-fold.
      if (/decompression ratio/.test(message)) {
        fail(`${archive} expands over 1000 times its size: it looks like a decompression bomb, so binwheel stopped reading it.`);
      }
      fail(`${archive} is not a readable .tar.gz archive (${message}). Check the asset name and archive type.`);
    }
  }
  await queue;
  if (failure !== undefined) throw failure;
}
