// Walking the project tree: glob matches (license files) and the files of a Python package.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";

/**
 * Files under `root` matching `glob` (PEP 639 glob syntax), as sorted `/`-separated paths;
 * `skipDir` prunes folders by their path relative to `root`.
 */
export function globFiles(root: string, glob: string, skipDir: (relative: string) => boolean = () => false): string[] {
  const { base, isGlob } = picomatch.scan(glob);
  if (!isGlob) return isFile(path.join(root, glob)) ? [glob] : [];
  const isMatch = picomatch(glob, { dot: true });
  const start = path.join(root, base);
  const out: string[] = [];
  for (const relative of walkFiles(start, (dir) => skipDir(base ? `${base}/${dir}` : dir))) {
    const fromRoot = base ? `${base}/${relative}` : relative;
    if (isMatch(fromRoot)) out.push(fromRoot);
  }
  return out.sort();
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Every regular file below `dir` (following symlinks), relative to it with `/` separators.
 * `skipDir` prunes folders by their relative path.
 */
export function walkFiles(dir: string, skipDir: (relative: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const visit = (relative: string) => {
    let names: string[];
    try {
      names = readdirSync(path.join(dir, relative));
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const child = relative ? `${relative}/${name}` : name;
      let stat;
      try {
        stat = statSync(path.join(dir, child));
      } catch {
        continue; // a dangling symlink
      }
      if (stat.isDirectory()) {
        if (!skipDir(child)) visit(child);
      } else if (stat.isFile()) {
        out.push(child);
      }
    }
  };
  visit("");
  return out;
}
