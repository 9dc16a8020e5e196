// User-facing failures. A BinwheelError carries one paragraph that says what failed, which key,
// file or asset is involved and what to do about it; the entry point prints it without a stack
// trace (unless BINWHEEL_DEBUG=1). Anything else that escapes is a bug in binwheel. What is shown
// passes redact(): no URL's login, query or fragment, no registered secret.

export class BinwheelError extends Error {
  override readonly name = "BinwheelError";
}

/** A mistake in the command line itself (an unknown or missing option, a bad value): exit code 2. */
export class UsageError extends BinwheelError {}

/** Throws a UsageError. */
export function usage(message: string): never {
  throw new UsageError(message);
}

/** Throws a BinwheelError: `fail("...")` reads better than `throw new BinwheelError("...")`. */
export function fail(message: string): never {
  throw new BinwheelError(message);
}

/** The candidate closest to `word` (case aside, at most two edits away), for a "did you mean" hint. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.max(word.length - 1, 1));
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean "x"?` when a candidate is close, else "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hint = closest(word, candidates);
  return hint === undefined ? "" : `; did you mean "${hint}"?`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

const secrets = new Set<string>();

/**
 * Registers a value (a token, a password) that must never appear in anything binwheel prints;
 * `what` names where it came from ("GITLAB_TOKEN"). A value with a control character (a line
 * break inside it) is refused here, where it enters: output is masked line by line, and no
 * server takes such a header anyway.
 */
export function registerSecret(value: string | undefined, what: string): void {
  if (!value) return;
  if (/[\x00-\x1f\x7f]/.test(value)) {
    fail(`${what} holds a control character (a line break or tab inside it); a token or password is one line of printable characters, so binwheel will not use or show it. Set it again without it (check how it was copied there).`);
  }
  if (value.length >= 4) secrets.add(value);
}

/**
 * A URL's parts as redactUrl reads them: the scheme and the slashes before the authority (after
 * "scheme://", or, for the schemes WHATWG URL parsers read so, after "scheme:" and any number of
 * "/" or "\\": "https:///me:pw@host" and "https:me:pw@host" are https://me:pw@host to them),
 * the user part (to the last "@" before the path; a "?" or "#" before that "@" is taken as the
 * password's, which a URL parser would refuse, rather than shown), then host and path.
 */
const URL_PARTS = /^((?:https?|wss?|ftp|file):[/\\]*|[a-z][a-z0-9+.-]*:\/\/)(?:[^/\\]*@)?([^?#]*)/i;

/**
 * A URL as binwheel shows or records it: scheme, host and path, without the user name, password,
 * query or fragment, any of which may be a credential (a login, a signed URL's signature, a
 * `?token=`). The one redaction of URLs: messages, the lock file, the SBOM and every printed line use it.
 */
export function redactUrl(url: string | URL): string {
  // As URL parsers read it: without tabs and line breaks anywhere, or spaces and controls in front.
  const text = (typeof url === "string" ? url : url.href).replace(/[\t\n\r]/g, "").replace(/^[\x00-\x20]+/, "");
  const m = URL_PARTS.exec(text);
  // Not a URL with an authority ("me:pw@host"): whatever runs to an "@" may be a login, too.
  return m ? m[1]! + m[2]! : text.replace(/[?#].*$/s, "").replace(/^[^/]*@/, "");
}

/**
 * URLs inside a message: a scheme as URL_PARTS reads it, a login (to an "@" before any "/": it
 * may hold quotes, "?" or "#"), then anything up to an ASCII space or control character or a quote
 * (a URL parser percent-encodes other spaces: they do not end a URL). A value that may hold a space
 * inside its login goes through redactUrl whole before it is put in a message.
 */
const URLS_IN_TEXT = /(?:\b(?:https?|wss?|ftp|file):[/\\]*|[a-z][a-z0-9+.-]*:\/\/)(?:[^\x00-\x20\x7f/\\@]*@)?[^\x00-\x20\x7f"'<>`]*/gi;

/**
 * `text` as it may be shown: every URL in it through redactUrl (punctuation that ends the
 * sentence kept), then every registered secret replaced with `***`.
 */
export function redact(text: string): string {
  let out = text.replace(URLS_IN_TEXT, (found) => {
    const end = /[)\].,;:!]*$/.exec(found)![0];
    return redactUrl(found.slice(0, found.length - end.length)) + end;
  });
  for (const secret of secrets) out = out.split(secret).join("***");
  return out;
}

/** What a file-system error means for the user, in words, naming the path (for errors with a code). */
export function describeSystemError(err: NodeJS.ErrnoException & { dest?: string }): string {
  const where = err.path ? ` (${err.path}${err.dest ? ` -> ${err.dest}` : ""})` : "";
  switch (err.code) {
    case "ENAMETOOLONG":
      return `a file name is too long for the file system${where}. Use a shorter output folder or shorter names in pyproject.toml.`;
    case "ENOSPC":
    case "EDQUOT":
      return `there is no space left on the device${where}. Free some space and try again.`;
    case "EACCES":
    case "EPERM":
      return `permission was denied${where}. Check that the folder is writable by this user.`;
    case "EROFS":
      return `the file system is read-only${where}. Write to another folder.`;
    case "ENOENT":
      return `a file or folder does not exist${where}. Check the path.`;
    case "EIO":
      return `the device reported an input/output error${where}. Check the disk.`;
    default:
      return `${err.message}. Check that the folder exists and is writable, and that there is free space.`;
  }
}
