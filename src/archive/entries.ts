// What the archive readers hand out: one entry at a time, in archive order, with its content
// available as a stream so memory does not grow with the size of the binaries.
import { fail } from "../errors.js";

export type EntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface ArchiveEntry {
  /** Path inside the archive: `/`-separated, no leading "./", no trailing "/". */
  path: string;
  type: EntryType;
  /** Permission bits (0o777). */
  mode: number;
  size: number;
  /** Target of a symlink or hard link, as stored. */
  linkTarget?: string;
  /**
   * The content of a file entry; read it at most once, before the handler returns. A chunk may
   * be a view of a buffer the reader reuses: it is valid until the next chunk is requested, so
   * copy what must be kept.
   */
  open(): AsyncIterable<Buffer>;
}

/** Called once per entry, in order; the next entry is read only after it resolves. */
export type EntryHandler = (entry: ArchiveEntry) => Promise<void>;

/** Normalizes an archive member name, refusing names that would escape the archive. */
export function cleanEntryPath(raw: string, archive: string): string {
  const name = raw.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name) || name.split("/").includes("..")) {
    fail(`${archive} holds an entry with an unsafe path ("${raw}"): absolute paths and ".." are refused.`);
  }
  return name;
}
