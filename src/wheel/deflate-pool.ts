// Worker threads that compress blocks with libdeflate (libdeflate.ts), one per core, so that the
// blocks of a large file compress in parallel while this thread reads the archive, hashes and
// writes. Workers start on the first large file and do not keep the process alive when idle.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { BLOCK, LEVEL, createCompressor, libdeflateModule } from "./libdeflate.js";

export interface CompressedBlock {
  output: Buffer;
  /** The input block, handed back (it travelled to the worker) for reuse. */
  input: Buffer;
}

interface Job {
  resolve(result: CompressedBlock): void;
  reject(error: Error): void;
}

interface Reply {
  id: number;
  input: ArrayBuffer;
  output?: Uint8Array;
  error?: string;
}

// The worker's whole program: the same createCompressor as this thread's, from its source text.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const createCompressor = ${createCompressor.toString()};
const compress = createCompressor(workerData.module, workerData.level, workerData.blockSize);
parentPort.on("message", ({ id, input, length, final }) => {
  try {
    const output = compress(new Uint8Array(input, 0, length), final);
    parentPort.postMessage({ id, input, output }, [input, output.buffer]);
  } catch (e) {
    parentPort.postMessage({ id, input, error: String(e && e.message) }, [input]);
  }
});
`;

class CompressWorker {
  readonly jobs = new Map<number, Job>();
  private readonly worker: Worker;

  constructor(onExit: (w: CompressWorker) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module: libdeflateModule(), level: LEVEL, blockSize: BLOCK },
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
      if (reply.error !== undefined) job.reject(new Error(`compressing a block failed: ${reply.error}`));
      else job.resolve({ output: Buffer.from(reply.output!.buffer, reply.output!.byteOffset, reply.output!.length), input: Buffer.from(reply.input) });
    });
    const fail = (error: Error) => {
      for (const job of this.jobs.values()) job.reject(error);
      this.jobs.clear();
      onExit(this);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`a compression worker exited (code ${code})`)));
  }

  /** Sends `input` (its whole ArrayBuffer moves to the worker) and waits for the result. */
  compress(id: number, input: Buffer, length: number, final: boolean): Promise<CompressedBlock> {
    const buffer = input.buffer;
    if (!(buffer instanceof ArrayBuffer) || input.byteOffset !== 0 || buffer.byteLength !== input.length) throw new Error("a block must own its ArrayBuffer");
    if (this.jobs.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      this.worker.postMessage({ id, input: buffer, length, final }, [buffer]);
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

  /** Compresses the first `length` bytes of `input`, which must own its ArrayBuffer (it moves). */
  compress(input: Buffer, length: number, final: boolean): Promise<CompressedBlock> {
    if (this.workers.length < this.size) {
      this.workers.push(new CompressWorker((dead) => this.workers.splice(this.workers.indexOf(dead) >>> 0, 1)));
    }
    const least = this.workers.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    return least.compress(this.nextId++, input, length, final);
  }
}

let shared: DeflatePool | undefined;

/** The process's pool: one worker per core. */
export function deflatePool(): DeflatePool {
  shared ??= new DeflatePool(availableParallelism());
  return shared;
}
