// binwheel's compression engine, one WebAssembly module (native/codec-wasm/, built into
// codec.wasm beside this module): libdeflate's compressor, which writes the wheels
// (wheel/libdeflate.ts), and zlib's raw inflate, which reads .tar.gz assets (archive/gunzip.ts).
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
