// Worker threads that compress blocks with libdeflate (libdeflate.ts), so that the blocks of a
// large file compress in parallel while this thread reads the archive, hashes and writes. One
// worker per core but one: this thread is the last core's compressor, taking a block itself
// whenever every worker already has three, so every core works and no more threads than cores
// compete for them. (Measured on 2 cores at L: one worker thread fewer is 10 to 15 MiB less
// peak memory on Node 22 and 24, whose worker isolates are larger.) Workers start on the first
// large file and do not keep the process alive when idle.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { codecModule } from "./codec.js";
import { BLOCK, LEVEL, OUTPUT_CAPACITY, compressHere, createCompressor } from "./libdeflate.js";
import { noteThreads, record, spent } from "../profile.js";

/**
 * A block's buffer, OUTPUT_CAPACITY bytes: it travels to a worker holding the input (its first
 * `length` bytes) and comes back holding the output, which the compressor writes over the input
 * once it has copied it in. One buffer per block in flight, not two. Its ArrayBuffer moves, so
 * the buffer must own it.
 */
export type BlockBuffer = Buffer;

export interface CompressedBlock {
  buffer: BlockBuffer;
  /** The compressed bytes: a view of `buffer`. */
  compressed: Buffer;
}

interface Job {
  resolve(result: CompressedBlock): void;
  reject(error: Error): void;
}

interface Reply {
  id: number;
  buffer: ArrayBuffer;
  size?: number;
  /** Milliseconds the worker spent compressing. */
  busy?: number;
  error?: string;
}

// The worker's whole program: the same createCompressor as this thread's, from its source text.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const createCompressor = ${createCompressor.toString()};
const compress = createCompressor(workerData.module, workerData.level, workerData.blockSize, workerData.outputCapacity);
parentPort.on("message", ({ id, buffer, length, final }) => {
  try {
    const start = performance.now();
    const { length: size } = compress(new Uint8Array(buffer, 0, length), final, new Uint8Array(buffer));
    parentPort.postMessage({ id, buffer, size, busy: performance.now() - start }, [buffer]);
  } catch (e) {
    parentPort.postMessage({ id, buffer, error: String(e && e.message) }, [buffer]);
  }
});
`;

function owned(buffer: BlockBuffer): ArrayBuffer {
  const whole = buffer.buffer;
  if (!(whole instanceof ArrayBuffer) || buffer.byteOffset !== 0 || whole.byteLength !== OUTPUT_CAPACITY) throw new Error(`a block buffer must own its ${OUTPUT_CAPACITY}-byte ArrayBuffer`);
  return whole;
}

class CompressWorker {
  readonly jobs = new Map<number, Job>();
  private readonly worker: Worker;

  constructor(onExit: (w: CompressWorker) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: codecModule(), level: LEVEL, blockSize: BLOCK, outputCapacity: OUTPUT_CAPACITY },
      // The worker allocates little on its JavaScript heap; small limits keep its RSS small.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
      stdout: false,
      stderr: false,
    });
    this.worker.unref();
    this.worker.on("message", (reply: Reply) => {
      const job = this.jobs.get(reply.id)!;
      this.jobs.delete(reply.id);
      if (this.jobs.size === 0) this.worker.unref();
      if (reply.error !== undefined) {
        job.reject(new Error(`compressing a block failed: ${reply.error}`));
        return;
      }
      record("deflate (workers)", reply.busy!);
      const buffer = Buffer.from(reply.buffer);
      job.resolve({ buffer, compressed: buffer.subarray(0, reply.size) });
    });
    const fail = (error: Error) => {
      for (const job of this.jobs.values()) job.reject(error);
      this.jobs.clear();
      onExit(this);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`a compression worker exited (code ${code})`)));
  }

  /** Stops the thread, which returns its memory. */
  end(): Promise<number> {
    return this.worker.terminate();
  }

  /** Sends the buffer (its ArrayBuffer moves to the worker) and waits for the result. */
  compress(id: number, buffer: BlockBuffer, length: number, final: boolean): Promise<CompressedBlock> {
    const moving = owned(buffer);
    if (this.jobs.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.worker.postMessage({ id, buffer: moving, length, final }, [moving]);
    });
  }
}

/**
 * Blocks a worker holds at most: one it compresses and two waiting, so that it still has work
 * when this thread, having taken a block itself, comes back with the next (with two, a model of
 * the L build on 2 cores left the worker idle 15 % of the time; with three, under 1 %).
 */
const QUEUED = 3;

export class DeflatePool {
  /**
   * Blocks a stream keeps pending: what the workers hold, plus two this thread compressed while
   * an earlier block was still with a worker (the output goes out in order).
   */
  readonly inFlight: number;
  private workers: CompressWorker[] = [];
  private nextId = 0;

  /** `size` workers (at least one). */
  constructor(private readonly size: number) {
    this.inFlight = QUEUED * size + 2;
  }

  /**
   * Compresses the first `length` bytes of `buffer` (into the same buffer): on a worker if one
   * holds fewer than three blocks, else here and now. A worker's count drops when its result has
   * been received, so callers should let the event loop run before each call.
   */
  compress(buffer: BlockBuffer, length: number, final: boolean): Promise<CompressedBlock> {
    if (this.workers.length < this.size) {
      this.workers.push(new CompressWorker((dead) => this.workers.splice(this.workers.indexOf(dead) >>> 0, 1)));
    }
    const least = this.workers.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    if (least.jobs.size < QUEUED) return least.compress(this.nextId++, buffer, length, final);
    const t = performance.now();
    try {
      const { length: size } = compressHere(buffer.subarray(0, length), final, buffer);
      return Promise.resolve({ buffer, compressed: buffer.subarray(0, size) });
    } catch (e) {
      return Promise.reject(e instanceof Error ? new Error(`compressing a block failed: ${e.message}`) : e);
    } finally {
      spent("deflate (this thread)", t);
    }
  }

  /**
   * Ends the workers that hold no block, so that their memory is free for what a build does
   * after compressing (the SBOM's library alone takes 6 to 10 MiB); the next block starts them again.
   */
  async endIdle(): Promise<void> {
    const idle = this.workers.filter((w) => w.jobs.size === 0);
    if (idle.length) noteThreads();
    this.workers = this.workers.filter((w) => w.jobs.size > 0);
    await Promise.all(idle.map((w) => w.end()));
  }
}

let shared: DeflatePool | undefined;

/** The process's pool: a worker for every core but one (this thread is the last one's), at least one. */
export function deflatePool(): DeflatePool {
  shared ??= new DeflatePool(Math.max(1, availableParallelism() - 1));
  return shared;
}
