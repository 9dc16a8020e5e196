// Positioned writes that cannot be cut short. A write(2) may write only part of a buffer (a disk
// that fills up mid-write does exactly that before failing with ENOSPC): ignoring the count it
// returns would leave a silently truncated file behind a successful build.
import type { FileHandle } from "node:fs/promises";

/** Writes all of `data` to `out` at `position`. */
export async function writeFully(out: FileHandle, data: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < data.length; ) {
    done += (await out.write(data, done, data.length - done, position + done)).bytesWritten;
  }
}
