// binwheel's compression engine, one WebAssembly module (native/codec-wasm/, built into
// codec.wasm beside this module): libdeflate's compressor, which writes the wheels
// (wheel/libdeflate.ts), and zlib's raw inflate, which reads .tar.gz assets (archive/gunzip.ts)
// and .zip members (archive/zip.ts).
// Each user makes its own instance: instances share the compiled code, not their memory.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

let compiled: WebAssembly.Module | undefined;

/** The compiled module, shared by this thread's instances and the worker threads'. */
export function codecModule(): WebAssembly.Module {
  // V8 compiles WebAssembly lazily, function by function, on first call: 30 ms more for the
  // first small file than compiling the whole module up front (2 ms, measured).
  if (!compiled) setFlagsFromString("--no-wasm-lazy-compilation");
  compiled ??= new WebAssembly.Module(readFileSync(fileURLToPath(new URL("./codec.wasm", import.meta.url))));
  return compiled;
}

/** zlib's raw inflate in codec.wasm: its entry points. */
export interface InflateExports {
  memory: WebAssembly.Memory;
  bw_gz_init(): number;
  bw_gz_input(): number;
  bw_gz_output(): number;
  bw_gz_input_size(): number;
  bw_gz_reset(): void;
  /** Inflates input[offset, offset + length) until the input is used up or the output is full: 1 at the stream's end, < 0 on an error. */
  bw_gz_inflate(offset: number, length: number): number;
  bw_gz_input_at(): number;
  bw_gz_produced(): number;
  bw_gz_message(): number;
}

/** A fresh inflate instance (its own memory), with views of its input buffer and output offset. */
export function inflater(): { engine: InflateExports; input: Uint8Array; outputAt: number } {
  const engine = new WebAssembly.Instance(codecModule(), {}).exports as unknown as InflateExports;
  if (!engine.bw_gz_init()) throw new Error("zlib could not allocate its decompressor");
  return { engine, input: new Uint8Array(engine.memory.buffer, engine.bw_gz_input(), engine.bw_gz_input_size()), outputAt: engine.bw_gz_output() };
}

/** A NUL-terminated string in a module's memory (an error message). */
export function cString(memory: ArrayBuffer, at: number): string {
  const bytes = new Uint8Array(memory, at);
  return Buffer.from(bytes.subarray(0, bytes.indexOf(0))).toString("latin1");
}
