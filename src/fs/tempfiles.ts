// Temporary files beside their final place (output folder, cache): named so that a later run can
// tell whose they are, removed on every failure path including Ctrl+C and SIGTERM, and swept when
// a killed run (SIGKILL, power loss) left them behind.
import { createHash, randomBytes } from "node:crypto";
import { lstatSync, readdirSync, rmSync } from "node:fs";
import { open, rename, type FileHandle } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";

const SUFFIX = ".binwheel-tmp";
/** `.<name>.<host>-<pid>-<random>.binwheel-tmp`: the host and pid of the process that made it. */
const PATTERN = /\.([0-9a-f]{8})-(\d+)-[0-9a-f]{8}\.binwheel-tmp$/;
/** Left by a process on another host (or a reused pid) after this long, it is abandoned. */
const ABANDONED_MS = 24 * 3600 * 1000;
/** File names longer than this are shortened in temporary names (most file systems allow 255 bytes). */
const MAX_BASE = 80;

const HOST = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);
const live = new Set<string>();

/** True for names temporaryPath makes (whoever made them). */
export function isTemporary(name: string): boolean {
  return name.endsWith(SUFFIX);
}

/** A fresh temporary path in the folder of `final`, registered for removal on a signal. */
export function temporaryPath(final: string): string {
  const base = path.basename(final).slice(0, MAX_BASE);
  const file = path.join(path.dirname(final), `.${base}.${HOST}-${process.pid}-${randomBytes(4).toString("hex")}${SUFFIX}`);
  live.add(file);
  return file;
}

/** Forgets a temporary path that was renamed into place or removed. */
export function released(file: string): void {
  live.delete(file);
}

/** Removes a temporary file or folder (if it exists) and forgets it. */
export function discard(file: string): void {
  rmSync(file, { force: true, recursive: true });
  live.delete(file);
}

/**
 * Writes `final` through a temporary file beside it, renamed into place only once `write` has
 * finished: readers never see a partial file and a failure leaves nothing behind. Leftovers of
 * killed runs in the folder are swept first.
 */
export async function writeThroughTemporary<T>(final: string, write: (out: FileHandle) => Promise<T>, mode = 0o644): Promise<T> {
  sweepTemporaries(path.dirname(final));
  const temp = temporaryPath(final);
  try {
    const out = await open(temp, "wx", mode);
    let result: T;
    try {
      result = await write(out);
    } finally {
      await out.close();
    }
    await rename(temp, final);
    released(temp);
    return result;
  } finally {
    discard(temp);
  }
}

/**
 * Removes temporary files in `dir` whose process is gone: same host and the pid no longer runs,
 * or older than a day. Errors are ignored: sweeping is housekeeping, never a reason to fail.
 */
export function sweepTemporaries(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = PATTERN.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    try {
      const ours = m[1] === HOST;
      const abandoned = Date.now() - lstatSync(file).mtimeMs > ABANDONED_MS;
      if (abandoned || (ours && Number(m[2]) !== process.pid && !isRunning(Number(m[2])))) rmSync(file, { force: true, recursive: true });
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
}

/** Whether a process with this pid runs on this machine (one we may not signal counts). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** On SIGINT, SIGTERM and SIGHUP: remove every live temporary file, then exit as the signal would. */
export function removeTemporariesOnSignals(): void {
  const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const signal of Object.keys(codes)) {
    process.once(signal, () => {
      for (const file of live) rmSync(file, { force: true, recursive: true });
      process.exit(codes[signal]);
    });
  }
}
