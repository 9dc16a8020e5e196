// Positioned writes that cannot be cut short. A write(2) may write only part of a buffer (a disk
// that fills up mid-write does exactly that before failing with ENOSPC): ignoring the count it
// returns would leave a silently truncated file behind a successful build.
import { writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";

/** Writes all of `data` to `out` at `position`. */
export async function writeFully(out: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < data.length; ) {
    done += (await out.write(data, done, data.length - done, position + done)).bytesWritten;
  }
}

/**
 * The same, on this thread: for the loops that write a build's members and wheel block by block,
 * where a trip through libuv's thread pool and back for every write cost more than the write
 * itself (a page-cache copy), and kept the compression workers waiting for the next block.
 */
export function writeFullySync(fd: number, data: Uint8Array, position: number): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done, position + done);
}
