// Entry point of the bundled executable (python_shim/binwheel/_core.mjs).
import { availableParallelism } from "node:os";
import { isMainThread, workerData } from "node:worker_threads";
import { CHECK_WORKER, serveChecks } from "../src/check/pool.js";
import { BinwheelError, describeSystemError } from "../src/errors.js";
import { error, raw } from "../src/log.js";
import { removeTemporariesOnSignals } from "../src/fs/tempfiles.js";
import { UsageError } from "./args.js";
import { startProfile, writeProfile } from "../src/profile.js";
import { runCli } from "./cli.js";
import { runHook } from "./hooks.js";

async function main(argv: string[]): Promise<number> {
  try {
    if (argv[0] !== "--pep517") return await runCli(argv);
    await runHook(argv[1]!, argv[2]!);
    return 0;
  } catch (e) {
    return report(e);
  }
}

/** One paragraph on stderr; the stack only with BINWHEEL_DEBUG=1. Returns the exit code: 2 for a usage error, else 1. */
function report(e: unknown): number {
  const debug = process.env["BINWHEEL_DEBUG"] === "1";
  const err = e instanceof Error ? e : new Error(String(e));
  const system = (err as NodeJS.ErrnoException).code;
  if (err instanceof BinwheelError) {
    error(err.message);
  } else if (typeof system === "string" && /^E[A-Z]+$/.test(system)) {
    error(describeSystemError(err));
  } else {
    error(`${err.message}. This is a bug in binwheel: please report it, with the output of the same command run with BINWHEEL_DEBUG=1.`, "internal error");
  }
  if (debug && err.stack) raw(err.stack);
  return err instanceof UsageError ? 2 : 1;
}

// libuv's thread pool runs file reads and writes (compression has its own worker threads,
// src/codec/deflate-pool.ts): one thread per core, not the default four, keeps small machines
// from oversubscribing their cores. Read when the pool starts, so set before any work.
process.env["UV_THREADPOOL_SIZE"] ??= String(Math.min(Math.max(availableParallelism(), 2), 8));

// binwheel check's worker threads run this same file (src/check/pool.ts).
if (!isMainThread && (workerData as { role?: string } | null)?.role === CHECK_WORKER) serveChecks();
else {
  removeTemporariesOnSignals();
  const profile = process.env["BINWHEEL_PROFILE"];
  if (profile) startProfile();
  process.exitCode = await main(process.argv.slice(2));
  if (profile) writeProfile(profile, process.argv.slice(2).join(" "));
}
