// RECORD (BW2xx), checked row by row while it streams by, so it may be any size: a row is
// compared with its file's digest when the file was read already, else kept until it is. The rules
// are the spec's (every file listed with its hash and size, RECORD itself and its signature files
// without one) as pypa/installer's validate_record applies them, and PyPI's (warehouse's
// validate_record compares the listed paths with the zip's files).
import { printable } from "../fs/artifact-path.js";
import type { Findings } from "./findings.js";

/** Python's csv.field_size_limit() default: pip and installer cannot read a longer RECORD field. */
const MAX_FIELD = 131072;
/** Algorithms hashlib has that a RECORD row may use; binwheel computes sha256 only. */
const FORBIDDEN = new Set(["md5", "sha1"]);

/** A file's sha256, both ways RECORD rows spell it, and its size. */
export interface Digest {
  base64: string;
  hex: string;
  size: number;
}

export class RecordCheck {
  private state: "missing" | "reading" | "read" | "broken" = "missing";
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private readonly csv = new CsvReader((fields, count) => this.row(fields, count), (why) => this.broken(why));
  /** Files read before their row, and rows read before their file. */
  private readonly digests = new Map<string, Digest>();
  private readonly rows = new Map<string, [string, string]>();
  private readonly listed = new Set<string>();
  /** The signature files PEP 491 keeps out of RECORD. */
  private readonly signatures: Set<string>;

  constructor(
    readonly path: string,
    distInfo: string,
    private readonly files: Set<string>,
    private readonly findings: Findings,
  ) {
    this.signatures = new Set([`${distInfo}/RECORD.jws`, `${distInfo}/RECORD.p7s`]);
  }

  start(): void {
    this.state = "reading";
  }

  feed(chunk: Buffer): void {
    if (this.state !== "reading") return;
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      return this.broken("it is not UTF-8");
    }
    this.csv.push(text);
  }

  end(): void {
    if (this.state !== "reading") return;
    try {
      this.csv.push(this.decoder.decode());
    } catch {
      return this.broken("it is not UTF-8");
    }
    this.csv.end();
    if (this.state === "reading") this.state = "read";
  }

  /** Stops reading RECORD; `why` is reported (a damaged member is reported by its reader). */
  broken(why?: string): void {
    if (why) this.findings.add("BW201", `RECORD cannot be read: ${why}; PyPI refuses the upload, and installers cannot install it`);
    this.state = "broken";
  }

  /** A file's digest, as it was read. */
  member(name: string, digest: Digest): void {
    const row = this.rows.get(name);
    if (row === undefined) this.digests.set(name, digest);
    else {
      this.rows.delete(name);
      this.compare(name, row, digest);
    }
  }

  finish(): void {
    if (this.state === "missing") this.findings.add("BW201", `${this.path} is missing; PyPI refuses the upload`);
    if (this.state !== "read") return;
    for (const f of this.files) {
      if (!this.listed.has(f) && !this.signatures.has(f)) {
        this.findings.add("BW202", `${printable(f)} is not listed in RECORD: installers that verify RECORD (pypa/installer) refuse the wheel, and PyPI emails the project's owners`);
      }
    }
  }

  private row(fields: string[], count: number): void {
    if (count !== 3) {
      const shown = printable(fields.join(","));
      this.findings.add("BW208", count === 0 ? "RECORD has a blank line, which is no path,hash,size row (pypa/installer refuses it)" : `a RECORD row has ${count} fields, not path,hash,size: ${shown.length > 200 ? `${shown.slice(0, 200)}...` : shown}`);
      return;
    }
    const [p, hash, size] = fields as [string, string, string];
    if (!this.files.has(p)) return this.findings.add("BW207", `RECORD lists ${printable(p)}, which the wheel does not hold; installers skip the row, and PyPI emails the project's owners`);
    if (this.listed.has(p)) return this.findings.add("BW207", `RECORD lists ${printable(p)} twice; installers keep one of the rows`);
    this.listed.add(p);
    if (p === this.path || this.signatures.has(p)) {
      if (this.signatures.has(p)) this.findings.add("BW209", `RECORD lists ${printable(p)}, a signature file the spec keeps out of RECORD; pypa/installer refuses the wheel`);
      else if (hash || size) this.findings.add("BW209", "RECORD's own row has a hash or size; it must have neither (pypa/installer refuses the wheel)");
      return;
    }
    const digest = this.digests.get(p);
    if (digest === undefined) this.rows.set(p, [hash, size]);
    else {
      this.digests.delete(p);
      this.compare(p, [hash, size], digest);
    }
  }

  private compare(p: string, [hash, size]: [string, string], digest: Digest): void {
    const name = printable(p);
    if (!hash || !size) return this.findings.add("BW205", `RECORD lists ${name} without ${hash ? "a size" : "a hash"}; every file but RECORD needs both (pypa/installer refuses the wheel)`);
    const eq = hash.indexOf("=");
    const algorithm = eq < 0 ? "" : hash.slice(0, eq);
    const value = hash.slice(eq + 1);
    if (algorithm !== "sha256") {
      const why = FORBIDDEN.has(algorithm.toLowerCase()) ? "which the spec forbids" : eq < 0 ? "which names no algorithm" : "which binwheel does not verify (it computes sha256)";
      return this.findings.add("BW206", `RECORD gives ${name} a ${eq < 0 ? `hash "${printable(hash)}"` : `${printable(algorithm)} hash`}, ${why}`);
    }
    if (value !== digest.base64) {
      if (value.toLowerCase() === digest.hex) return this.findings.add("BW204", `RECORD gives ${name} its sha256 in hex; RECORD takes urlsafe base64 without padding (${digest.base64}), and installers that verify RECORD (pypa/installer) refuse the wheel`);
      return this.findings.add("BW203", `RECORD's sha256 for ${name} is ${printable(value)}, but the file's is ${digest.base64}: installers that verify RECORD (pypa/installer) refuse the wheel`);
    }
    if (size !== String(digest.size)) this.findings.add("BW203", `RECORD's size for ${name} is ${printable(size)}, but the file holds ${digest.size} bytes: installers that verify RECORD (pypa/installer) refuse the wheel`);
  }
}

/**
 * CSV as Python's csv module reads it (excel dialect, not strict), fed in pieces: quoted fields
 * with doubled quotes and line breaks, rows ended by \n, \r or \r\n, a blank line a row of no
 * fields. A row's first three fields are kept, the rest only counted.
 */
export class CsvReader {
  private fields: string[] = [];
  private count = 0;
  private field = "";
  private state: "start" | "field" | "quoted" | "quote" = "start";
  private rowStarted = false;
  private afterCR = false;
  private failed = false;

  constructor(
    private readonly onRow: (fields: string[], count: number) => void,
    private readonly onError: (why: string) => void,
  ) {}

  push(text: string): void {
    for (let i = 0; i < text.length && !this.failed; ) {
      const c = text[i]!;
      if (this.afterCR) {
        this.afterCR = false;
        if (c === "\n") { i++; continue; }
      }
      if (this.state === "quoted") {
        const quote = text.indexOf('"', i);
        this.append(text.slice(i, quote < 0 ? text.length : quote));
        if (quote >= 0) this.state = "quote";
        i = quote < 0 ? text.length : quote + 1;
      } else if (c === "\n" || c === "\r") {
        if (this.rowStarted) this.save();
        this.emit();
        this.afterCR = c === "\r";
        i++;
      } else if (c === ",") {
        this.save();
        this.rowStarted = true;
        i++;
      } else if (c === '"' && this.state !== "field") {
        if (this.state === "quote") this.append('"');
        this.state = "quoted";
        this.rowStarted = true;
        i++;
      } else {
        // A run of ordinary characters (a quote inside an unquoted field is one, as in Python).
        let j = i + 1;
        while (j < text.length && !",\r\n".includes(text[j]!)) j++;
        this.append(text.slice(i, j));
        this.state = "field";
        this.rowStarted = true;
        i = j;
      }
    }
  }

  end(): void {
    if (!this.failed && (this.rowStarted || this.count)) {
      this.save();
      this.emit();
    }
  }

  private append(text: string): void {
    this.field += text;
    if (this.field.length > MAX_FIELD) {
      this.failed = true;
      this.onError(`a field is longer than ${MAX_FIELD} characters, more than Python's csv module (pip, installer) reads`);
    }
  }

  private save(): void {
    if (this.count < 3) this.fields.push(this.field);
    this.count++;
    this.field = "";
    this.state = "start";
  }

  private emit(): void {
    this.onRow(this.fields, this.count);
    this.fields = [];
    this.count = 0;
    this.rowStarted = false;
    this.state = "start";
  }
}
