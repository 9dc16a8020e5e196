// Checksum files: which files beside an asset may cover it (<asset>.sha256, SHA256SUMS,
// *checksums.txt, ...), and reading them in every shape upstreams publish: GNU (`sha256sum`), BSD
// (`shasum --tag`, `openssl dgst`), a bare hash, certutil output and PowerShell's `Get-FileHash |
// Format-List`; SHA-256 or SHA-512, told apart by the length of the hex or the algorithm named.
// Also GitHub's per-asset digest. Which of these an asset is checked against is asset.ts's call.
import { fail } from "../../errors.js";
import type { Algorithm, ExpectedHash } from "../../fs/hash.js";

/** GitHub's "sha256:<hex>" digest, if present and well formed. */
export function hashFromDigest(digest: string | null | undefined): string | undefined {
  const m = /^sha256:([0-9a-f]{64})$/i.exec(digest ?? "");
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Checksum files looked for beside an asset, by name (case-insensitive), when none is named. */
const SUFFIXES = [".sha256", ".sha256sum", ".sha512", ".sha512sum"];
const LISTS = ["sha256sums", "sha256sums.txt", "shasums256.txt", "sha512sums", "sha512sums.txt", "checksums.txt", "sha256.sum", "sha512.sum"];

/** Names in `available` of checksum files that may cover `asset`, the asset's own first. */
export function checksumFileNames(asset: string, available: readonly string[]): string[] {
  const own = (n: string) => SUFFIXES.some((s) => n.toLowerCase() === `${asset}${s}`.toLowerCase());
  // HashiCorp's terraform_1.4.2_SHA256SUMS, GoReleaser's tool_1.0.0_checksums.txt.
  const list = (n: string) => LISTS.some((l) => n.toLowerCase() === l || n.toLowerCase().endsWith(`_${l}`) || n.toLowerCase().endsWith(`-${l}`));
  return [...available.filter(own), ...available.filter((n) => !own(n) && list(n))];
}

/** The largest checksum file binwheel reads (the largest real ones are a few hundred KiB). */
export const CHECKSUM_FILE_LIMIT = 1 << 20;

/** A checksum file's bytes as text: UTF-8 (a BOM dropped) or, with its BOM, UTF-16 (PowerShell 5's `>`). */
export function checksumText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString("utf16le");
  return bytes.toString("utf8").replace(/^\uFEFF/, "");
}

export interface ChecksumEntry {
  /** The file name as the line gives it (a path, for certutil and PowerShell); undefined for a bare hash. */
  name?: string;
  algorithm: Algorithm;
  hex: string;
}

const BY_LENGTH: Record<number, Algorithm> = { 64: "sha256", 128: "sha512" };
/** "SHA256", "SHA-256", "SHA2-256" (OpenSSL 3) and the same for 512; other algorithms are not used. */
function algorithmNamed(name: string): Algorithm | undefined {
  const m = /^SHA(?:2?-)?(256|512)$/i.exec(name.trim());
  return m ? (`sha${m[1]}` as Algorithm) : undefined;
}
/** An entry when the hex fits the algorithm (its length decides when none is named). */
function entry(hex: string, name: string | undefined, named?: string): ChecksumEntry | undefined {
  const clean = hex.replace(/\s+/g, "").toLowerCase();
  if (!/^[0-9a-f]+$/.test(clean)) return undefined;
  const algorithm = BY_LENGTH[clean.length];
  if (!algorithm || (named !== undefined && algorithmNamed(named) !== algorithm)) return undefined;
  return { ...(name !== undefined && { name }), algorithm, hex: clean };
}

/**
 * Every SHA-256 and SHA-512 entry `text` holds, in any of the formats above; lines it does not
 * understand (comments, signatures, other algorithms) are skipped.
 */
export function parseChecksums(text: string): ChecksumEntry[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: ChecksumEntry[] = [];
  const add = (e: ChecksumEntry | undefined) => void (e && out.push(e));
  // PowerShell's Format-List: "Key : value" records, separated by blank lines; a long value
  // (a path, a SHA-512) wraps onto indented lines.
  let record: Record<string, string> = {};
  let last: string | undefined;
  const endRecord = () => {
    if (record["hash"]) add(entry(record["hash"], record["path"], record["algorithm"] ?? ""));
    record = {};
    last = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const field = /^(Algorithm|Hash|Path)\s*:\s*(.*)$/i.exec(line);
    if (field) {
      const key = field[1]!.toLowerCase();
      if (record[key] !== undefined) endRecord();
      record[key] = field[2]!.trim();
      last = key;
      continue;
    }
    if (last && /^\s+\S/.test(line)) {
      record[last] += line.trim();
      continue;
    }
    endRecord();
    // certutil: "SHA256 hash of file NAME:" (Windows 7) or "SHA256 hash of PATH:", then the hex
    // (with spaces between bytes on older Windows), then "CertUtil: -hashfile command completed successfully."
    const certutil = /^\s*(\S+) hash of (?:file )?(.+?):\s*$/i.exec(line);
    if (certutil) {
      add(entry(lines[i + 1] ?? "", certutil[2]!, certutil[1]!));
      i++;
      continue;
    }
    // BSD: "SHA256 (NAME) = HEX" (shasum --tag, FreeBSD sha256); OpenSSL: "SHA2-256(NAME)= HEX".
    const bsd = /^\s*(SHA[-\w]*)\s*\((.*)\)\s*=\s*([0-9A-Fa-f]+)\s*$/.exec(line);
    if (bsd) {
      add(entry(bsd[3]!, bsd[2]!, bsd[1]!));
      continue;
    }
    // GNU: "HEX  NAME" (text mode), "HEX *NAME" (binary mode), "\HEX  NAME" (NAME escaped), or a bare HEX.
    const gnu = /^\s*(\\?)([0-9A-Fa-f]+)(?:[ \t]+\*?(.*?))?\s*$/.exec(line);
    if (gnu) {
      const name = gnu[3] ? (gnu[1] ? gnu[3].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c)) : gnu[3]) : undefined;
      add(entry(gnu[2]!, name));
    }
  }
  endRecord();
  return out;
}

/** The last part of a name as a checksum line writes it ("./dist/x", "C:\\build\\x", "*x"). */
function baseName(name: string): string {
  return name.replace(/^\*/, "").split(/[\\/]/).pop() ?? "";
}

/**
 * The hashes checksum file `file` (its text, and how the messages name it) gives for `asset`.
 * Entries for exactly the asset's name win over entries whose last path part is its name; a bare
 * hash counts when the file names no file at all and is the asset's own (`<asset>.sha256`) or was
 * named by `checksums` (`named`). Undefined when the file does not cover the asset; conflicting
 * entries are an error.
 */
export function hashesFromChecksumFile(text: string, file: { name: string; label: string; named: boolean }, asset: string): Omit<ExpectedHash, "source"> | undefined {
  const entries = parseChecksums(text);
  const withNames = entries.filter((e) => e.name !== undefined);
  const exact = withNames.filter((e) => e.name!.replace(/^\*/, "").replace(/^\.\//, "") === asset);
  let matching = exact.length > 0 ? exact : withNames.filter((e) => baseName(e.name!) === asset);
  if (withNames.length === 0 && (file.named || file.name.toLowerCase().startsWith(asset.toLowerCase()))) matching = entries;
  const found: Omit<ExpectedHash, "source"> = {};
  for (const e of matching) {
    if (found[e.algorithm] !== undefined && found[e.algorithm] !== e.hex) {
      fail(`${file.label} gives two different ${e.algorithm} values for ${asset} (${found[e.algorithm]} and ${e.hex}); it cannot be trusted. Tell the upstream project, or pin the hash in [tool.binwheel.upstream] sha256.`);
    }
    found[e.algorithm] = e.hex;
  }
  if (found.sha256 || found.sha512) return found;
  if (!file.named) return undefined;
  const listed = [...new Set(withNames.map((e) => baseName(e.name!)))];
  fail(
    `${file.label}, named by [tool.binwheel.upstream] checksums, ` +
      (entries.length === 0
        ? "holds no SHA-256 or SHA-512 that binwheel can read (it reads sha256sum/shasum lines, BSD tags, a bare hash, certutil and PowerShell Get-FileHash output). "
        : `does not list ${asset}; it lists ${listed.length ? listed.slice(0, 5).join(", ") + (listed.length > 5 ? `, and ${listed.length - 5} more` : "") : "only hashes without names"}. `) +
      "Fix the checksums setting (placeholders such as {asset} are filled per target), or remove it to use the release's own checksum files.",
  );
}
