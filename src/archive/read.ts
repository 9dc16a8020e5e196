// One entry point for both archive kinds.
import type { ArchiveKind } from "../target/triples.js";
import type { EntryHandler } from "./entries.js";
import { readTar } from "./tar.js";
import { readZip } from "./zip.js";

/**
 * Reads `file` entry by entry; `name` (the asset's name) is how messages call it. `onInflated`
 * sees every decompressed byte count, and may throw to stop (the decompression-bomb guard).
 */
export function readArchive(file: string, kind: ArchiveKind, name: string, onEntry: EntryHandler, onInflated?: (bytes: number) => void): Promise<void> {
  return kind === "zip" ? readZip(file, name, onEntry, onInflated) : readTar(file, name, onEntry, { ...(onInflated && { onInflated }) });
}
