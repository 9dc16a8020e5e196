// Worker threads that compress blocks with libdeflate (libdeflate.ts), one per core, so that the
// blocks of a large file compress in parallel while this thread reads the archive, hashes and
// writes. Workers start on the first large file and do not keep the process alive when idle.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { codecModule } from "./codec.js";
import { BLOCK, LEVEL, OUTPUT_CAPACITY, createCompressor } from "./libdeflate.js";
import { record } from "../profile.js";

/** Buffers that travel to a worker and back: their ArrayBuffers move, so they must own them. */
export interface BlockBuffers {
  /** BLOCK bytes, the first `length` of which are compressed. */
  input: Buffer;
  /** OUTPUT_CAPACITY bytes to compress into. */
  output: Buffer;
}

export interface CompressedBlock extends BlockBuffers {
  /** The compressed bytes: a view of `output`. */
  compressed: Buffer;
}

interface Job {
  resolve(result: CompressedBlock): void;
  reject(error: Error): void;
}

interface Reply {
  id: number;
  input: ArrayBuffer;
  output: ArrayBuffer;
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
parentPort.on("message", ({ id, input, output, length, final }) => {
  try {
    const start = performance.now();
    const { length: size } = compress(new Uint8Array(input, 0, length), final, new Uint8Array(output));
    parentPort.postMessage({ id, input, output, size, busy: performance.now() - start }, [input, output]);
  } catch (e) {
    parentPort.postMessage({ id, input, output, error: String(e && e.message) }, [input, output]);
  }
});
`;

function owned(buffer: Buffer, size: number): ArrayBuffer {
  const whole = buffer.buffer;
  if (!(whole instanceof ArrayBuffer) || buffer.byteOffset !== 0 || whole.byteLength !== size) throw new Error(`a block buffer must own its ${size}-byte ArrayBuffer`);
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
      const output = Buffer.from(reply.output);
      job.resolve({ input: Buffer.from(reply.input), output, compressed: output.subarray(0, reply.size) });
    });
    const fail = (error: Error) => {
      for (const job of this.jobs.values()) job.reject(error);
      this.jobs.clear();
      onExit(this);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`a compression worker exited (code ${code})`)));
  }

  /** Sends the buffers (their ArrayBuffers move to the worker) and waits for the result. */
  compress(id: number, { input, output }: BlockBuffers, length: number, final: boolean): Promise<CompressedBlock> {
    const moving = [owned(input, BLOCK), owned(output, OUTPUT_CAPACITY)];
    if (this.jobs.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.worker.postMessage({ id, input: moving[0], output: moving[1], length, final }, moving);
    });
  }
}

export class DeflatePool {
  /** Blocks to keep queued: two per worker, so none waits while its result travels back. */
  readonly inFlight: number;
  private readonly workers: CompressWorker[] = [];
  private nextId = 0;

  constructor(private readonly size: number) {
    this.inFlight = 2 * size;
  }

  /** Compresses the first `length` bytes of `buffers.input` into `buffers.output`. */
  compress(buffers: BlockBuffers, length: number, final: boolean): Promise<CompressedBlock> {
    if (this.workers.length < this.size) {
      this.workers.push(new CompressWorker((dead) => this.workers.splice(this.workers.indexOf(dead) >>> 0, 1)));
    }
    const least = this.workers.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    return least.compress(this.nextId++, buffers, length, final);
  }
}

let shared: DeflatePool | undefined;

/** The process's pool: one worker per core. */
export function deflatePool(): DeflatePool {
  shared ??= new DeflatePool(availableParallelism());
  return shared;
}
