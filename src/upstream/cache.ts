// The download cache: blobs named by their verified sha256 (<cache>/sha256/ab/<hex>) and a small
// index from host/owner/repo/tag/asset to the blob. Every write goes to a temporary file in the
// same folder and is renamed into place, so concurrent builds (cibuildwheel, pip -j) never see a
// partial file; a per-asset lock file makes concurrent builds download each asset once.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir, hostname } from "node:os";
import path from "node:path";
import { info, warn } from "../log.js";

export interface CacheKey {
  host: string;
  owner: string;
  repo: string;
  tag: string;
  asset: string;
}

export interface IndexEntry {
  sha256: string;
  size: number;
  assetId?: number;
  updatedAt?: string;
  immutable?: boolean;
}

/** BINWHEEL_CACHE_DIR, else the OS's cache folder. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env["BINWHEEL_CACHE_DIR"]) return path.resolve(env["BINWHEEL_CACHE_DIR"]);
  if (process.platform === "win32") return path.join(env["LOCALAPPDATA"] ?? path.join(homedir(), "AppData", "Local"), "binwheel", "Cache");
  if (process.platform === "darwin") return path.join(homedir(), "Library", "Caches", "binwheel");
  return path.join(env["XDG_CACHE_HOME"] || path.join(homedir(), ".cache"), "binwheel");
}

const STALE_LOCK_MS = 15 * 60 * 1000;

export class AssetCache {
  private constructor(readonly dir: string) {}

  /** The cache, or undefined (with a warning) when its folder cannot be created. */
  static open(env: NodeJS.ProcessEnv): AssetCache | undefined {
    const dir = cacheDir(env);
    try {
      mkdirSync(path.join(dir, "sha256"), { recursive: true });
      return new AssetCache(dir);
    } catch (e) {
      warn(`cannot use the download cache in ${dir} (${(e as Error).message}); downloading without it. Set BINWHEEL_CACHE_DIR to a writable folder.`);
      return undefined;
    }
  }

  blob(sha256: string): string {
    return path.join(this.dir, "sha256", sha256.slice(0, 2), sha256);
  }

  hasBlob(sha256: string): boolean {
    return existsSync(this.blob(sha256));
  }

  private indexFile(key: CacheKey): string {
    const safe = (s: string) => encodeURIComponent(s);
    return path.join(this.dir, "index", safe(key.host), safe(key.owner), safe(key.repo), safe(key.tag), `${safe(key.asset)}.json`);
  }

  /** The index entry whose blob is present, if any. */
  entry(key: CacheKey): IndexEntry | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.indexFile(key), "utf8")) as IndexEntry;
      return /^[0-9a-f]{64}$/.test(entry.sha256) && this.hasBlob(entry.sha256) ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  async record(key: CacheKey, entry: IndexEntry): Promise<void> {
    await writeAtomically(this.indexFile(key), JSON.stringify(entry, null, 1));
  }

  /** A fresh temporary path beside the blobs (same file system, so adopt() is a rename). */
  temporary(): string {
    return path.join(this.dir, "sha256", `.download-${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
  }

  /** Moves a verified download into place under its hash; returns the blob's path. */
  async adopt(temporary: string, sha256: string): Promise<string> {
    const target = this.blob(sha256);
    mkdirSync(path.dirname(target), { recursive: true });
    try {
      await rename(temporary, target);
    } catch (e) {
      // Windows refuses to replace a file another process holds open: the other copy is as good.
      if (!existsSync(target)) throw e;
      await rm(temporary, { force: true });
    }
    return target;
  }

  /**
   * Waits until this process alone may download `key`; returns the release function. A lock left
   * by a process that died (same host, pid gone) or older than 15 minutes is taken over.
   */
  async lock(key: CacheKey): Promise<() => Promise<void>> {
    const name = createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 32);
    const file = path.join(this.dir, "locks", `${name}.lock`);
    mkdirSync(path.dirname(file), { recursive: true });
    const started = Date.now();
    let told = false;
    for (;;) {
      try {
        const fh = await open(file, "wx");
        await fh.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now() }));
        await fh.close();
        return () => rm(file, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      if (await isStale(file)) {
        await rm(file, { force: true });
        continue;
      }
      if (!told && Date.now() - started > 3000) {
        info(`waiting for another binwheel process to finish downloading ${key.asset}`);
        told = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 100));
    }
  }
}

async function isStale(file: string): Promise<boolean> {
  try {
    const holder = JSON.parse(await readFile(file, "utf8")) as { pid?: number; host?: string; time?: number };
    if (Date.now() - (holder.time ?? 0) > STALE_LOCK_MS) return true;
    if (holder.host === hostname() && holder.pid !== undefined) {
      try {
        process.kill(holder.pid, 0);
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === "ESRCH";
      }
    }
    return false;
  } catch {
    // Being written right now, or just removed: look again shortly, unless it is old.
    try {
      return Date.now() - (await stat(file)).mtimeMs > STALE_LOCK_MS;
    } catch {
      return false;
    }
  }
}

async function writeAtomically(file: string, content: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}
