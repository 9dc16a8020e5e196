// The upstream asset of one target, as a verified file on disk: from BINWHEEL_ASSET_DIR
// (air-gapped builds), from the download cache, or downloaded from GitHub and checked against the
// best hash known (a pin, GitHub's digest, a checksum file in the release) before anything uses or
// caches it. A file from the cache says so (`cached`): the caller re-hashes it while reading, and
// deleting a blob that fails makes the next call download it again.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fail } from "../errors.js";
import { detail, info, warn } from "../log.js";
import type { TargetPlan } from "../target/plan.js";
import { discard } from "../tempfiles.js";
import { AssetCache, diskError, type CacheKey, type IndexEntry } from "./cache.js";
import { GitHubReleases, githubAccess, type Release, type ReleaseAsset } from "./github.js";
import { makeFetch } from "./http.js";
import { checkHash, checksumFileNames, hashFromChecksumFile, hashFromDigest, sha256OfFile, type ExpectedHash } from "./integrity.js";

export interface AssetOptions {
  offline: boolean;
}

export interface FetchedAsset {
  file: string;
  /** The asset's sha256 (hex): its identity for the member cache. */
  sha256: string;
  /** From the download cache (not verified by this call): re-hash it before trusting it. */
  cached: boolean;
}

/** The plan's asset, verified; `scratch` holds downloads when there is no cache. */
export async function fetchUpstreamAsset(plan: TargetPlan, scratch: string, env: NodeJS.ProcessEnv, options: AssetOptions): Promise<FetchedAsset> {
  const { upstream } = plan;
  const where = `${upstream.owner}/${upstream.repo} ${plan.releaseTag}`;
  const pin: ExpectedHash | undefined = plan.pinnedSha256 ? { sha256: plan.pinnedSha256, source: "the pin in [tool.binwheel.upstream] sha256" } : undefined;
  if (env["BINWHEEL_ASSET_DIR"]) return fromAssetDir(path.resolve(env["BINWHEEL_ASSET_DIR"]), plan, pin);

  const access = githubAccess(env);
  const cache = AssetCache.open(env);
  const key: CacheKey = { host: new URL(access.apiUrl).host, owner: upstream.owner, repo: upstream.repo, tag: plan.releaseTag, asset: plan.assetName };
  // A pinned hash names the blob: no need to ask GitHub anything.
  if (pin && cache?.hasBlob(pin.sha256)) return cached(cache, pin.sha256, plan.assetName);
  const entry = cache?.entry(key);
  if (entry && (!pin || entry.sha256 === pin.sha256) && (entry.immutable || options.offline)) return cached(cache!, entry.sha256, plan.assetName);
  if (options.offline) {
    fail(
      `offline mode is on (-C offline / BINWHEEL_OFFLINE) and ${plan.assetName} (${where}) is not in ${cache ? `the download cache ${cache.dir}` : "a download cache (there is none; see the warning above)"}. ` +
        "Build once online to fill the cache, or put the asset in a folder named by BINWHEEL_ASSET_DIR.",
    );
  }

  const github = new GitHubReleases(access, await makeFetch(env), env);
  const release = await github.release(upstream.owner, upstream.repo, plan.releaseTag);
  const asset = release.assets.find((a) => a.name === plan.assetName);
  if (!asset) {
    const names = release.assets.map((a) => a.name).sort();
    fail(
      `release "${plan.releaseTag}" of ${upstream.owner}/${upstream.repo} has no asset named "${plan.assetName}" (from [tool.binwheel.upstream] ` +
        `${upstream.assets.has(plan.target.triple) ? `assets."${plan.target.triple}"` : "asset"} = "${upstream.assets.get(plan.target.triple) ?? upstream.asset}"). ` +
        (names.length ? `Its assets are: ${names.join(", ")}.` : "It has no assets at all.") +
        " Fix the asset template, or check that upstream published this target.",
    );
  }
  const current = (e: IndexEntry | undefined) =>
    e && e.assetId === asset.id && e.size === asset.size && e.updatedAt === asset.updated_at &&
    (!pin || e.sha256 === pin.sha256) && (hashFromDigest(asset.digest) ?? e.sha256) === e.sha256;
  if (cache && current(entry)) return cached(cache, entry!.sha256, plan.assetName);

  let unlock: (() => Promise<void>) | undefined;
  try {
    unlock = await cache?.lock(key);
    // Another build may have downloaded it while this one waited for the lock.
    const now = cache?.entry(key);
    if (cache && current(now)) return cached(cache, now!.sha256, plan.assetName);
    const expected = pin ?? expectedFromDigest(asset) ?? (await expectedFromChecksumFile(github, release, asset, where));
    if (!expected) {
      const message = `no sha256 is known for ${asset.name} (${where}): no pin in [tool.binwheel.upstream] sha256, no digest from GitHub, no checksum file in the release.`;
      if (upstream.requireChecksum) fail(`${message} [tool.binwheel.upstream] require-checksum is on, so the build stops here. Pin the hash.`);
      warn(`${message} It is used unverified; pin it to be safe.`);
    }
    const file = cache ? cache.temporary() : path.join(scratch, "asset");
    try {
      info(`downloading ${asset.name} (${(asset.size / 1048576).toFixed(1)} MiB) from ${where}`);
      const downloaded = await github.download(asset, file, where, progress(asset));
      if (expected) checkHash(asset.name, where, downloaded.sha256, expected);
      if (!cache) return { file, sha256: downloaded.sha256, cached: false };
      const blob = await cache.adopt(file, downloaded.sha256);
      await cache.record(key, { sha256: downloaded.sha256, size: downloaded.size, assetId: asset.id, ...(asset.updated_at && { updatedAt: asset.updated_at }), immutable: release.immutable });
      return { file: blob, sha256: downloaded.sha256, cached: false };
    } finally {
      // Renamed into the cache, or left by a failure: either way no temporary file stays.
      if (cache) discard(file);
    }
  } catch (e) {
    // A full disk (or a read-only one) is said as such, not as a network failure.
    throw cache ? cache.diskError(e) : diskError(e, `the build's temporary folder ${scratch}`, "TMPDIR");
  } finally {
    await unlock?.();
  }
}

function cached(cache: AssetCache, sha256: string, name: string): FetchedAsset {
  detail(`using ${name} from the download cache (${cache.blob(sha256)})`);
  return { file: cache.blob(sha256), sha256, cached: true };
}

function expectedFromDigest(asset: ReleaseAsset): ExpectedHash | undefined {
  const sha256 = hashFromDigest(asset.digest);
  return sha256 ? { sha256, source: "GitHub's digest of the asset" } : undefined;
}

async function expectedFromChecksumFile(github: GitHubReleases, release: Release, asset: ReleaseAsset, where: string): Promise<ExpectedHash | undefined> {
  for (const name of checksumFileNames(asset.name, release.assets.map((a) => a.name))) {
    const file = release.assets.find((a) => a.name === name)!;
    const sha256 = hashFromChecksumFile(await github.text(file, where), name, asset.name);
    if (sha256) return { sha256, source: `the release's ${name}` };
  }
  return undefined;
}

/** A progress line on a terminal, for downloads large enough to wait for. */
function progress(asset: ReleaseAsset): ((bytes: number) => void) | undefined {
  if (!process.stderr.isTTY || asset.size < 8 << 20) return undefined;
  let shown = -1;
  return (bytes) => {
    const percent = Math.floor((bytes / asset.size) * 100);
    if (percent === shown) return;
    shown = percent;
    process.stderr.write(`\rbinwheel: ${asset.name} ${String(percent).padStart(3)}% of ${(asset.size / 1048576).toFixed(1)} MiB${percent === 100 ? "\n" : ""}`);
  };
}

/** BINWHEEL_ASSET_DIR: the asset by name from a folder, checked against a pin or a checksum file there. */
async function fromAssetDir(dir: string, plan: TargetPlan, pin: ExpectedHash | undefined): Promise<FetchedAsset> {
  const file = path.join(dir, plan.assetName);
  if (!existsSync(file)) {
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
    } catch {
      fail(`BINWHEEL_ASSET_DIR=${dir} is not a readable folder.`);
    }
    fail(`BINWHEEL_ASSET_DIR=${dir} has no ${plan.assetName}. It holds: ${names.join(", ") || "nothing"}.`);
  }
  let expected = pin;
  if (!expected) {
    for (const name of checksumFileNames(plan.assetName, readdirSync(dir))) {
      const sha256 = hashFromChecksumFile(readFileSync(path.join(dir, name), "utf8"), name, plan.assetName);
      if (sha256) {
        expected = { sha256, source: `${name} in BINWHEEL_ASSET_DIR` };
        break;
      }
    }
  }
  if (!expected) {
    const message = `no sha256 is known for ${plan.assetName} in BINWHEEL_ASSET_DIR (no pin, no checksum file beside it).`;
    if (plan.upstream.requireChecksum) fail(`${message} [tool.binwheel.upstream] require-checksum is on, so the build stops here.`);
    warn(`${message} It is used unverified.`);
  }
  const sha256 = await sha256OfFile(file);
  if (expected) checkHash(plan.assetName, `BINWHEEL_ASSET_DIR=${dir}`, sha256, expected);
  return { file, sha256, cached: false };
}
