// The compressions an asset may come in, each a streaming decompressor with one signature: it
// reads a file and yields views of the decompressed bytes (valid until the next view is asked
// for), calls `bad` with a reason when the data is damaged, and reports every decompressed byte
// count to `onInflated` (the bomb guard, which may throw to stop). Adding a format is one module
// and one line here.
import { closeSync, openSync, readSync } from "node:fs";
import { bzip2File } from "./bzip2.js";
import { gunzipFile } from "./gunzip.js";
import { xzFile } from "./xz.js";
import { zstdFile } from "./zstd.js";

export type Compression = "gzip" | "xz" | "bzip2" | "zstd" | "none";

export type Decompressor = (file: string, bad: (why: string) => never, onInflated: (bytes: number) => void) => AsyncGenerator<Buffer>;

const DECOMPRESSORS: Record<Compression, Decompressor> = {
  gzip: gunzipFile,
  xz: xzFile,
  bzip2: bzip2File,
  zstd: zstdFile,
  none: readPlain,
};

/** The decompressed bytes of `file`. */
export function decompress(file: string, compression: Compression, bad: (why: string) => never, onInflated: (bytes: number) => void): AsyncGenerator<Buffer> {
  return DECOMPRESSORS[compression](file, bad, onInflated);
}

/** An uncompressed file, read into one reused buffer. */
async function* readPlain(file: string, _bad: (why: string) => never, onInflated: (bytes: number) => void): AsyncGenerator<Buffer> {
  // Read on this thread, as decodeFile does (codec.ts).
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(256 << 10);
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0; ) {
      onInflated(n);
      yield buffer.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}
