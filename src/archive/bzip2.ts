// Streaming .bz2 decompression into one reused buffer: libbzip2's decompressor (1.0.8),
// compiled into ../codec.wasm (native/codec-wasm/bunzip2.c). It reads stream after stream (as
// pbzip2 and lbzip2 write them) and checks every block's CRC and each stream's combined CRC.
import { bzip2Decoder, decodeFile } from "../codec/codec.js";

/**
 * Decompresses a .bz2 file (all its streams), yielding views of the decompressed bytes. A view
 * is valid only until the next one is requested: copy what must be kept. `bad` turns a reason
 * into the error to throw; `onInflated` sees every byte count, and may throw to stop.
 */
export function bzip2File(file: string, bad: (why: string) => never, onInflated: (bytes: number) => void): AsyncGenerator<Buffer> {
  return decodeFile(bzip2Decoder(), file, bad, onInflated, (code, ended) => {
    switch (code) {
      case -3: return "it needs more memory than binwheel gives a decompressor";
      case -4: return "it is damaged: a block's CRC or the stream's CRC does not match, or the data is broken";
      case -5: return ended ? "data that is not a bzip2 stream follows the last stream" : "it does not start like bzip2 data";
      default: return `it is damaged (libbzip2 error ${code})`;
    }
  });
}
