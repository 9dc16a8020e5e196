// Credentials for `url` sources from a netrc file: NETRC names it, else ~/.netrc (then ~/_netrc),
// as pip (through requests) and curl look for it. Parsed as Python's netrc module does (3.11+):
// `machine NAME`, `default`, `login`/`user`, `password`, `account`, `macdef NAME` (its lines up to
// an empty line are skipped), `#` comments, quoted tokens with backslash escapes; a later entry
// for the same machine replaces an earlier one. Like Python's netrc, binwheel refuses to use a
// password from ~/.netrc when that file is not private to its owner (POSIX), and, like pip, does
// not check a file NETRC names. It is read as other files binwheel trusts but did not write are
// (fs/regular-file.ts): a regular file (a link to one is fine), at most NETRC_LIMIT bytes, never
// blocking, so a FIFO, a device or a folder there is one error naming the file and NETRC, not a
// hang. Nothing from the file is ever printed: a syntax error names the line only, and every
// password is registered as a secret.
import { lstatSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { fail, registerSecret } from "../../errors.js";
import { NotRegularFile, readRegularFile } from "../../fs/regular-file.js";
import { warn } from "../../log.js";

/** The largest netrc file binwheel reads: thousands of entries. */
const NETRC_LIMIT = 1 << 20;

export interface NetrcEntry {
  login: string;
  account: string;
  password: string;
}

export interface Netrc {
  /** Machine names in lower case. */
  machines: Map<string, NetrcEntry>;
  default?: NetrcEntry;
}

/** Parses netrc text; a syntax error throws a NetrcSyntaxError with the line (never the token: it may be a password). */
export function parseNetrc(text: string): Netrc {
  const source = text.replace(/\r\n?/g, "\n");
  let i = 0;
  let line = 1;
  let pushed: string | undefined;
  /** The line the last token started on (errors name it). */
  let at = 1;
  const read = (): string | undefined => {
    const c = source[i++];
    if (c === "\n") line++;
    return c;
  };
  const space = (c: string) => c === " " || c === "\t" || c === "\n";
  const token = (): string => {
    if (pushed !== undefined) {
      const t = pushed;
      pushed = undefined;
      return t;
    }
    let c: string | undefined;
    while ((c = read()) !== undefined && space(c));
    if (c === undefined) return "";
    at = line;
    let t = "";
    if (c === '"') {
      while ((c = read()) !== undefined && c !== '"') t += c === "\\" ? (read() ?? "") : c;
      return t;
    }
    for (;;) {
      t += c === "\\" ? (read() ?? "") : c;
      c = read();
      if (c === undefined || space(c)) return t;
    }
  };
  const skipLine = (): string => {
    const end = source.indexOf("\n", i);
    const rest = source.slice(i, end < 0 ? source.length : end + 1);
    i = end < 0 ? source.length : end + 1;
    if (end >= 0) line++;
    return rest;
  };
  const netrc: Netrc = { machines: new Map() };
  for (;;) {
    const before = line;
    const top = token();
    if (!top) return netrc;
    if (top.startsWith("#")) {
      if (line === before) skipLine();
      continue;
    }
    let name: string | undefined;
    if (top === "machine") name = token();
    else if (top === "default") name = "";
    else if (top === "macdef") {
      token();
      while (!["", "\n"].includes(skipLine()));
      continue;
    } else throw new NetrcSyntaxError(at, "a netrc entry starts with machine, default or macdef");
    if (name === "" && top === "machine") throw new NetrcSyntaxError(at, "machine has no name");
    const entry: NetrcEntry = { login: "", account: "", password: "" };
    for (;;) {
      const start = line;
      const t = token();
      if (t.startsWith("#")) {
        if (line === start) skipLine();
        continue;
      }
      if (["", "machine", "default", "macdef"].includes(t)) {
        pushed = t;
        break;
      }
      if (t === "login" || t === "user") entry.login = token();
      else if (t === "account") entry.account = token();
      else if (t === "password") entry.password = token();
      else throw new NetrcSyntaxError(at, "expected login, password or account");
    }
    if (top === "default") netrc.default = entry;
    else netrc.machines.set(name!.toLowerCase(), entry);
  }
}

export class NetrcSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** The netrc file to read: NETRC (named explicitly), else ~/.netrc, else ~/_netrc; undefined when there is none. Opens nothing. */
export function netrcFile(env: NodeJS.ProcessEnv): { file: string; explicit: boolean } | undefined {
  const named = env["NETRC"]?.trim();
  if (named) return { file: path.resolve(named), explicit: true };
  const home = (process.platform === "win32" ? env["USERPROFILE"] : env["HOME"]) || homedir();
  for (const name of [".netrc", "_netrc"]) {
    const file = path.join(home, name);
    try {
      lstatSync(file);
      return { file, explicit: false };
    } catch {
      // not there: the next name
    }
  }
  return undefined;
}

export interface Credentials {
  login: string;
  password: string;
  /** The netrc file they came from, for messages. */
  file: string;
}

/**
 * A reader of the netrc file for the hosts of one source: the entry for `host` (its `machine`,
 * else the `default` entry when `allowDefault`), read once. A file with a syntax error is
 * ignored with one warning; a ~/.netrc that others can read is an error when its password would be used.
 */
export function netrcReader(env: NodeJS.ProcessEnv): (host: string, allowDefault: boolean) => Credentials | undefined {
  let loaded: { netrc: Netrc; file: string; explicit: boolean; insecure?: string } | null | undefined;
  const load = () => {
    if (loaded !== undefined) return loaded;
    const found = netrcFile(env);
    if (!found) return (loaded = null);
    let read: ReturnType<typeof readRegularFile>;
    try {
      read = readRegularFile(found.file, NETRC_LIMIT, { followLinks: true });
    } catch (e) {
      if (!(e instanceof NotRegularFile)) throw e;
      fail(
        `${found.explicit ? `the netrc file NETRC names, ${found.file},` : `${found.file} (the netrc file binwheel reads when NETRC is not set)`} ${e.why}; ` +
          `binwheel reads logins only from a regular file of at most ${NETRC_LIMIT} bytes. ${found.explicit ? "Set NETRC to your netrc file, or unset it." : "Replace it with a file, or set NETRC to one."}`,
      );
    }
    loaded = null;
    if (!read) return loaded;
    try {
      const stat = read.stats;
      const netrc = parseNetrc(read.data.toString("utf8"));
      // Python's netrc: on POSIX, ~/.netrc must belong to the user and be private to them.
      const insecure =
        found.explicit || process.platform === "win32" || typeof process.getuid !== "function" ? undefined
        : stat.uid !== process.getuid() ? "belongs to another user"
        : (stat.mode & 0o077) !== 0 ? `can be read or written by other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, "0")})`
        : undefined;
      loaded = { netrc, file: found.file, explicit: found.explicit, ...(insecure && { insecure }) };
    } catch (e) {
      if (!(e instanceof NetrcSyntaxError)) throw e;
      warn(`binwheel ignores the netrc file ${found.file}: ${e.message}. Fix the file${found.explicit ? "" : ", or set NETRC to another one"}.`);
    }
    return loaded;
  };
  return (host, allowDefault) => {
    const netrc = load();
    if (!netrc) return undefined;
    const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
    const entry = netrc.netrc.machines.get(bare) ?? (allowDefault ? netrc.netrc.default : undefined);
    const login = entry?.login || entry?.account || "";
    if (!entry || (!login && !entry.password)) return undefined;
    registerSecret(entry.password, `the password for ${bare} in the netrc file ${netrc.file}`);
    if (netrc.insecure && entry.password) {
      fail(
        `${netrc.file} holds a password for ${bare}, but it ${netrc.insecure}, so binwheel will not use it (as Python's netrc and ftp refuse it). ` +
          `Run chmod 600 ${netrc.file} (and make it yours), or set NETRC to a file you trust.`,
      );
    }
    return { login, password: entry.password, file: netrc.file };
  };
}

/** The Authorization header for `credentials`, registered as a secret. */
export function basicAuth(credentials: Credentials): string {
  const encoded = Buffer.from(`${credentials.login}:${credentials.password}`, "utf8").toString("base64");
  registerSecret(encoded, `the netrc login for ${credentials.file}`);
  return `Basic ${encoded}`;
}
