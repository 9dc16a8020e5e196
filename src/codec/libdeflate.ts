// The DEFLATE engine: libdeflate compiled to WebAssembly (the compressor half of codec.ts).
// Measured on this project's L fixture against Node's zlib (the Chromium fork) at level 6: 1.8 %
// smaller output for 20 % less CPU, in the same 1 MiB blocks.
//
// Level 4 (greedy parsing), measured on the L fixture's 300 MiB in 1 MiB blocks: 0.62 to 0.68x
// the CPU of level 6 for 2.8 % more output (level 5: 0.75x for 0.7 %; level 3: 3.5 % more and no
// faster). The wheel stays smaller than maturin's (zlib-rs at its default level) and within 2.1 %
// of hatchling's (CPython's zlib at 6); compression is most of a cold build's CPU.
//
// A compressor takes one block of at most BLOCK bytes. A final block ends the stream; any other
// ends in a sync flush, so the outputs of a file's blocks concatenate into one DEFLATE stream.
// Blocks are compressed independently (no shared dictionary), so the output depends on the input
// only, never on how many blocks ran at once.
import { codecModule } from "./codec.js";
import { spent } from "../profile.js";

export const LEVEL = 4;
export const BLOCK = 1 << 20;
/** Room for any block's output: libdeflate's bound for BLOCK bytes plus the sync flush. */
export const OUTPUT_CAPACITY = BLOCK + (64 << 10);

/**
 * Compresses one block, into `output` when given (it must hold OUTPUT_CAPACITY bytes; the
 * result is then a view of it), else into a new buffer.
 */
export type BlockCompressor = (input: Uint8Array, final: boolean, output?: Uint8Array) => Uint8Array;

/**
 * An instance of the module ready to compress blocks. Self-contained (it uses only its
 * arguments and globals), because the worker threads run its source text (deflate-pool.ts).
 */
export function createCompressor(module: WebAssembly.Module, level: number, blockSize: number, outputCapacity: number): BlockCompressor {
  interface Exports {
    memory: WebAssembly.Memory;
    bw_init(level: number): number;
    bw_block_size(): number;
    bw_output_capacity(): number;
    bw_input(): number;
    bw_output(): number;
    bw_compress(length: number, final: number): number;
  }
  const engine = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
  if (!engine.bw_init(level)) throw new Error("libdeflate could not allocate its compressor");
  if (engine.bw_block_size() !== blockSize || engine.bw_output_capacity() > outputCapacity) {
    throw new Error(`libdeflate.wasm takes ${engine.bw_block_size()}-byte blocks and needs ${engine.bw_output_capacity()} bytes of output room`);
  }
  return (input, final, output) => {
    if (input.length > blockSize) throw new Error(`a ${input.length}-byte block is larger than ${blockSize}`);
    new Uint8Array(engine.memory.buffer, engine.bw_input(), input.length).set(input);
    const size = engine.bw_compress(input.length, final ? 1 : 0);
    if (size === 0) throw new Error("libdeflate failed to compress a block");
    // Copied out: the module reuses its output buffer for the next block.
    const result = new Uint8Array(engine.memory.buffer, engine.bw_output(), size);
    if (!output) return result.slice();
    output.set(result);
    return output.subarray(0, size);
  };
}

let local: BlockCompressor | undefined;

/** This thread's compressor: for small files, and the blocks of large ones no worker is free for. */
export const compressHere: BlockCompressor = (input, final, output) => {
  local ??= createCompressor(codecModule(), LEVEL, BLOCK, OUTPUT_CAPACITY);
  return local(input, final, output);
};

/** Compresses `data` on this thread: the same bytes deflateStream gives (used for small files). */
export function deflateSync(data: Uint8Array): Buffer {
  const t = performance.now();
  const parts: Uint8Array[] = [];
  // As in deflateStream: every full block is followed by another, the last one shorter (maybe empty).
  for (let at = 0; ; at += BLOCK) {
    const final = at + BLOCK > data.length;
    parts.push(compressHere(data.subarray(at, Math.min(at + BLOCK, data.length)), final));
    if (final) {
      spent("deflate (this thread, small files)", t);
      return Buffer.concat(parts);
    }
  }
}
