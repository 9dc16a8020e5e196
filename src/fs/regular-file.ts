// Opening files that binwheel did not write itself (cache entries, the editable record, assets in
// BINWHEEL_ASSET_DIR, pyproject.toml, the netrc file) only when they are regular files: a FIFO
// would block the build forever (where not even SIGTERM reaches a synchronous read), a device
// would never end, and a link in a cache would make binwheel read or write where it should not.
// Never blocks.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";

/** A file that is there but is not a regular file this process may read; `why` says what it is. */
export class NotRegularFile extends Error {
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(`${file} ${why}`);
  }
}

export interface OpenOptions {
  /** Follow a link to a regular file (an asset folder of links); default: a link is refused. */
  followLinks?: boolean;
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/** A descriptor of `file` opened for reading; undefined if it does not exist; NotRegularFile otherwise. */
export function openRegular(file: string, options: OpenOptions = {}): number | undefined {
  if (!precheck(file, options)) return undefined;
  let fd: number;
  try {
    fd = openSync(file, openFlags(options));
  } catch (e) {
    return openFailed(file, e);
  }
  // Checked again on the descriptor: the name may have been swapped since the stat.
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new NotRegularFile(file, "is not a regular file");
  }
  return fd;
}

/** openRegular, as a FileHandle for asynchronous reads. */
export async function openRegularHandle(file: string, options: OpenOptions = {}): Promise<FileHandle | undefined> {
  if (!precheck(file, options)) return undefined;
  let fh: FileHandle;
  try {
    fh = await open(file, openFlags(options));
  } catch (e) {
    return openFailed(file, e);
  }
  if (!(await fh.stat()).isFile()) {
    await fh.close();
    throw new NotRegularFile(file, "is not a regular file");
  }
  return fh;
}

/** False when `file` does not exist; NotRegularFile when it is not a regular file (or a link, unless followed). */
function precheck(file: string, { followLinks = false }: OpenOptions): boolean {
  let st: Stats;
  try {
    st = followLinks ? statSync(file) : lstatSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw new NotRegularFile(file, `cannot be read (${code ?? (e as Error).message})`);
  }
  if (st.isSymbolicLink()) throw new NotRegularFile(file, "is a symbolic link");
  if (!st.isFile()) throw new NotRegularFile(file, st.isFIFO() ? "is a FIFO, not a file" : st.isDirectory() ? "is a folder, not a file" : "is not a regular file");
  return true;
}

function openFlags({ followLinks = false }: OpenOptions): number {
  return constants.O_RDONLY | NONBLOCK | (followLinks ? 0 : NOFOLLOW);
}

function openFailed(file: string, e: unknown): undefined {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return undefined;
  throw new NotRegularFile(file, code === "ELOOP" ? "is a symbolic link" : `cannot be read (${code ?? (e as Error).message})`);
}

/** The content of a regular file of at most `max` bytes; undefined if absent; NotRegularFile otherwise. */
export function readRegular(file: string, max: number, options: OpenOptions = {}): Buffer | undefined {
  return readRegularFile(file, max, options)?.data;
}

/** readRegular, with the stats of what was read (an owner and mode to check, for a file that must be private). */
export function readRegularFile(file: string, max: number, options: OpenOptions = {}): { data: Buffer; stats: Stats } | undefined {
  const fd = openRegular(file, options);
  if (fd === undefined) return undefined;
  try {
    const stats = fstatSync(fd);
    if (stats.size > max) throw new NotRegularFile(file, `is ${stats.size} bytes, more than such a file ever holds (${max})`);
    const buffer = Buffer.alloc(stats.size);
    let n = 0;
    for (let r; n < stats.size && (r = readSync(fd, buffer, n, stats.size - n, n)) > 0; ) n += r;
    return { data: buffer.subarray(0, n), stats };
  } finally {
    closeSync(fd);
  }
}

/** The stats of a regular file; undefined if absent; NotRegularFile otherwise. */
export function regularStats(file: string, options: OpenOptions = {}): Stats | undefined {
  const fd = openRegular(file, options);
  if (fd === undefined) return undefined;
  try {
    return fstatSync(fd);
  } finally {
    closeSync(fd);
  }
}
