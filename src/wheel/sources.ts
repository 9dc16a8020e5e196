// The project's own Python packages, as wheel members.
import { statSync } from "node:fs";
import path from "node:path";
import type { PackageSource } from "../config/tool.js";
import { walkFiles } from "../files.js";

export interface SourceFile {
  wheelPath: string;
  absolute: string;
  mode: number;
  size: number;
}

/**
 * Every file of the packages except caches, hidden files and `skipDirs` (wheel paths of binary
 * folders, which a development checkout may hold from an earlier build for some platform).
 */
export function packageFiles(packages: PackageSource[], skipDirs: string[]): SourceFile[] {
  const skipped = (wheelPath: string) => skipDirs.some((d) => wheelPath === d || wheelPath.startsWith(`${d}/`));
  const out: SourceFile[] = [];
  for (const pkg of packages) {
    const files = pkg.isModule
      ? [{ wheelPath: `${pkg.name}.py`, absolute: pkg.path }]
      : walkFiles(pkg.path, (dir) => isJunk(dir) || skipped(`${pkg.name}/${dir}`))
          .filter((relative) => !isJunk(relative) && !/\.py[co]$/.test(relative))
          .map((relative) => ({ wheelPath: `${pkg.name}/${relative}`, absolute: path.join(pkg.path, relative) }))
          .filter((f) => !skipped(f.wheelPath));
    for (const file of files) {
      const stat = statSync(file.absolute);
      out.push({ ...file, mode: stat.mode & 0o111 ? 0o755 : 0o644, size: stat.size });
    }
  }
  return out;
}

function isJunk(relative: string): boolean {
  const name = relative.slice(relative.lastIndexOf("/") + 1);
  return name === "__pycache__" || name.startsWith(".");
}
