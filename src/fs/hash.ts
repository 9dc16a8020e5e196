// Hashing files and streams (sha256, and sha512 when a checksum file publishes it), and what a
// file's hash must be: an expected hash names where it came from, so a mismatch says who promised what.
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { fail } from "../errors.js";

export type Algorithm = "sha256" | "sha512";

export interface Hashes {
  sha256: string;
  sha512?: string;
}

/** Hashes of a file, hex: sha256 always, sha512 when asked. One buffer is reused for the whole file. */
export async function hashFile(file: string, algorithms: readonly Algorithm[] = ["sha256"]): Promise<Hashes> {
  const hashing = hashers(algorithms);
  const fh = await open(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let n; (n = (await fh.read(buffer, 0, buffer.length, null)).bytesRead) > 0; ) hashing.update(buffer.subarray(0, n));
  } finally {
    await fh.close();
  }
  return hashing.digest();
}

/** The sha256 of a file, hex. */
export async function sha256OfFile(file: string): Promise<string> {
  return (await hashFile(file)).sha256;
}

/** Incremental hashing with sha256 and, if asked, sha512 (for downloads hashed while they stream). */
export function hashers(algorithms: readonly Algorithm[]): { update(chunk: Uint8Array): void; digest(): Hashes } {
  const sha256 = createHash("sha256");
  const sha512 = algorithms.includes("sha512") ? createHash("sha512") : undefined;
  return {
    update(chunk) {
      sha256.update(chunk);
      sha512?.update(chunk);
    },
    digest: () => ({ sha256: sha256.digest("hex"), ...(sha512 && { sha512: sha512.digest("hex") }) }),
  };
}

export interface ExpectedHash {
  sha256?: string;
  sha512?: string;
  /** Where it came from, for messages: "the pin in [tool.binwheel.upstream] sha256", "the release's SHA256SUMS". */
  source: string;
}

/** The algorithms a download must compute to be checked against `expected`. */
export function algorithmsFor(expected: ExpectedHash | undefined): Algorithm[] {
  return expected?.sha512 ? ["sha256", "sha512"] : ["sha256"];
}

/** Whether known hashes (a cache entry's) agree with everything `expected` says. */
export function agrees(known: { sha256: string; sha512?: string }, expected: ExpectedHash | undefined): boolean {
  if (!expected) return true;
  return (!expected.sha256 || expected.sha256 === known.sha256) && (!expected.sha512 || expected.sha512 === known.sha512);
}

/** Compares; a mismatch is an error naming the asset and both hashes. */
export function checkHash(assetName: string, where: string, actual: Hashes, expected: ExpectedHash): void {
  for (const algorithm of ["sha256", "sha512"] as const) {
    const want = expected[algorithm];
    if (want && actual[algorithm] !== want) {
      fail(
        `${assetName} from ${where} has ${algorithm} ${actual[algorithm]}, but ${expected.source} says ${want}. ` +
          "The download is corrupt or was tampered with, or the expected hash is wrong; nothing was cached and no wheel was written.",
      );
    }
  }
}
