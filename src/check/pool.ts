// Checking many files on every core: worker threads that each run the bundled executable and
// check one file at a time (inflating and hashing a wheel keeps one core busy). The largest files
// go first, so the last one to finish is a small one. Reports come back in the files' order.
import { Worker, parentPort } from "node:worker_threads";
import { statSync } from "node:fs";
import { BinwheelError } from "../errors.js";
import { checkFile, select, type CheckOptions, type FileReport } from "./check.js";

/** What a worker thread is started with: the bundle's main module runs serveChecks() for it. */
export const CHECK_WORKER = "binwheel-check";

/** A report, or what went wrong, kept apart as the entry point reports errors (BinwheelError, a system error's code). */
type Reply = { report: FileReport } | { error: string; binwheel: boolean; code?: string; path?: string };

/**
 * Checks `files` on `jobs` worker threads running `entry` (the bundled executable, whose main
 * module calls serveChecks() in a worker), keeping the findings `options` select.
 */
export async function checkInWorkers(files: string[], options: CheckOptions, entry: URL, jobs: number): Promise<FileReport[]> {
  const order = files.map((file, i) => ({ file, i, size: statSync(file).size })).sort((a, b) => b.size - a.size);
  const reports: FileReport[] = new Array(files.length);
  const run = async () => {
    const worker = new Worker(entry, { workerData: { role: CHECK_WORKER } });
    try {
      for (let next = order.shift(); next; next = order.shift()) {
        const reply = await new Promise<Reply>((resolve, reject) => {
          const exited = (code: number) => reject(new Error(`a binwheel check worker exited (code ${code}) while checking ${next!.file}`));
          worker.once("message", (r: Reply) => {
            worker.off("error", reject).off("exit", exited);
            resolve(r);
          });
          worker.once("error", reject).once("exit", exited);
          worker.postMessage(next!.file);
        });
        if ("error" in reply) throw reply.binwheel ? new BinwheelError(reply.error) : Object.assign(new Error(reply.error), { code: reply.code, path: reply.path });
        reports[next.i] = reply.report;
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, run));
  return select(reports, options);
}

/** A worker thread's loop: a file name in, its report out (errors as their message). */
export function serveChecks(): void {
  parentPort!.on("message", (file: string) => {
    checkFile(file).then(
      (report) => parentPort!.postMessage({ report } satisfies Reply),
      (e: unknown) => {
        const { code, path } = e as NodeJS.ErrnoException;
        parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e), binwheel: e instanceof BinwheelError, ...(code && { code }), ...(path && { path }) } satisfies Reply);
      },
    );
  });
}
