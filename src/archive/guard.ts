// Hostile archives: an upstream asset is untrusted input. Every entry is checked as it streams by
// (the readers already refuse absolute paths, ".." and drive letters): no hard links, devices or
// FIFOs, no symlink pointing out of the archive, no name twice, and no expansion beyond a sane
// size or ratio (a zip bomb is stopped while it inflates, not after). binwheel never writes an
// archive path to disk, so nothing can land outside its temp folder either way.
import path from "node:path";
import { fail } from "../errors.js";
import type { ArchiveEntry } from "./entries.js";

/** Expansion beyond this many bytes must also stay under MAX_RATIO times the archive's size. */
const FREE_BYTES = 1 << 30;
const MAX_RATIO = 100;
const MAX_BYTES = 32 * 2 ** 30;

export class ArchiveGuard {
  private readonly seen = new Set<string>();
  private expanded = 0;

  constructor(
    private readonly archive: string,
    private readonly archiveSize: number,
  ) {}

  check(entry: ArchiveEntry): void {
    const refuse = (why: string): never => fail(`${this.archive} holds ${why}; binwheel refuses the archive. If the upstream release is genuine, report it upstream.`);
    if (entry.type === "hardlink") refuse(`a hard link ("${entry.path}" -> "${entry.linkTarget}")`);
    if (entry.type === "other") refuse(`a special file ("${entry.path}": a device, FIFO or socket)`);
    if (entry.type === "symlink") {
      const target = entry.linkTarget ?? "";
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(entry.path), target));
      if (target.startsWith("/") || /^[A-Za-z]:/.test(target) || resolved === ".." || resolved.startsWith("../")) {
        refuse(`a symlink that points out of the archive ("${entry.path}" -> "${target}")`);
      }
    }
    if (entry.type !== "directory") {
      if (this.seen.has(entry.path)) refuse(`"${entry.path}" twice`);
      this.seen.add(entry.path);
    }
  }

  /** True once the limits were passed (the error was thrown). */
  tripped = false;

  /** Counts decompressed bytes (every entry's) against the expansion limits. */
  count(bytes: number): void {
    this.expanded += bytes;
    if (this.expanded > MAX_BYTES || (this.expanded > FREE_BYTES && this.expanded > MAX_RATIO * this.archiveSize)) {
      this.tripped = true;
      fail(
        `${this.archive} expands to more than ${(this.expanded / 2 ** 30).toFixed(1)} GiB from ${(this.archiveSize / 2 ** 20).toFixed(1)} MiB ` +
          `(over ${MAX_RATIO} times its size): it looks like a decompression bomb, so binwheel stopped reading it.`,
      );
    }
  }
}
