// What the archive readers hand out: one entry at a time, in archive order, with its content
// available as a stream so memory does not grow with the size of the binaries.
import { UNSAFE_CHARACTERS, printable } from "../fs/artifact-path.js";
import { fail } from "../errors.js";

export type EntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface ArchiveEntry {
  /** Path inside the archive: `/`-separated, no leading "./", no empty or "." segment. */
  path: string;
  /** The name exactly as the archive stores it (what `binwheel check` judges). */
  storedPath: string;
  type: EntryType;
  /** Permission bits (0o777). */
  mode: number;
  /** Bytes of content; -1 when not known before it is read (a compressed bare file). */
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

/** The one spelling of a stored name ("./a//b/" -> "a/b"), unchecked. */
export function normalizeEntryPath(raw: string): string {
  return raw.replace(/\\/g, "/").split("/").filter((s) => s !== "" && s !== ".").join("/");
}

/**
 * Normalizes an archive member name, refusing names that would escape the archive or that no
 * file system stores faithfully (control characters, NUL among them). Spellings of one path
 * collapse to one name, so the guard sees "a/b" and "a//b" as the same entry.
 */
export function cleanEntryPath(raw: string, archive: string): string {
  const unsafe = (why: string): never => fail(`${archive} holds an entry with an unsafe path ("${printable(raw)}"): ${why}. binwheel refuses the archive.`);
  if (UNSAFE_CHARACTERS.test(raw)) unsafe("control characters in names are refused");
  const name = normalizeEntryPath(raw);
  if (raw.startsWith("/") || raw.startsWith("\\") || /^[A-Za-z]:/.test(raw) || name.split("/").includes("..")) unsafe('absolute paths and ".." are refused');
  return name;
}
