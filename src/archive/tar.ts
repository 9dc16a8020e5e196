// Streaming read of tar assets: the compressed stream decompresses into one reused buffer
// (decompress.ts) and the tar format is read from it here, so reading an asset of any size
// allocates next to nothing. File contents are lent to the handler as views of that buffer.
// Formats: POSIX ustar and pax (extended headers for long paths, link targets and sizes), GNU
// (long names, base-256 sizes) and old V7 archives, as GNU tar, bsdtar and node-tar write them.
import { fail } from "../errors.js";
import { cleanEntryPath, normalizeEntryPath, type EntryHandler, type EntryType } from "./entries.js";
import { decompress, type Compression } from "./decompress.js";
import { describeFormat } from "./format.js";

const BLOCK = 512;
/** The largest pax header or GNU long name read (node-tar's limit too). */
const MAX_META = 1 << 20;

const TYPES: Record<string, EntryType> = {
  "0": "file", "\0": "file", "7": "file", "5": "directory", "2": "symlink", "1": "hardlink",
};

/** What pax headers and GNU long names say about the entry that follows them. */
interface Overrides {
  path?: string;
  linkpath?: string;
  size?: number;
}

export interface TarOptions {
  /** How the tar is compressed (default gzip). */
  compression?: Compression;
  /** Sees every decompressed byte count (all entries), and may throw to stop. */
  onInflated?: (bytes: number) => void;
  /** False: hand unsafe names on (normalized, not refused), for a checker that reports them. */
  checkNames?: boolean;
}

export async function readTar(file: string, archive: string, onEntry: EntryHandler, { compression = "gzip", onInflated = () => {}, checkNames = true }: TarOptions = {}): Promise<void> {
  const bad = (why: string): never => fail(`${archive} is not readable as ${describeFormat({ container: "tar", compression })} (${why}). Check the asset name and archive type.`);
  const source = decompress(file, compression, bad, onInflated);
  const stream = new ByteStream(source);
  try {
    const header = Buffer.alloc(BLOCK);
    let global: Overrides = {};
    let next: Overrides = {};
    for (;;) {
      const got = await stream.copy(header, BLOCK);
      if (got === 0) break; // no end-of-archive blocks: tolerated, as GNU tar does
      if (got < BLOCK) bad("it ends inside an entry's header");
      if (header.every((b) => b === 0)) break;
      if (!checksumOk(header)) bad("an entry's header checksum does not match: the archive is damaged");
      const typeflag = String.fromCharCode(header[156]!);
      const own = headerFields(header);
      if (typeflag === "x" || typeflag === "g" || typeflag === "L" || typeflag === "K") {
        if (!(own.size <= MAX_META)) bad(`an extended header of ${own.size} bytes is over the ${MAX_META}-byte limit`);
        const body = Buffer.alloc(own.size);
        const padding = padded(own.size) - own.size;
        if ((await stream.copy(body, own.size)) < own.size || (await stream.skip(padding)) < padding) bad("it ends inside an extended header");
        if (typeflag === "x") next = { ...next, ...parsePax(body, bad) };
        else if (typeflag === "g") global = { ...global, ...parsePax(body, bad) };
        else next = { ...next, [typeflag === "L" ? "path" : "linkpath"]: cString(body) };
        continue;
      }
      const fields = { ...own, ...global, ...next };
      next = {};
      const rawPath = pathOf(header, fields);
      if (!rawPath) bad("an entry has no name");
      // Old (pre-POSIX) archives mark a directory only by the slash that ends its name.
      const type = (typeflag === "0" || typeflag === "\0") && rawPath.endsWith("/") ? "directory" : (TYPES[typeflag] ?? "other");
      const size = fields.size;
      if (!Number.isSafeInteger(size) || size < 0) bad(`the size of "${rawPath}" is not a number`);
      let opened = false;
      const bodyStart = stream.position;
      await onEntry({
        path: checkNames ? cleanEntryPath(rawPath, archive) : normalizeEntryPath(rawPath),
        storedPath: rawPath,
        type,
        mode: fields.mode & 0o777,
        size,
        ...((type === "symlink" || type === "hardlink") && { linkTarget: fields.linkpath ?? "" }),
        open: () => {
          if (opened) throw new Error(`the content of ${rawPath} was already read`);
          opened = true;
          return stream.lend(size, () => bad(`it ends inside "${rawPath}"`));
        },
      });
      // Whatever the handler left unread, and the padding to the next header.
      const left = bodyStart + padded(size) - stream.position;
      if ((await stream.skip(left)) < left) bad(`it ends inside "${rawPath}"`);
    }
    // The rest (end-of-archive blocks, record padding) is read so that the gzip CRC is checked.
    await stream.skip(Infinity);
  } finally {
    await source.return(undefined);
  }
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/** The ustar fields (and their GNU and V7 spellings) this reader uses. */
function headerFields(h: Buffer): { mode: number; size: number; linkpath?: string } {
  const linkpath = cString(h.subarray(157, 257));
  return { mode: number(h.subarray(100, 108)), size: number(h.subarray(124, 136)), ...(linkpath && { linkpath }) };
}

function pathOf(h: Buffer, fields: Overrides): string {
  if (fields.path !== undefined) return fields.path;
  const name = cString(h.subarray(0, 100));
  // POSIX ustar splits long names into prefix and name; GNU ("ustar  ") uses that space otherwise.
  const ustar = h.toString("latin1", 257, 263) === "ustar\0";
  const prefix = ustar ? cString(h.subarray(345, 500)) : "";
  return prefix ? `${prefix}/${name}` : name;
}

/** The header's checksum: its bytes summed with the checksum field as spaces (signed, in old tars). */
function checksumOk(h: Buffer): boolean {
  const stored = number(h.subarray(148, 156));
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    unsigned += h[i]!;
    signed += (h[i]! << 24) >> 24;
  }
  return stored === unsigned || stored === signed;
}

/** An octal field (NUL- or space-terminated), or GNU's base-256 for large values. */
function number(field: Buffer): number {
  if (field[0]! & 0x80) {
    if (field[0] !== 0x80) return NaN; // negative
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!;
    return value;
  }
  const text = field.toString("latin1").replace(/\0.*$/s, "").trim();
  return text ? (/^[0-7]+$/.test(text) ? parseInt(text, 8) : NaN) : 0;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString("utf8", 0, end < 0 ? bytes.length : end);
}

/** pax records: "<length> <key>=<value>\n", where length counts the whole record's bytes. */
function parsePax(body: Buffer, bad: (why: string) => never): Overrides {
  const out: Overrides = {};
  for (let at = 0; at < body.length && body[at] !== 0; ) {
    const space = body.indexOf(0x20, at);
    const length = parseInt(body.toString("latin1", at, space), 10);
    if (space < 0 || !(length > space - at) || at + length > body.length) bad("a pax extended header is malformed");
    const record = body.toString("utf8", space + 1, at + length - 1);
    const equals = record.indexOf("=");
    const [key, value] = [record.slice(0, equals), record.slice(equals + 1)];
    if (key === "path") out.path = value;
    else if (key === "linkpath") out.linkpath = value;
    else if (key === "size") out.size = Number(value);
    // Python's tarfile renames a member by GNU.sparse.name and reads sparse maps: another reader
    // would see other files than binwheel does, so sparse members are refused, not guessed.
    else if (key.startsWith("GNU.sparse.")) bad(`a member uses GNU's sparse format (${key}), which binwheel does not read`);
    at += length;
  }
  return out;
}

/**
 * The decompressed bytes, read in order from views that are each valid until the next one is
 * taken: headers are copied out, file contents lent on.
 */
class ByteStream {
  private view: Buffer = Buffer.alloc(0);
  private at = 0;
  /** Bytes read so far (copied, skipped or lent). */
  position = 0;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Ensures an unread byte is at hand; false at the end. */
  private async more(): Promise<boolean> {
    while (this.at === this.view.length) {
      const next = await this.source.next();
      if (next.done) return false;
      this.view = next.value;
      this.at = 0;
    }
    return true;
  }

  /** Copies the next `n` bytes into `target`; returns how many there were (fewer only at the end). */
  copy(target: Buffer, n: number): Promise<number> {
    return this.advance(n, target);
  }

  /** Skips up to `n` bytes; returns how many there were. */
  skip(n: number): Promise<number> {
    return this.advance(n);
  }

  private async advance(n: number, target?: Buffer): Promise<number> {
    let done = 0;
    while (done < n && (await this.more())) {
      const take = Math.min(n - done, this.view.length - this.at);
      target?.set(this.view.subarray(this.at, this.at + take), done);
      this.at += take;
      this.position += take;
      done += take;
    }
    return done;
  }

  /** Lends the next `n` bytes as views; `truncated` is called if the stream ends first. */
  async *lend(n: number, truncated: () => never): AsyncGenerator<Buffer> {
    for (let done = 0; done < n; ) {
      if (!(await this.more())) truncated();
      const take = Math.min(n - done, this.view.length - this.at);
      const piece = this.view.subarray(this.at, this.at + take);
      this.at += take;
      this.position += take;
      done += take;
      yield piece;
    }
  }
}
