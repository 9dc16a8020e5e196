// The download cache is untrusted: its folder must be binwheel's (CACHEDIR.TAG) before binwheel
// writes into or cleans it; damaged files (links, non-files, corrupt index entries, changed
// blobs) are reported, deleted and fetched again; leftovers of killed builds are swept; locks of
// dead or foreign holders are taken over and a waiter never waits without bound.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadProject } from "../../src/config/pyproject.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { fetchUpstreamAsset } from "../../src/upstream/asset.js";
import { AssetCache, cleanCache, type CacheKey } from "../../src/upstream/cache.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { TOONDB_PYPROJECT, tempDir, tempProject } from "../support/tmp.js";

const ASSET = "toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz";
const CONTENT = Buffer.from("the x86_64 asset ".repeat(5000));
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55";

let github: GitHubStandIn | undefined;
let stderr: string[] = [];
afterEach(async () => {
  await github?.close();
  github = undefined;
  vi.restoreAllMocks();
});

/** Captures binwheel's messages (stderr) for the rest of the test. */
function captureMessages(): void {
  stderr = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr.push(String(chunk));
    return true;
  });
}
const messages = () => stderr.join("");

async function standIn(options: { asset?: string; immutable?: boolean } = {}) {
  github = await GitHubStandIn.start();
  github.addRelease({ owner: "toondb", repo: "toondb", tag: "v0.3.2", assets: [{ name: options.asset ?? ASSET, data: CONTENT }], ...(options.immutable && { immutable: true }) });
  return github;
}

/** Fetches the x86_64 asset (`asset`: another asset name; `upstream`: more keys for the upstream table). */
async function fetchAsset(env: Record<string, string>, options: { asset?: string; upstream?: string; offline?: boolean } = {}) {
  const asset = options.asset ? `asset = "${options.asset}"` : 'asset = "toondb-{version}-{target}.{archive}"';
  const pyproject = TOONDB_PYPROJECT.replace('asset = "toondb-{version}-{target}.{archive}"', `${asset}\n${options.upstream ?? ""}`);
  const root = tempProject({ "pyproject.toml": pyproject, "toondb/__init__.py": "" });
  const plan = planTarget(loadProject(root), { target: "x86_64-unknown-linux-gnu", offline: false, locked: false, verbose: false }, undefined, {});
  return fetchUpstreamAsset(plan, tempDir(), env, { offline: options.offline ?? false }, root);
}

const storageRequests = () => github!.requests.filter((r) => r.origin === "storage").length;
const blobOf = (cache: string) => path.join(cache, "sha256", sha(CONTENT).slice(0, 2), sha(CONTENT));
const keyOf = (gh: GitHubStandIn, asset = ASSET): CacheKey => ({ host: new URL(gh.apiUrl).host, source: "github:toondb/toondb", tag: "v0.3.2", asset });
const lockOf = (cache: string, key: CacheKey) =>
  path.join(cache, "locks", `${createHash("sha256").update(JSON.stringify([key.host, key.source, key.tag, key.asset])).digest("hex").slice(0, 32)}.lock`);
/** Every path under `dir` with its content (files) or "<dir>", to compare a folder before and after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(e.parentPath, e.name);
    out[path.relative(dir, file)] = e.isDirectory() ? "<dir>" : readFileSync(file, "utf8");
  }
  return out;
}

describe("the cache folder is binwheel's", () => {
  it("is marked with a CACHEDIR.TAG when binwheel creates it (or finds it empty)", async () => {
    const gh = await standIn();
    for (const cache of [path.join(tempDir(), "new", "cache"), tempDir()]) {
      await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache });
      const tag = readFileSync(path.join(cache, "CACHEDIR.TAG"), "utf8");
      expect(tag.split("\n")[0]).toBe(SIGNATURE);
      expect(tag).toMatch(/^# .*binwheel/m);
    }
  });

  it.each([
    ["a project", { "pyproject.toml": "[project]\n", "src/x.py": "" }],
    ["~/.cache", { "pip/http/abc": "pip's", "CACHEDIR.TAG": `${SIGNATURE}\n# pip's tag\n` }],
  ])("is never written into when it is %s: one warning naming BINWHEEL_CACHE_DIR, a build without cache", async (_, files) => {
    const gh = await standIn();
    const folder = tempProject(files);
    const before = snapshot(folder);
    captureMessages();
    for (let i = 0; i < 2; i++) {
      const fetched = await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: folder });
      expect(readFileSync(fetched.file).equals(CONTENT)).toBe(true);
      expect(fetched.file.startsWith(folder)).toBe(false);
    }
    expect(snapshot(folder)).toEqual(before);
    const warnings = messages().split("\n").filter((l) => l.includes("warning"));
    expect(warnings).toEqual([
      expect.stringMatching(new RegExp(`^binwheel: warning: BINWHEEL_CACHE_DIR=${folder} already holds files .* not marked as binwheel's download cache .* Set BINWHEEL_CACHE_DIR to a new or empty folder\\.$`)),
    ]);
  });

  it("clean refuses an unmarked folder and deletes nothing", () => {
    const folder = tempProject({ "pyproject.toml": "[project]\n", "sha256/keep": "mine", "index/x.json": "{}" });
    const before = snapshot(folder);
    expect(() => cleanCache(folder)).toThrow(new RegExp(`^${folder} is not marked as binwheel's download cache .* so binwheel cache clean deleted nothing`));
    expect(snapshot(folder)).toEqual(before);
  });

  it("clean removes binwheel's entries only, then the folder if nothing else is left", async () => {
    const gh = await standIn();
    const cache = path.join(tempDir(), "cache");
    await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache });
    mkdirSync(path.join(cache, "libdeflate1.23-6-1m-v2", "ab"), { recursive: true });
    writeFileSync(path.join(cache, "notes.txt"), "someone else's");
    expect(cleanCache(cache)).toEqual({ removed: false, left: ["notes.txt"] });
    expect(readdirSync(cache)).toEqual(["notes.txt"]);
    // Without the tag it is no longer binwheel's: a second clean deletes nothing.
    expect(() => cleanCache(cache)).toThrow(/deleted nothing/);
    rmSync(path.join(cache, "notes.txt"));
    await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache });
    expect(cleanCache(cache)).toEqual({ removed: true, left: [] });
    expect(() => lstatSync(cache)).toThrow();
  });
});

describe("damaged cache files are named, deleted and fetched again", () => {
  it("a blob that is a symbolic link (its target is left alone)", async () => {
    const gh = await standIn();
    const cache = tempDir();
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache };
    await fetchAsset(env);
    const outside = path.join(tempDir(), "elsewhere");
    writeFileSync(outside, CONTENT);
    rmSync(blobOf(cache));
    symlinkSync(outside, blobOf(cache));
    captureMessages();
    const fetched = await fetchAsset(env);
    expect(messages()).toContain(`binwheel: warning: the download cache's ${blobOf(cache)} is a symbolic link; deleted it, it will be fetched again.\n`);
    expect(fetched).toEqual({ file: blobOf(cache), sha256: sha(CONTENT), cached: false });
    expect(lstatSync(blobOf(cache)).isFile()).toBe(true);
    expect(readFileSync(outside).equals(CONTENT)).toBe(true);
    expect(storageRequests()).toBe(2);
  });

  it("a blob that is a folder, and a blob folder that is a link", async () => {
    const gh = await standIn();
    const cache = tempDir();
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache };
    await fetchAsset(env);
    rmSync(blobOf(cache));
    mkdirSync(blobOf(cache));
    captureMessages();
    await fetchAsset(env);
    expect(messages()).toContain(`${blobOf(cache)} is a folder, not a file; deleted it`);
    const outside = tempProject({ [sha(CONTENT)]: "not the asset" });
    rmSync(path.dirname(blobOf(cache)), { recursive: true });
    symlinkSync(outside, path.dirname(blobOf(cache)));
    expect(readFileSync((await fetchAsset(env)).file).equals(CONTENT)).toBe(true);
    expect(messages()).toContain(`${path.dirname(blobOf(cache))} is a symbolic link, not a folder; deleted it`);
    expect(readFileSync(path.join(outside, sha(CONTENT)), "utf8")).toBe("not the asset");
    expect(storageRequests()).toBe(3);
  });

  it.each([
    ["is not valid JSON", (file: string) => writeFileSync(file, '{"key": {"host"')],
    ["belongs to another asset than its name says", (file: string) => {
      const entry = JSON.parse(readFileSync(file, "utf8"));
      writeFileSync(file, JSON.stringify({ ...entry, key: { ...entry.key, asset: "other.tar.gz" } }));
    }],
    ["has no valid sha256", (file: string) => writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), sha256: "../../../etc/passwd" }))],
    ["is a symbolic link", (file: string) => {
      const outside = path.join(tempDir(), "entry.json");
      writeFileSync(outside, readFileSync(file));
      rmSync(file);
      symlinkSync(outside, file);
    }],
  ])("an index entry that %s", async (problem, damage) => {
    const gh = await standIn();
    const cache = tempDir();
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache };
    await fetchAsset(env);
    const [name] = readdirSync(path.join(cache, "index"));
    damage(path.join(cache, "index", name!));
    captureMessages();
    expect(readFileSync((await fetchAsset(env)).file).equals(CONTENT)).toBe(true);
    const warnings = messages().split("\n").filter((l) => l.includes("warning"));
    expect(warnings).toEqual([`binwheel: warning: the download cache's ${path.join(cache, "index", name!)} ${problem}; deleted it, it will be fetched again.`]);
    expect(lstatSync(path.join(cache, "index", name!)).isFile()).toBe(true);
    await fetchAsset(env);
    // GitHub's digest names the blob, which is still sound: the entry is rebuilt without downloading.
    expect(storageRequests()).toBe(1);
  });

  it.each([
    ["no pin", ""],
    ["a pin (which skips GitHub)", `sha256 = { "x86_64-unknown-linux-gnu" = "${sha(CONTENT)}" }`],
  ])("a blob with one byte changed comes back as cached; once deleted, the next fetch downloads it (%s)", async (_, upstream) => {
    const gh = await standIn({ immutable: true });
    const cache = tempDir();
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache };
    expect((await fetchAsset(env, { upstream })).cached).toBe(false);
    const tampered = Buffer.from(CONTENT);
    tampered[1000] = tampered[1000]! ^ 1;
    writeFileSync(blobOf(cache), tampered);
    // The caller re-hashes what comes from the cache (src/wheel/include.ts), then deletes the blob.
    const suspect = await fetchAsset(env, { upstream });
    expect(suspect).toEqual({ file: blobOf(cache), sha256: sha(CONTENT), cached: true });
    rmSync(suspect.file);
    const again = await fetchAsset(env, { upstream });
    expect(again).toEqual({ file: blobOf(cache), sha256: sha(CONTENT), cached: false });
    expect(readFileSync(again.file).equals(CONTENT)).toBe(true);
    expect(storageRequests()).toBe(2);
    // Offline, a deleted blob is a clear miss, not a broken file.
    rmSync(again.file);
    await expect(fetchAsset(env, { upstream, offline: true })).rejects.toThrow(/offline mode is on .* is not in the download cache/);
  });

  it("an asset name of 300 characters is cached like any other (the index is named by a hash)", async () => {
    const template = `${"x".repeat(270)}-{target}.tar.gz`;
    const long = template.replace("{target}", "x86_64-unknown-linux-gnu");
    expect(long.length).toBe(302);
    const gh = await standIn({ asset: long });
    const cache = tempDir();
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache };
    await fetchAsset(env, { asset: template });
    expect((await fetchAsset(env, { asset: template })).cached).toBe(true);
    expect(storageRequests()).toBe(1);
    expect(readdirSync(path.join(cache, "index"))).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.json$/)]);
  });
});

describe("leftovers of killed builds", () => {
  it("are swept when the cache is opened; a live build's are kept", () => {
    const cache = tempDir();
    const env = { BINWHEEL_CACHE_DIR: cache };
    AssetCache.open(env);
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    const host = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);
    const leftovers = [
      path.join("sha256", `.download.${host}-${dead}-0123abcd.binwheel-tmp`),
      path.join("index", `.${"a".repeat(64)}.json.${host}-${dead}-0123abcd.binwheel-tmp`),
      path.join(`.CACHEDIR.TAG.${host}-${dead}-0123abcd.binwheel-tmp`),
      path.join("sha256", `.download-${dead}-0123456789ab.tmp`), // the name older binwheels used
    ];
    const live = path.join("sha256", `.download.${host}-1-0123abcd.binwheel-tmp`);
    for (const f of [...leftovers, live]) writeFileSync(path.join(cache, f), "partial");
    AssetCache.open(env);
    for (const f of leftovers) expect(() => lstatSync(path.join(cache, f)), f).toThrow();
    expect(lstatSync(path.join(cache, live)).isFile()).toBe(true);
  });
});

describe("download locks", () => {
  it("a lock of a live process that is not binwheel (pid 1), with an old heartbeat, is taken over at once", async () => {
    const gh = await standIn();
    const cache = tempDir();
    AssetCache.open({ BINWHEEL_CACHE_DIR: cache });
    const lock = lockOf(cache, keyOf(gh));
    writeFileSync(lock, JSON.stringify({ pid: 1, host: hostname(), asset: ASSET }));
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    captureMessages();
    const started = Date.now();
    expect(readFileSync((await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache })).file).equals(CONTENT)).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(messages()).toContain(`binwheel: taking over the download lock ${lock} from pid 1 on host ${hostname()}: no heartbeat for 60 s`);
    expect(readdirSync(path.join(cache, "locks"))).toEqual([]);
  });

  it("a fresh lock of a dead process of this host is taken over at once", async () => {
    const gh = await standIn();
    const cache = tempDir();
    AssetCache.open({ BINWHEEL_CACHE_DIR: cache });
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    writeFileSync(lockOf(cache, keyOf(gh)), JSON.stringify({ pid: dead, host: hostname() }));
    captureMessages();
    await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache });
    expect(messages()).toContain(`from pid ${dead} on host ${hostname()}: that process is gone`);
  });

  it("the holder's heartbeat keeps its lock; a waiter gives up after its bound, naming the lock and the holder", async () => {
    const cache = AssetCache.open({ BINWHEEL_CACHE_DIR: tempDir() })!;
    const key: CacheKey = { host: "github.example", source: "github:o/r", tag: "v1", asset: "a.tar.gz" };
    const timing = { heartbeatMs: 50, staleMs: 400, giveUpMs: 1200, tellMs: 0 };
    const release = await cache.lock(key, timing);
    captureMessages();
    await expect(cache.lock(key, timing)).rejects.toThrow(
      new RegExp(`^gave up waiting 1 s for the download lock ${lockOf(cache.dir, key)}: pid ${process.pid} on host ${hostname()} holds it to download a\\.tar\\.gz and is still alive .*delete ${lockOf(cache.dir, key)}`),
    );
    expect(messages()).toContain(`binwheel: waiting for another binwheel process to finish downloading a.tar.gz (pid ${process.pid} on host ${hostname()})`);
    expect(messages()).not.toContain("taking over");
    await release();
    const again = await cache.lock(key, timing);
    await again();
    expect(readdirSync(path.join(cache.dir, "locks"))).toEqual([]);
  });

  it("a lock of another host is taken over once its heartbeat stops", async () => {
    const cache = AssetCache.open({ BINWHEEL_CACHE_DIR: tempDir() })!;
    const key: CacheKey = { host: "github.example", source: "github:o/r", tag: "v1", asset: "a.tar.gz" };
    writeFileSync(lockOf(cache.dir, key), JSON.stringify({ pid: process.pid, host: "another-host" }));
    captureMessages();
    const started = Date.now();
    const release = await cache.lock(key, { heartbeatMs: 50, staleMs: 500, giveUpMs: 5000, tellMs: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(messages()).toMatch(/taking over the download lock .* from pid \d+ on host another-host: no heartbeat for \d+ s/);
    await release();
  });
});
