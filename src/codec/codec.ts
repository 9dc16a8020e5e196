// binwheel's compression engine, one WebAssembly module (native/codec-wasm/, built into
// codec.wasm beside this module): libdeflate's compressor, which writes the wheels
// (libdeflate.ts), zlib's raw inflate, which reads .tar.gz assets (archive/gunzip.ts)
// and .zip members (archive/zip.ts), and the .xz, .zst and .bz2 decoders (archive/xz.ts,
// zstd.ts, bzip2.ts), which share one file loop (decodeFile below).
// Each user makes its own instance: instances share the compiled code, not their memory.
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
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
  bw_gz_output_size(): number;
  bw_gz_reset(): void;
  /** Inflates input[offset, offset + length) until the input is used up or the output is full: 1 at the stream's end, < 0 on an error. */
  bw_gz_inflate(offset: number, length: number): number;
  bw_gz_input_at(): number;
  bw_gz_produced(): number;
  bw_gz_message(): number;
}

/** An inflate instance (its own memory), with views of its input buffer and output offset. */
export interface Inflater {
  engine: InflateExports;
  input: Uint8Array;
  outputAt: number;
}

// Instances given back, for the next file: a dropped instance's memory (0.75 MiB) returns only
// when the collector gets to it, which it rarely does, so every target of --all-targets kept one.
const idleInflaters: Inflater[] = [];

/** An inflate instance, reset; give it back with releaseInflater when done. */
export function inflater(): Inflater {
  const kept = idleInflaters.pop();
  if (kept) {
    kept.engine.bw_gz_reset();
    return kept;
  }
  const engine = new WebAssembly.Instance(codecModule(), {}).exports as unknown as InflateExports;
  if (!engine.bw_gz_init()) throw new Error("zlib could not allocate its decompressor");
  return { engine, input: new Uint8Array(engine.memory.buffer, engine.bw_gz_input(), engine.bw_gz_input_size()), outputAt: engine.bw_gz_output() };
}

/** Gives an instance back: its user must not touch it again. */
export function releaseInflater(instance: Inflater): void {
  if (idleInflaters.length < 2) idleInflaters.push(instance);
}

/** A NUL-terminated string in a module's memory (an error message). */
export function cString(memory: ArrayBuffer, at: number): string {
  const bytes = new Uint8Array(memory, at);
  return Buffer.from(bytes.subarray(0, bytes.indexOf(0))).toString("latin1");
}

/** liblzma's .xz stream decoder in codec.wasm (unxz.c): concatenated streams, every check type. */
export interface XzExports {
  memory: WebAssembly.Memory;
  /** Sets up the decoder, refusing streams that need more than `memlimit` bytes; 0 if memory is refused. */
  bw_xz_init(memlimit: number): number;
  bw_xz_input(): number;
  bw_xz_output(): number;
  bw_xz_input_size(): number;
  bw_xz_output_size(): number;
  /** Decodes input[offset, offset + length) (the last bytes if `finish`): 1 at the end of the last stream, 0 for more, minus an lzma_ret on an error. */
  bw_xz_step(offset: number, length: number, finish: number): number;
  bw_xz_input_at(): number;
  bw_xz_produced(): number;
}

/** zstd's streaming decompressor in codec.wasm (unzstd.c): every frame, skippable ones skipped. */
export interface ZstdExports {
  memory: WebAssembly.Memory;
  /** Sets up the context, refusing windows over 2^windowLogMax bytes; 0 if memory is refused. */
  bw_zstd_init(windowLogMax: number): number;
  bw_zstd_input(): number;
  bw_zstd_output(): number;
  bw_zstd_input_size(): number;
  bw_zstd_output_size(): number;
  /** Decodes input[offset, offset + length): 1 when a frame is complete, 0 for more, minus a ZSTD_ErrorCode on an error. */
  bw_zstd_step(offset: number, length: number, finish: number): number;
  bw_zstd_input_at(): number;
  bw_zstd_produced(): number;
  /** The last error's name, a NUL-terminated string. */
  bw_zstd_message(): number;
}

/** libbzip2's decompressor in codec.wasm (bunzip2.c): one stream after another. */
export interface Bzip2Exports {
  memory: WebAssembly.Memory;
  bw_bz_init(): number;
  bw_bz_input(): number;
  bw_bz_output(): number;
  bw_bz_input_size(): number;
  bw_bz_output_size(): number;
  /** Decodes input[offset, offset + length): 1 at the end of a stream, 0 for more, a (negative) BZ_ error code. */
  bw_bz_step(offset: number, length: number, finish: number): number;
  bw_bz_input_at(): number;
  bw_bz_produced(): number;
}

/** What the three decoders' exports have in common, without their prefixes. */
export interface StreamDecoder {
  memory: WebAssembly.Memory;
  input: number;
  inputSize: number;
  output: number;
  outputSize: number;
  /** 1 where the data may end (xz: after the last stream; zstd: after a frame; bzip2: after a stream), 0 for more, < 0 an error code. */
  step(offset: number, length: number, finish: boolean): number;
  inputAt(): number;
  produced(): number;
}

function instance<T>(): T {
  return new WebAssembly.Instance(codecModule(), {}).exports as unknown as T;
}

/** A fresh .xz decoder (its own memory) that refuses streams needing more than `memlimit` bytes. */
export function xzDecoder(memlimit: number): StreamDecoder {
  const e = instance<XzExports>();
  if (!e.bw_xz_init(memlimit)) throw new Error("liblzma could not allocate its decoder");
  return {
    memory: e.memory, input: e.bw_xz_input(), inputSize: e.bw_xz_input_size(), output: e.bw_xz_output(), outputSize: e.bw_xz_output_size(),
    step: (offset, length, finish) => e.bw_xz_step(offset, length, finish ? 1 : 0), inputAt: e.bw_xz_input_at, produced: e.bw_xz_produced,
  };
}

/** A fresh .zst decoder (its own memory) that refuses windows over 2^windowLogMax bytes. */
export function zstdDecoder(windowLogMax: number): StreamDecoder & { message(): string } {
  const e = instance<ZstdExports>();
  if (!e.bw_zstd_init(windowLogMax)) throw new Error("zstd could not allocate its decoder");
  return {
    memory: e.memory, input: e.bw_zstd_input(), inputSize: e.bw_zstd_input_size(), output: e.bw_zstd_output(), outputSize: e.bw_zstd_output_size(),
    step: (offset, length, finish) => e.bw_zstd_step(offset, length, finish ? 1 : 0), inputAt: e.bw_zstd_input_at, produced: e.bw_zstd_produced,
    message: () => cString(e.memory.buffer, e.bw_zstd_message()),
  };
}

/** A fresh .bz2 decoder (its own memory). */
export function bzip2Decoder(): StreamDecoder {
  const e = instance<Bzip2Exports>();
  if (!e.bw_bz_init()) throw new Error("libbzip2 could not allocate its decoder");
  return {
    memory: e.memory, input: e.bw_bz_input(), inputSize: e.bw_bz_input_size(), output: e.bw_bz_output(), outputSize: e.bw_bz_output_size(),
    step: (offset, length, finish) => e.bw_bz_step(offset, length, finish ? 1 : 0), inputAt: e.bw_bz_input_at, produced: e.bw_bz_produced,
  };
}

/**
 * Decodes `file` with `decoder`, yielding views of its output buffer, each valid until the next
 * is requested. `bad` turns a reason into the error to throw; `why` words an error code (`ended`:
 * whether the data could have ended before it, e.g. after a complete frame); `onInflated` sees
 * every byte count, and may throw to stop.
 */
export async function* decodeFile(
  decoder: StreamDecoder,
  file: string,
  bad: (why: string) => never,
  onInflated: (bytes: number) => void,
  why: (code: number, ended: boolean) => string,
): AsyncGenerator<Buffer> {
  const { memory, input, inputSize, output, outputSize } = decoder;
  // Read on this thread, as the other threads compress: a trip through libuv's thread pool and
  // back for every read cost more than the read itself (a page-cache copy), and the decoding
  // waited for it.
  const fd = openSync(file, "r");
  try {
    // input[start, end) holds read bytes not yet consumed; the decoders buffer what they need
    // across calls, so the buffer is refilled only once it is used up.
    let start = 0;
    let end = 0;
    let eof = false;
    let total = 0;
    /** The output buffer was filled: the decoder may hold more before it needs input. */
    let full = false;
    /** The data so far ends where it may end (the last call that moved anything said so). */
    let ended = false;
    for (;;) {
      if (start === end && !eof && !full) {
        // A view made now: the decoder's memory grows (a new buffer) when it allocates a window.
        const bytesRead = readSync(fd, new Uint8Array(memory.buffer, input, inputSize), 0, inputSize, null);
        [start, end, eof] = [0, bytesRead, bytesRead === 0];
        total += bytesRead;
        if (total === 0) bad("the file is empty");
      }
      let status: number;
      try {
        status = decoder.step(start, end - start, eof);
      } catch (err) {
        // A trap (WebAssembly.RuntimeError): the decoder gave up on inconsistent data.
        if (err instanceof Error && err.name === "RuntimeError") bad(`the decoder stopped on it (${err.message})`);
        throw err;
      }
      if (status < 0) bad(why(status, ended));
      const at = decoder.inputAt();
      const produced = decoder.produced();
      if (status === 1) ended = true;
      else if (produced > 0 || at !== start) ended = false;
      start = at;
      full = produced === outputSize;
      if (produced > 0) {
        onInflated(produced);
        yield Buffer.from(memory.buffer, output, produced);
      } else if (eof && start === end && !full) {
        if (ended) return;
        bad("it ends early: the file is truncated");
      }
    }
  } finally {
    closeSync(fd);
  }
}
