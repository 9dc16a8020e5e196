// The download cache: blobs named by their verified sha256 (<cache>/sha256/ab/<hex>), an index
// from host/source/tag/asset to a blob (<cache>/index/<sha256 of the key>.json, the key
// inside), and per-asset lock files (<cache>/locks/). The folder carries a CACHEDIR.TAG naming
// binwheel; binwheel never writes into, nor cleans, a non-empty folder without it.
//
// Nothing read from the cache is trusted: each file is opened without following links and
// checked, and one that is a link, not a regular file, unreadable or malformed is reported,
// deleted and fetched again (callers re-hash blobs before use). Writes go to temporary files
// (src/fs/tempfiles.ts) renamed into place, so concurrent builds never see a partial file and a
// killed build's leftovers are swept. Locks are heartbeated, so a dead or foreign holder is
// taken over and a waiter never waits without bound.
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync, type Stats } from "node:fs";
import { open, rename, writeFile, type FileHandle } from "node:fs/promises";
import { homedir, hostname } from "node:os";
import path from "node:path";
import { BinwheelError, describeSystemError, fail } from "../errors.js";
import { info, warn } from "../log.js";
import { NotRegularFile, readRegular, regularStats } from "../fs/regular-file.js";
import { discard, isRunning, isTemporary, sweepTemporaries, temporaryPath } from "../fs/tempfiles.js";

/**
 * What an index entry is for: the host asked, the source there ("github:owner/repo",
 * "gitlab:group/project", "url:https://..."), the release tag ("" for url sources) and the asset.
 * Keys of older binwheels (host/owner/repo/tag/asset) hash to other files, which stay unused.
 */
export interface CacheKey {
  host: string;
  source: string;
  tag: string;
  asset: string;
}

export interface IndexEntry {
  sha256: string;
  size: number;
  /** Known when a SHA-512 was checked (a checksum file that gives only SHA-512). */
  sha512?: string;
  /** GitHub: the asset's id and time, which change when it is replaced. */
  assetId?: number;
  updatedAt?: string;
  immutable?: boolean;
  /** The URL it was downloaded from, and the validators its server gave (for conditional requests). */
  url?: string;
  etag?: string;
  lastModified?: string;
  /**
   * The attestation policy (attestations.ts) this blob's sha256 passed: an attestation is a
   * signed statement about that hash, so it stays true for these bytes and is not asked again.
   */
  attestation?: string;
}

/** BINWHEEL_CACHE_DIR, else the OS's cache folder. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env["BINWHEEL_CACHE_DIR"]) return path.resolve(env["BINWHEEL_CACHE_DIR"]);
  if (process.platform === "win32") return path.join(env["LOCALAPPDATA"] ?? path.join(homedir(), "AppData", "Local"), "binwheel", "Cache");
  if (process.platform === "darwin") return path.join(homedir(), "Library", "Caches", "binwheel");
  return path.join(env["XDG_CACHE_HOME"] || path.join(homedir(), ".cache"), "binwheel");
}

const TAG = "CACHEDIR.TAG";
/** The Cache Directory Tagging Specification's first line (https://bford.info/cachedir/). */
const SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55";
const TAG_TEXT = `${SIGNATURE}\n# This file is a cache directory tag created by binwheel: this folder is binwheel's download cache.\n# For information about cache directory tags, see https://bford.info/cachedir/\n`;
/** src/fs/tempfiles.ts names: a folder holding only these is still empty (another build is tagging it). */
/** What binwheel keeps in its folder (the member cache is `libdeflate*`); `cache clean` removes these only. */
const OURS = (name: string) => ["sha256", "index", "locks", TAG].includes(name) || name.startsWith("libdeflate") || isTemporary(name);

export interface LockTiming {
  /** The holder touches its lock file this often. */
  heartbeatMs: number;
  /** A lock whose heartbeat is older than this is taken over, whoever holds it. */
  staleMs: number;
  /** A waiter gives up after this long behind a live holder. */
  giveUpMs: number;
  /** A waiter says that it waits after this long. */
  tellMs: number;
}
const LOCK_TIMING: LockTiming = { heartbeatMs: 5000, staleMs: 30_000, giveUpMs: 10 * 60_000, tellMs: 3000 };

/** Messages already shown: each problem with the cache folder is told once per process. */
const told = new Set<string>();

export class AssetCache {
  private constructor(readonly dir: string) {}

  /**
   * The cache, or undefined (with one warning) when its folder cannot be used: not creatable, or
   * an existing non-empty folder without binwheel's tag (the project, ~/.cache), which binwheel
   * then never writes into. Sweeps temporary files left by killed builds.
   */
  static open(env: NodeJS.ProcessEnv): AssetCache | undefined {
    const dir = cacheDir(env);
    const named = env["BINWHEEL_CACHE_DIR"] ? `BINWHEEL_CACHE_DIR=${dir}` : `the download cache folder ${dir}`;
    const once = (message: string) => {
      if (!told.has(message)) warn(message);
      told.add(message);
    };
    try {
      mkdirSync(dir, { recursive: true });
      if (!isTagged(dir)) {
        const others = readdirSync(dir).filter((n) => !isTemporary(n)).sort();
        if (others.length > 0) {
          once(
            `${named} already holds files (${others.slice(0, 3).join(", ")}${others.length > 3 ? ", ..." : ""}) and is not marked as binwheel's ` +
              `download cache (it has no CACHEDIR.TAG written by binwheel), so binwheel does not write into it and builds without a cache. Set BINWHEEL_CACHE_DIR to a new or empty folder.`,
          );
          return undefined;
        }
        const temporary = temporaryPath(path.join(dir, TAG));
        try {
          writeFileSync(temporary, TAG_TEXT, { flag: "wx" });
          renameSync(temporary, path.join(dir, TAG));
        } finally {
          discard(temporary);
        }
      }
      const cache = new AssetCache(dir);
      for (const folder of ["sha256", "index", "locks"]) cache.folder(folder);
      cache.sweep();
      return cache;
    } catch (e) {
      once(`cannot use the download cache in ${dir} (${(e as Error).message}); downloading without it. Set BINWHEEL_CACHE_DIR to a writable folder.`);
      return undefined;
    }
  }

  blob(sha256: string): string {
    return path.join(this.dir, "sha256", sha256.slice(0, 2), sha256);
  }

  /** Whether the blob is present and sound (a regular, readable file of `size` bytes if given); a damaged one is deleted. */
  hasBlob(sha256: string, size?: number): boolean {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return false;
    const folder = path.join(this.dir, "sha256", sha256.slice(0, 2));
    const st = lstatOrUndefined(folder);
    if (st && !st.isDirectory()) {
      this.evict(folder, st.isSymbolicLink() ? "is a symbolic link, not a folder" : "is not a folder");
      return false;
    }
    const file = this.blob(sha256);
    try {
      const stats = regularStats(file);
      if (!stats) return false;
      if (size !== undefined && stats.size !== size) throw new NotRegularFile(file, `has ${stats.size} bytes where the index says ${size}`);
      return true;
    } catch (e) {
      if (!(e instanceof NotRegularFile)) throw e;
      this.evict(file, e.why);
      return false;
    }
  }

  /** The index entry for `key` whose blob is present and sound, if any; a damaged entry is deleted. */
  entry(key: CacheKey): IndexEntry | undefined {
    const file = this.indexFile(key);
    try {
      const data = readRegular(file, 64 << 10);
      if (!data) return undefined;
      const entry = parseIndexEntry(data.toString("utf8"), key);
      if (typeof entry === "string") throw new NotRegularFile(file, entry);
      return this.hasBlob(entry.sha256, entry.size) ? entry : undefined;
    } catch (e) {
      if (!(e instanceof NotRegularFile)) throw e;
      this.evict(file, e.why);
      return undefined;
    }
  }

  async record(key: CacheKey, entry: IndexEntry): Promise<void> {
    const file = this.indexFile(key);
    const temporary = temporaryPath(file);
    try {
      await writeFile(temporary, JSON.stringify({ key, ...entry }, null, 1), { flag: "wx" });
      await rename(temporary, file);
    } finally {
      discard(temporary);
    }
  }

  /** A fresh temporary path beside the blobs (same file system, so adopt() is a rename); the caller discards it. */
  temporary(): string {
    return temporaryPath(path.join(this.dir, "sha256", "download"));
  }

  /** Moves a verified download into place under its hash; returns the blob's path. */
  async adopt(temporary: string, sha256: string): Promise<string> {
    const target = this.blob(sha256);
    this.folder("sha256", sha256.slice(0, 2));
    try {
      await rename(temporary, target);
    } catch (e) {
      // Windows refuses to replace a file another process holds open: the other copy is as good.
      if (!this.hasBlob(sha256)) throw e;
    }
    return target;
  }

  /** A write failure in the cache (full disk, read-only, permissions) as one paragraph; other errors unchanged. */
  diskError(e: unknown): unknown {
    return diskError(e, `the download cache ${this.dir}`, "BINWHEEL_CACHE_DIR");
  }

  /**
   * Waits until this process alone may download `key`; returns the release function. The holder
   * touches the lock every few seconds. A lock is taken over when its heartbeat is old (a dead
   * process, a reused pid, another host's crash) or, at once, when its holder is a dead process of
   * this host; behind a live holder a waiter gives up after `timing.giveUpMs`.
   */
  async lock(key: CacheKey, timing: LockTiming = LOCK_TIMING): Promise<() => Promise<void>> {
    const file = path.join(this.folder("locks"), `${keyHash(key).slice(0, 32)}.lock`);
    const started = Date.now();
    let waiting = false;
    let seen: { mtimeMs: number; ino: number; since: number } | undefined;
    for (;;) {
      let fh: FileHandle | undefined;
      try {
        fh = await open(file, "wx");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      if (fh) return await holdLock(file, fh, key, timing);

      let holder: Holder | undefined;
      try {
        holder = readHolder(file);
      } catch (e) {
        if (!(e instanceof NotRegularFile)) throw e;
        this.evict(file, e.why);
        continue;
      }
      if (!holder) continue; // released meanwhile
      // The heartbeat's age by the file's time, and by how long this waiter has seen it unchanged (clocks may differ).
      if (!seen || seen.mtimeMs !== holder.mtimeMs || seen.ino !== holder.ino) seen = { mtimeMs: holder.mtimeMs, ino: holder.ino, since: Date.now() };
      const silent = Math.max(Date.now() - holder.mtimeMs, Date.now() - seen.since);
      const who = `pid ${holder.pid ?? "?"} on host ${holder.host ?? "?"}`;
      const dead = holder.host === hostname() && holder.pid !== undefined && !isRunning(holder.pid);
      if (dead || silent > timing.staleMs) {
        const still = lstatOrUndefined(file);
        if (still?.ino === holder.ino && still.mtimeMs === holder.mtimeMs) {
          info(`taking over the download lock ${file} from ${who}: ${dead ? "that process is gone" : `no heartbeat for ${Math.round(silent / 1000)} s`}`);
          rmSync(file, { force: true });
        }
        continue;
      }
      if (!waiting && Date.now() - started > timing.tellMs) {
        info(`waiting for another binwheel process to finish downloading ${key.asset} (${who})`);
        waiting = true;
      }
      if (Date.now() - started > timing.giveUpMs) {
        fail(
          `gave up waiting ${Math.round((Date.now() - started) / 1000)} s for the download lock ${file}: ${who} holds it to download ${key.asset} and is still alive ` +
            `(its last heartbeat was ${Math.round(silent / 1000)} s ago). If that build is stuck, stop it; if no binwheel runs there, delete ${file}; or set BINWHEEL_CACHE_DIR to another folder.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 100));
    }
  }

  private indexFile(key: CacheKey): string {
    return path.join(this.dir, "index", `${keyHash(key)}.json`);
  }

  /** `<cache>/<parts>` as a real folder: a link or file in its place is reported and replaced. */
  private folder(...parts: string[]): string {
    const dir = path.join(this.dir, ...parts);
    const st = lstatOrUndefined(dir);
    if (st && !st.isDirectory()) this.evict(dir, st.isSymbolicLink() ? "is a symbolic link, not a folder" : "is not a folder");
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Reports a damaged cache file in one line and deletes it (a link is deleted, never its target). */
  private evict(file: string, problem: string): void {
    try {
      rmSync(file, { force: true, recursive: true });
      warn(`the download cache's ${file} ${problem}; deleted it, it will be fetched again.`);
    } catch (e) {
      warn(`the download cache's ${file} ${problem}, and binwheel cannot delete it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); delete it by hand.`);
    }
  }

  /** Removes what killed builds left: temporary files, and the `.download-<pid>-*.tmp` of older binwheels. */
  private sweep(): void {
    for (const folder of ["", "sha256", "index"]) sweepTemporaries(path.join(this.dir, folder));
    const sha256 = path.join(this.dir, "sha256");
    for (const name of readdirSync(sha256)) {
      const m = /^\.download-(\d+)-[0-9a-f]+\.tmp$/.exec(name);
      const file = path.join(sha256, name);
      const old = () => Date.now() - (lstatOrUndefined(file)?.mtimeMs ?? Date.now()) > 24 * 3600 * 1000;
      if (m && (!isRunning(Number(m[1])) || old())) rmSync(file, { force: true });
    }
  }
}

/**
 * `binwheel cache clean`: removes binwheel's entries from `dir` (only if it carries binwheel's
 * tag), then the folder if nothing else is in it. Returns what was left; an untagged folder is an
 * error and nothing is deleted.
 */
export function cleanCache(dir: string): { removed: boolean; left: string[] } {
  const st = lstatOrUndefined(dir);
  if (!st) return { removed: false, left: [] };
  if (!isTagged(dir)) {
    fail(
      `${dir} is not marked as binwheel's download cache (it has no CACHEDIR.TAG written by binwheel), so binwheel cache clean deleted nothing. ` +
        "Check BINWHEEL_CACHE_DIR (binwheel cache dir prints the folder); delete the folder by hand if it really is a cache.",
    );
  }
  for (const name of readdirSync(dir)) {
    if (OURS(name) && name !== TAG) rmSync(path.join(dir, name), { recursive: true, force: true });
  }
  rmSync(path.join(dir, TAG), { force: true });
  const left = readdirSync(dir).sort();
  if (left.length === 0 && st.isDirectory()) rmdirSync(dir);
  return { removed: left.length === 0, left };
}

/** A write failure (full disk, quota, read-only, permissions, I/O) in `place` as one paragraph; other errors unchanged. */
export function diskError(e: unknown, place: string, setting: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO"].includes(code)) return e;
  return new BinwheelError(`binwheel cannot write to ${place}: ${describeSystemError(e as NodeJS.ErrnoException)} Or set ${setting} to a folder on another disk. (Not retried: this is not a network problem.)`);
}

interface Holder {
  pid?: number;
  host?: string;
  mtimeMs: number;
  ino: number;
}

/** Holds the lock in `fh` (just created): writes who holds it, touches it until released. */
async function holdLock(file: string, fh: FileHandle, key: CacheKey, timing: LockTiming): Promise<() => Promise<void>> {
  const heartbeat = setInterval(() => {
    const now = new Date();
    void fh.utimes(now, now).catch(() => {});
  }, timing.heartbeatMs);
  heartbeat.unref();
  const release = async () => {
    clearInterval(heartbeat);
    try {
      // Remove the lock only if it is still this one (a waiter may have taken it over after a long pause).
      const mine = (await fh.stat()).ino;
      if (lstatOrUndefined(file)?.ino === mine) rmSync(file, { force: true });
    } finally {
      await fh.close().catch(() => {});
    }
  };
  try {
    await fh.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), asset: key.asset }));
  } catch (e) {
    await release();
    throw e;
  }
  return release;
}

/** The lock's holder; undefined when the lock is gone. Its content may be partial while written. */
function readHolder(file: string): Holder | undefined {
  const st = regularStats(file);
  if (!st) return undefined;
  let content: { pid?: unknown; host?: unknown } = {};
  try {
    content = JSON.parse(readRegular(file, 4096)?.toString("utf8") ?? "{}") as typeof content;
  } catch {
    // being written right now; its age decides
  }
  return {
    ...(Number.isSafeInteger(content.pid) && { pid: content.pid as number }),
    ...(typeof content.host === "string" && { host: content.host }),
    mtimeMs: st.mtimeMs,
    ino: st.ino,
  };
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw e;
  }
}

/** Whether `dir` holds binwheel's CACHEDIR.TAG (a regular file, the signature first, binwheel named). */
function isTagged(dir: string): boolean {
  try {
    const text = readRegular(path.join(dir, TAG), 4096)?.toString("utf8") ?? "";
    return text.startsWith(SIGNATURE) && text.includes("binwheel");
  } catch (e) {
    if (e instanceof NotRegularFile) return false;
    throw e;
  }
}

/** An index entry from its file's text, or what is wrong with it. */
function parseIndexEntry(text: string, key: CacheKey): IndexEntry | string {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return "is not valid JSON";
  }
  if (typeof data !== "object" || data === null) return "is not an index entry";
  const stored = data["key"] as Record<string, unknown> | undefined;
  if (!stored || (Object.keys(key) as (keyof CacheKey)[]).some((k) => stored[k] !== key[k])) return "belongs to another asset than its name says";
  const { sha256, size, sha512, assetId, updatedAt, immutable, url, etag, lastModified, attestation } = data;
  if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) return "has no valid sha256";
  if (!Number.isSafeInteger(size) || (size as number) < 0) return "has no valid size";
  const strings = { updatedAt, url, etag, lastModified, attestation };
  if (
    (sha512 !== undefined && (typeof sha512 !== "string" || !/^[0-9a-f]{128}$/.test(sha512))) ||
    (assetId !== undefined && !Number.isSafeInteger(assetId)) || (immutable !== undefined && typeof immutable !== "boolean") ||
    Object.values(strings).some((v) => v !== undefined && typeof v !== "string")
  ) {
    return "has a malformed field";
  }
  return {
    sha256,
    size: size as number,
    ...(sha512 !== undefined && { sha512: sha512 as string }),
    ...(assetId !== undefined && { assetId: assetId as number }),
    ...(immutable !== undefined && { immutable: immutable as boolean }),
    ...(Object.fromEntries(Object.entries(strings).filter(([, v]) => v !== undefined)) as Pick<IndexEntry, "updatedAt" | "url" | "etag" | "lastModified" | "attestation">),
  };
}

function keyHash(key: CacheKey): string {
  return createHash("sha256").update(JSON.stringify([key.host, key.source, key.tag, key.asset])).digest("hex");
}

