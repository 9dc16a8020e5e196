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
      default:
        return DECODING_ERRORS.has(-code) ? `it is damaged (zstd: ${decoder.message()})`
          : "a skippable frame claims nearly 4 GiB, more than the file holds: it is truncated or hostile";
    }
  });
}

/**
 * The error codes (zstd_errors.h) zstd's streaming decoder gives for data. Any other "error" comes
 * from a skippable frame that claims within a few bytes of 4 GiB: the 32-bit decoder returns the
 * bytes it still wants, a number that reads as an error code.
 */
const DECODING_ERRORS = new Set([1, 10, 12, 14, 16, 20, 22, 24, 30, 32, 44, 46, 48, 64, 70, 72, 80, 82]);
