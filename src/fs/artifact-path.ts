// The one gate every path inside a wheel, an sdist or an editable install passes, after all
// placeholders are filled: relative, "/"-separated, no empty, "." or ".." segment, no control
// characters, no VCS folder, and unique within the artifact once case is folded and Unicode is
// normalized (macOS and Windows file systems would make two such entries one file). Paths an
// installer treats specially (a top-level .dist-info or .data folder, a top-level .pth file, which
// Python runs at start-up) are reserved for what binwheel itself writes.
import { fail } from "../errors.js";

/**
 * Characters no path may hold: C0 and C1 controls and DEL (Python's str.splitlines breaks lines
 * at \x1c-\x1e, \x85, U+2028 and U+2029 too, so pip would read one RECORD row as two), and the
 * bidirectional controls that make a name display as another.
 */
export const UNSAFE_CHARACTERS = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Why `p` cannot be a path inside an artifact, or undefined when it can. */
export function pathProblem(p: string): string | undefined {
  if (p === "") return "is empty";
  const unsafe = UNSAFE_CHARACTERS.exec(p);
  if (unsafe) return `holds the control character U+${unsafe[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  if (p.includes("\\")) return 'holds a "\\" (paths inside artifacts use "/")';
  if (p.startsWith("/") || /^[A-Za-z]:/.test(p)) return "is absolute";
  for (const segment of p.split("/")) {
    if (segment === "") return 'has an empty segment ("//" or a "/" at either end)';
    if (segment === "." || segment === "..") return `has a "${segment}" segment`;
    if (/^\.(git|hg|svn)$/i.test(segment)) return `goes into a version-control folder ("${segment}")`;
    // Windows drops a trailing dot or space ("tool.exe." is tool.exe) and reads ":" as a stream.
    if (/[. ]$/.test(segment)) return `has a segment ending in "${segment.slice(-1)}", which Windows drops`;
    if (segment.includes(":")) return 'holds a ":" (Windows reads it as a drive or a data stream)';
  }
  return undefined;
}

/** A name Windows reserves for a device (CON, aux.dll, COM1.txt...): no file can have it there. */
export function isWindowsDeviceName(segment: string): boolean {
  return /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i.test(segment);
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
  /** Keys of the folders the paths so far make, each with a path that makes it. */
  private readonly folders = new Map<string, { path: string; origin: string }>();

  /** `windows`: the artifact is installed on Windows, whose device names (CON, aux...) no file may take. */
  constructor(
    private readonly artifact: string,
    private readonly windows = false,
  ) {}

  /** `ownedByBinwheel` allows the reserved wheel paths (binwheel's own metadata). */
  add(p: string, origin: string, ownedByBinwheel = false): void {
    const problem = pathProblem(p) ?? (this.windows && p.split("/").some(isWindowsDeviceName) ? "uses a name Windows reserves for a device (CON, AUX, NUL, COM1...)" : undefined);
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
    // A file where another path needs a folder, or the reverse: one of them cannot be written.
    const folder = this.folders.get(key);
    const parts = p.split("/");
    const parent = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/")).find((prefix) => this.byKey.has(collisionKey(prefix)));
    const other = folder ?? (parent !== undefined ? this.byKey.get(collisionKey(parent)) : undefined);
    if (other) fail(`${origin} would go to "${printable(p)}" in ${this.artifact}, but ${other.origin} needs "${printable(other.path)}", and one path cannot be both a file and a folder. Make them go to different places.`);
    this.byKey.set(key, { path: p, origin });
    for (let i = 1; i < parts.length; i++) this.folders.set(collisionKey(parts.slice(0, i).join("/")), { path: p, origin });
  }
}

/** Text from outside as messages show it: control characters escaped, so they cannot forge output. */
export function printable(p: string): string {
  return p.replace(new RegExp(UNSAFE_CHARACTERS.source, "g"), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
