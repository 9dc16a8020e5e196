// What an asset's sha256 must be, in order of trust (research/github.md §4): a pin in
// pyproject.toml, then GitHub's `digest` field, then a checksum file published in the release
// (SHA256SUMS, sha256sums.txt, *checksums.txt, <asset>.sha256).
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import path from "node:path";
import { fail } from "../errors.js";

/**
 * The sha256 of a file, hex. One buffer is reused for the whole file: a read stream's fresh
 * 64 KiB chunks left the heap tens of MiB larger after hashing a 100 MiB archive (measured).
 */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash("sha256");
  const fh = await open(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = (await fh.read(buffer, 0, buffer.length, null)).bytesRead) > 0; ) hash.update(buffer.subarray(0, n));
  } finally {
    await fh.close();
  }
  return hash.digest("hex");
}

export interface ExpectedHash {
  sha256: string;
  /** Where it came from, for messages: "[tool.binwheel.upstream] sha256", "GitHub's digest", "SHA256SUMS". */
  source: string;
}

/** Names of checksum files that may cover `asset`, most specific first. */
export function checksumFileNames(asset: string, available: string[]): string[] {
  const lower = (n: string) => n.toLowerCase();
  const wanted = (n: string) =>
    lower(n) === lower(`${asset}.sha256`) || lower(n) === lower(`${asset}.sha256sum`) ||
    ["sha256sums", "sha256sums.txt", "checksums.txt"].includes(lower(n)) || lower(n).endsWith("_checksums.txt") || lower(n).endsWith("-checksums.txt");
  return available.filter(wanted).sort((a, b) => Number(!lower(a).startsWith(lower(asset))) - Number(!lower(b).startsWith(lower(asset))));
}

/**
 * The hash `text` (a checksum file named `file`) gives for `asset`: `<hex>  <name>` or
 * `<hex> *<name>` lines (names compared by basename), or a bare hex for `<asset>.sha256` files.
 * Undefined when the file does not mention the asset; conflicting lines are an error.
 */
export function hashFromChecksumFile(text: string, file: string, asset: string): string | undefined {
  const found = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([0-9a-fA-F]{64})(?:\s+\*?(.+?))?\s*$/.exec(line);
    if (!m) continue;
    const name = m[2] ? path.posix.basename(m[2].replace(/\\/g, "/")) : undefined;
    if (name === asset || (name === undefined && file.toLowerCase().startsWith(asset.toLowerCase()))) found.add(m[1]!.toLowerCase());
  }
  if (found.size > 1) fail(`the release's ${file} lists ${found.size} different sha256 values for ${asset}; it cannot be trusted.`);
  return [...found][0];
}

/** GitHub's "sha256:<hex>" digest, if present and well formed. */
export function hashFromDigest(digest: string | null | undefined): string | undefined {
  const m = /^sha256:([0-9a-f]{64})$/i.exec(digest ?? "");
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Compares; a mismatch is an error naming the asset and both hashes. */
export function checkHash(assetName: string, where: string, actual: string, expected: ExpectedHash): void {
  if (actual !== expected.sha256) {
    fail(
      `${assetName} from ${where} has sha256 ${actual}, but ${expected.source} says ${expected.sha256}. ` +
        "The download is corrupt or was tampered with, or the expected hash is wrong; nothing was cached and no wheel was written.",
    );
  }
}
