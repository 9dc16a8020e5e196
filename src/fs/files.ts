// The project's own files: paths named by pyproject.toml (readme, license files, version file),
// glob matches and the files of a Python package. All of them must stay inside the project root
// once links are followed: a link out of the project (to /etc/passwd, to a home folder) or a link
// loop is an error naming it, never a silent copy into an artifact.
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { fail } from "../errors.js";
import { NotRegularFile, readRegular } from "./regular-file.js";

/** True when `inner` is `outer` or lies below it (both absolute, links resolved). */
export function isInside(outer: string, inner: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === "" || (!relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative));
}

/**
 * Creates `folder` (and its parents) only if it stays inside `outer` once links are followed:
 * the deepest part that exists is checked before anything is created, so a link out of `outer`
 * never gets a folder made through it. Returns the problem in words, or undefined when done.
 */
export function makeFolderInside(outer: string, folder: string): string | undefined {
  const problem = folderLeaves(outer, folder);
  if (!problem) mkdirSync(folder, { recursive: true });
  return problem;
}

/** Why `folder` (which may not exist yet) would not be inside `outer` once links are followed, or undefined. */
export function folderLeaves(outer: string, folder: string): string | undefined {
  let existing = folder;
  while (!lstatExists(existing)) existing = path.dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch {
    return `${existing} is a link that leads nowhere`;
  }
  if (!isInside(realpathSync(outer), real)) return `${existing} leads to ${real}, outside ${outer} (through a link)`;
  return undefined;
}

function lstatExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * A file named by `key` (relative to the project root, "/"-separated), checked: no absolute path,
 * no "..", a regular file that is inside the root after following links. Returns its normalized
 * relative path and its absolute path.
 */
export function projectFile(root: string, relative: string, key: string): { relative: string; absolute: string } {
  if (relative === "" || relative.startsWith("/") || /^[A-Za-z]:/.test(relative) || relative.includes("\\") || relative.split("/").includes("..")) {
    fail(`pyproject.toml: ${key} "${relative}" must be a path inside the project: relative to the folder of pyproject.toml, with "/" separators and no "..".`);
  }
  const normalized = path.posix.normalize(relative).replace(/^\.\//, "");
  const absolute = path.join(root, ...normalized.split("/"));
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    fail(`pyproject.toml: ${key} names "${relative}", which does not exist in ${root}.`);
  }
  if (!isInside(realpathSync(root), real)) {
    fail(`pyproject.toml: ${key} names "${relative}", which is a link to ${real}, outside the project. Copy the file into the project instead.`);
  }
  if (!statSync(real).isFile()) fail(`pyproject.toml: ${key} names "${relative}", which is not a regular file.`);
  return { relative: normalized, absolute };
}

/** The largest text file binwheel reads (a readme, pyproject.toml): 64 MiB. */
const MAX_TEXT = 64 << 20;

/** A text file's content; bytes that are not UTF-8 are an error naming the file (never U+FFFD). */
export function readUtf8(file: string, what: string): string {
  let bytes: Buffer | undefined;
  try {
    bytes = readRegular(file, MAX_TEXT, { followLinks: true });
  } catch (e) {
    if (e instanceof NotRegularFile) fail(`${what}: ${e.why}; binwheel reads only regular files.`);
    throw e;
  }
  if (!bytes) fail(`${what} does not exist.`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const lossy = bytes.toString("utf8");
    const line = lossy.slice(0, lossy.indexOf("\uFFFD")).split("\n").length;
    fail(`${what} is not valid UTF-8: line ${line} holds bytes that are not. Save the file as UTF-8.`);
  }
}

/**
 * Files under `root` matching `glob` (PEP 639 glob syntax), as sorted `/`-separated paths;
 * `skipDir` prunes folders by their path relative to `root`. Only as deep as the pattern can
 * reach; folders that link out of the project are not searched, and the caller checks each
 * match with projectFile (a matched file may itself be a link out).
 */
export function globFiles(root: string, glob: string, skipDir: (relative: string) => boolean = () => false): string[] {
  const { base, isGlob } = picomatch.scan(glob);
  const isMatch = picomatch(glob, { dot: true });
  const start = path.join(root, base);
  const depth = glob.includes("**") ? Infinity : glob.split("/").length - (base ? base.split("/").length : 0);
  const out: string[] = [];
  const found = isGlob ? walk(start, root, { skipDir: (dir) => skipDir(base ? `${base}/${dir}` : dir), maxDepth: depth, strict: false }) : isFile(path.join(root, glob)) ? [""] : [];
  for (const relative of found) {
    const fromRoot = isGlob ? (base ? `${base}/${relative}` : relative) : glob;
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
 * Every regular file below `dir` (following links that stay inside `root`), relative to it with
 * `/` separators. `skipDir` prunes folders by their relative path. A link that leaves `root`, or
 * a folder link back to a folder being walked (a loop), is an error naming it.
 */
export function walkFiles(dir: string, root: string, skipDir: (relative: string) => boolean = () => false): string[] {
  return walk(dir, root, { skipDir, maxDepth: Infinity, strict: true });
}

interface WalkOptions {
  skipDir: (relative: string) => boolean;
  /** How many folder levels to read (1: only `dir` itself). */
  maxDepth: number;
  /** Links out of the root and link loops: errors (strict), or not followed (a search). */
  strict: boolean;
}

function walk(dir: string, root: string, options: WalkOptions): string[] {
  const realRoot = realpathSync(root);
  const shown = (relative: string) => path.relative(root, path.join(dir, relative)).split(path.sep).join("/");
  const out: string[] = [];
  const walked = new Map<string, string>();
  const visit = (relative: string, chain: string[]) => {
    let names: string[];
    try {
      names = readdirSync(path.join(dir, relative));
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const child = relative ? `${relative}/${name}` : name;
      const absolute = path.join(dir, child);
      let real = absolute;
      try {
        if (lstatSync(absolute).isSymbolicLink()) real = realpathSync(absolute);
      } catch {
        continue; // a dangling link: nothing to copy
      }
      const outside = real !== absolute && !isInside(realRoot, real);
      if (outside && options.strict) {
        fail(`${shown(child)} is a link to ${real}, outside the project ${root}; binwheel copies only files inside the project. Remove the link or copy the file in.`);
      }
      const stat = statSync(real);
      if (stat.isDirectory()) {
        // A cache (any tool's, marked by CACHEDIR.TAG) inside the project is never packaged.
        if (outside || chain.length >= options.maxDepth || options.skipDir(child) || existsSync(path.join(real, "CACHEDIR.TAG"))) continue;
        const realDir = realpathSync(real);
        if (chain.includes(realDir)) {
          if (options.strict) fail(`${shown(child)} is a link to a folder that contains it (a link loop); remove the link.`);
          continue;
        }
        // Folders reached again through links would be copied again, and links to links grow
        // the copies exponentially: each folder is walked once.
        const earlier = walked.get(realDir);
        if (earlier !== undefined) {
          if (options.strict) fail(`${shown(child)} and ${shown(earlier)} are one folder (through a link); binwheel would copy it twice. Remove the link.`);
          continue;
        }
        walked.set(realDir, child);
        visit(child, [...chain, realDir]);
      } else if (stat.isFile()) {
        out.push(child);
      }
    }
  };
  let start: string;
  try {
    start = realpathSync(dir);
  } catch {
    return out;
  }
  visit("", [start]);
  return out;
}
