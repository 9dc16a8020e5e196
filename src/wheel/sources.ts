// The project's own Python packages, as wheel members.
import { statSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import type { PackageSource } from "../config/tool.js";
import { fail } from "../errors.js";
import { walkFiles } from "../fs/files.js";
import { readEditableRecord } from "./editable-record.js";

export interface SourceFile {
  wheelPath: string;
  absolute: string;
  mode: number;
  size: number;
}

/**
 * Every file of the packages except caches, hidden files, `generated` (wheel paths of binwheel's
 * generated modules), what `exclude` matches, and what editable installs wrote into `binaryDirs`
 * (wheel paths of include destinations). Any other file in a binary folder is the author's: an
 * error, never dropped.
 */
export function packageFiles(root: string, packages: PackageSource[], binaryDirs: string[], generated: string[], exclude: string[]): SourceFile[] {
  const inBinaryDir = (wheelPath: string) => binaryDirs.find((d) => wheelPath.startsWith(`${d}/`));
  const excluded = exclude.length ? picomatch(exclude, { dot: true }) : () => false;
  const written = readEditableRecord(root);
  const out: SourceFile[] = [];
  for (const pkg of packages) {
    const files = pkg.isModule
      ? [{ wheelPath: `${pkg.name}.py`, absolute: pkg.path }]
      : walkFiles(pkg.path, root, isJunk)
          .filter((relative) => !isJunk(relative) && !/\.py[co]$/.test(relative))
          .map((relative) => ({ wheelPath: `${pkg.name}/${relative}`, absolute: path.join(pkg.path, relative) }));
    for (const file of files) {
      if (generated.includes(file.wheelPath) || excluded(file.wheelPath)) continue;
      const binaryDir = inBinaryDir(file.wheelPath);
      if (binaryDir) {
        const relative = path.relative(root, file.absolute).split(path.sep).join("/");
        if (relative in written) continue;
        fail(
          `${relative} is in ${binaryDir}, a folder [[tool.binwheel.include]] fills with upstream files, but binwheel did not put it there. ` +
            "binwheel leaves those folders out of wheels and sdists, so the file would be lost: move it elsewhere in the package, or delete it.",
        );
      }
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
