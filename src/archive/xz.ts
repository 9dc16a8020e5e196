// Streaming .xz decompression into one reused buffer: liblzma's stream decoder (XZ Utils 5.4),
// compiled into ../codec.wasm (native/codec-wasm/unxz.c). It reads concatenated streams and
// stream padding, checks every block's CRC-32, CRC-64 or SHA-256 and each stream's index, and
// refuses streams whose dictionary would take more than MAX_DICTIONARY.
import { decodeFile, xzDecoder } from "../codec/codec.js";

/** The largest dictionary read: twice xz -9's (64 MiB), the most any xz preset uses. */
export const MAX_DICTIONARY = 128 << 20;
/** liblzma counts its own state (under 100 KiB at most) against the same limit. */
const MEMLIMIT = MAX_DICTIONARY + (1 << 20);

/** liblzma's lzma_ret codes, in words. */
const WHY: Record<number, string> = {
  3: "it uses an integrity check type that liblzma does not know, so its data cannot be verified",
  5: "it needs more memory than binwheel gives a decompressor",
  6: `its dictionary is over binwheel's ${MAX_DICTIONARY >> 20} MiB limit (xz -9 uses 64 MiB); it may be hostile`,
  7: "it does not start like xz data",
  8: "it uses a filter or option that liblzma does not support",
  9: "it is damaged: an integrity check (CRC or SHA-256) fails, the format is broken, or data follows the last stream",
  10: "it ends early: the file is truncated",
};

/**
 * Decompresses an .xz file (all its streams), yielding views of the decompressed bytes. A view
 * is valid only until the next one is requested: copy what must be kept. `bad` turns a reason
 * into the error to throw; `onInflated` sees every byte count, and may throw to stop.
 */
export function xzFile(file: string, bad: (why: string) => never, onInflated: (bytes: number) => void): AsyncGenerator<Buffer> {
  return decodeFile(xzDecoder(MEMLIMIT), file, bad, onInflated, (code) => WHY[-code] ?? `liblzma error ${-code}`);
}
