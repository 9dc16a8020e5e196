// The one gate every path inside a wheel, an sdist or an editable install passes, after all
// placeholders are filled: relative, "/"-separated, no empty, "." or ".." segment, no control
// characters, no VCS folder, and unique within the artifact once case is folded and Unicode is
// normalized (macOS and Windows file systems would make two such entries one file). Paths an
// installer treats specially (a top-level .dist-info or .data folder, a top-level .pth file, which
// Python runs at start-up) are reserved for what binwheel itself writes.
import { fail } from "./errors.js";

/** Why `p` cannot be a path inside an artifact, or undefined when it can. */
export function pathProblem(p: string): string | undefined {
  if (p === "") return "is empty";
  const control = /[\x00-\x1f\x7f]/.exec(p);
  if (control) return `holds the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  if (p.includes("\\")) return 'holds a "\\" (paths inside artifacts use "/")';
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) return "is absolute";
  for (const segment of p.split("/")) {
    if (segment === "") return 'has an empty segment ("//" or a "/" at either end)';
    if (segment === "." || segment === "..") return `has a "${segment}" segment`;
    if (/^\.(git|hg|svn)$/i.test(segment)) return `goes into a version-control folder ("${segment}")`;
  }
  return undefined;
}

/** True for paths only binwheel may write in a wheel: <x>.dist-info/, <x>.data/, a top-level .pth. */
export function isReservedInWheel(p: string): boolean {
  const top = p.split("/")[0]!;
  return /\.(dist-info|data)$/i.test(top) || (!p.includes("/") && /\.pth$/i.test(p));
}

/** Two paths with the same key are one file on a case-insensitive or normalizing file system. */
export function collisionKey(p: string): string {
  return p.normalize("NFC").toLowerCase();
}

/**
 * The paths of one artifact, checked as they are added. `artifact` names it in messages ("the
 * wheel foo-1.0-py3-none-any.whl"); each path comes with its origin ("the archive entry
 * top/bin/a (include rule #1)"), so an error names both sides of a collision.
 */
export class ArtifactPaths {
  private readonly byKey = new Map<string, { path: string; origin: string }>();

  constructor(private readonly artifact: string) {}

  /** `ownedByBinwheel` allows the reserved wheel paths (binwheel's own metadata). */
  add(p: string, origin: string, ownedByBinwheel = false): void {
    const problem = pathProblem(p);
    if (problem) fail(`${origin} would go to "${printable(p)}" in ${this.artifact}, which ${problem}. Change the setting or file that produces it.`);
    if (!ownedByBinwheel && isReservedInWheel(p)) {
      fail(`${origin} would go to "${p}" in ${this.artifact}: a top-level .dist-info or .data folder, or a .pth file, is read by installers and Python itself, so only binwheel writes there. Send it into a package folder.`);
    }
    const key = collisionKey(p);
    const earlier = this.byKey.get(key);
    if (earlier) {
      const same = earlier.path === p ? "the same path" : "paths that differ only in case or Unicode normalization, one file on macOS and Windows";
      fail(`${origin} and ${earlier.origin} would both go to ${this.artifact} as "${printable(earlier.path)}" and "${printable(p)}" (${same}). Make them go to different places.`);
    }
    this.byKey.set(key, { path: p, origin });
  }
}

/** A path as messages show it: control characters escaped, so they cannot forge output. */
export function printable(p: string): string {
  return p.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
