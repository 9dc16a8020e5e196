// Streaming .zst decompression into one reused buffer: zstd's streaming decompressor (1.5.4),
// compiled into ../codec.wasm (native/codec-wasm/unzstd.c). It reads frame after frame, skips
// skippable frames, verifies content checksums where a frame has one, and refuses frames whose
// window is over 2^MAX_WINDOW_LOG bytes.
import { decodeFile, zstdDecoder } from "../codec/codec.js";

/** The largest window read, 2^27 = 128 MiB: what zstd --long uses, and zstd's own default limit. */
export const MAX_WINDOW_LOG = 27;

/**
 * Decompresses a .zst file (all its frames), yielding views of the decompressed bytes. A view
 * is valid only until the next one is requested: copy what must be kept. `bad` turns a reason
 * into the error to throw; `onInflated` sees every byte count, and may throw to stop.
 */
export function zstdFile(file: string, bad: (why: string) => never, onInflated: (bytes: number) => void): AsyncGenerator<Buffer> {
  const decoder = zstdDecoder(MAX_WINDOW_LOG);
  return decodeFile(decoder, file, bad, onInflated, (code, ended) => {
    switch (-code) {
      case 10: return ended ? "data that is not a zstd frame follows the last frame" : "it does not start like zstd data";
      case 16: return `a frame's window is over binwheel's ${2 ** (MAX_WINDOW_LOG - 20)} MiB limit (zstd --long uses 128 MiB); it may be hostile`;
      case 22: return "a frame's content checksum does not match: the file is damaged";
      case 64: return "it needs more memory than binwheel gives a decompressor";
      default: return `it is damaged (zstd: ${decoder.message()})`;
    }
  });
}
