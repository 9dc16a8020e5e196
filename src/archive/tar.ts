// Streaming read of .tar.gz assets: Node's gunzip, then node-tar's parser.
import { createReadStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { BinwheelError } from "../errors.js";
import { cleanEntryPath, type EntryHandler, type EntryType } from "./entries.js";

const TYPES: Record<string, EntryType> = {
  File: "file", OldFile: "file", ContiguousFile: "file", Directory: "directory",
  SymbolicLink: "symlink", Link: "hardlink",
};

/** `onInflated` sees every decompressed byte count (all entries), and may throw to stop. */
export async function readTar(file: string, archive: string, onEntry: EntryHandler, onInflated: (bytes: number) => void = () => {}): Promise<void> {
  let failure: unknown;
  const source = createReadStream(file, { highWaterMark: 512 << 10 });
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        onInflated(chunk.length);
        done(null, chunk);
      } catch (e) {
        failure = e;
        done(e as Error);
      }
    },
  });
  const parser = new Parser({ strict: true });
  let queue = Promise.resolve();
  /** The entry a handler is reading, to be failed if the stream under it breaks. */
  let reading: ReadEntry | undefined;
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
              reading = e;
              return e as unknown as AsyncIterable<Buffer>;
            },
          });
        } catch (err) {
          failure ??= err;
          source.destroy();
        }
      }
      reading = undefined;
      if (!opened) e.resume();
    });
  });
  try {
    // Node's gunzip runs on the thread pool in large chunks; node-tar's own would run on this
    // thread, which also parses, hashes and feeds the parallel deflate (measured 15 % faster).
    await pipeline(source, createGunzip({ chunkSize: 512 << 10 }), count, parser);
  } catch (e) {
    // A handler may be waiting on an entry whose data will never come now.
    reading?.destroy(e as Error);
    if (failure === undefined) {
      failure = new BinwheelError(`${archive} is not a readable .tar.gz archive (${(e as Error).message}). Check the asset name and archive type.`);
    }
  }
  await queue;
  if (failure !== undefined) throw failure;
}
