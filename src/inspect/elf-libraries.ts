// Which DT_NEEDED libraries of a wheel's ELF files the wheel itself provides, found the way
// auditwheel's lddtree finds them: through each file's DT_RPATH or DT_RUNPATH ($ORIGIN is the
// file's own folder in the wheel) and those of the executable or library at the top of the tree
// that loads it. What no file in the wheel provides must come from the system.
import path from "node:path";
import type { ElfInfo } from "./elf.js";

export interface ElfFile {
  /** The file's path in the wheel ("toondb/_bin/linux-x86_64/bin/tool"). */
  path: string;
  info: ElfInfo;
}

export interface SystemLibrary {
  /** The file that needs it, and the DT_NEEDED name. */
  path: string;
  library: string;
  /** The wheel folders its run paths name, where the library was looked for. */
  searched: string[];
}

/** A run path's folders inside the wheel: $ORIGIN ones; absolute or working-folder ones are never wheel files. */
function wheelFolders(entries: string[], origin: string): string[] {
  return entries.flatMap((entry) => {
    if (!/^\$(ORIGIN|\{ORIGIN\})(\/|$)/.test(entry)) return [];
    const folder = path.posix.normalize(path.posix.join(origin, entry.replace(/^\$(ORIGIN|\{ORIGIN\})/, "")));
    return folder === ".." || folder.startsWith("../") ? [] : [folder];
  });
}

/** A file's own search folders: DT_RUNPATH when it has one (then DT_RPATH is ignored), else DT_RPATH. */
function runPaths(file: ElfFile): { rpath: string[]; runpath: string[] } {
  const origin = path.posix.dirname(file.path);
  return file.info.runpath.length ? { rpath: [], runpath: wheelFolders(file.info.runpath, origin) } : { rpath: wheelFolders(file.info.rpath, origin), runpath: [] };
}

/**
 * The libraries `files` need that the wheel does not hold where they look. Every file that no
 * other one needs (by name) is the top of a tree, as in auditwheel; files only reachable in a
 * cycle of libraries are looked at on their own.
 */
export function systemLibraries(files: ElfFile[]): SystemLibrary[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const neededNames = new Set(files.flatMap((f) => f.info.needed));
  const visited = new Set<string>();
  const found: SystemLibrary[] = [];
  const walk = (top: ElfFile) => {
    const inherited = runPaths(top);
    const seen = new Set<string>();
    const visit = (file: ElfFile) => {
      visited.add(file.path);
      const own = runPaths(file);
      // lddtree's order: the file's RPATH, the top's, then the file's RUNPATH, the top's.
      const folders = [...new Set([...own.rpath, ...inherited.rpath, ...own.runpath, ...inherited.runpath])];
      for (const library of file.info.needed) {
        if (seen.has(library)) continue; // loaded once per process, as the loader matches it by name
        seen.add(library);
        const hit = library.includes("/") ? undefined : folders.map((f) => byPath.get(path.posix.join(f, library))).find(Boolean);
        if (hit) visit(hit);
        else found.push({ path: file.path, library, searched: folders });
      }
    };
    visit(top);
  };
  for (const file of files) if (!neededNames.has(path.posix.basename(file.path))) walk(file);
  for (const file of files) if (!visited.has(file.path)) walk(file);
  return found;
}
