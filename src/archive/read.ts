// One entry point for both archive kinds.
import type { ArchiveKind } from "../target/triples.js";
import type { EntryHandler } from "./entries.js";
import { readTar } from "./tar.js";
import { readZip } from "./zip.js";

export function readArchive(file: string, kind: ArchiveKind, onEntry: EntryHandler): Promise<void> {
  return kind === "zip" ? readZip(file, onEntry) : readTar(file, onEntry);
}
