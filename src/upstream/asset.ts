// The upstream asset of one target, as a verified file on disk: a local path source (sources/path.ts),
// from BINWHEEL_ASSET_DIR (air-gapped builds), from the download cache, or downloaded from its
// source (sources/: GitHub, GitLab, any URL) and checked against the best hash known (a pin, the
// host's digest, a checksum file) before anything uses or caches it. A hash that is known names
// the blob: a cached blob with that hash is used without downloading anything. A file from the
// cache says so (`cached`): the caller re-hashes it while reading, and deleting a blob that fails
// makes the next call download it again. With [tool.binwheel.upstream] attestations, the verified
// hash must also pass the attestation check (trust/attestations.ts) before the asset is cached or used;
// the index entry records the policy it passed, so a warm build does not ask GitHub again.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fail } from "../errors.js";
import { detail, info, warn } from "../log.js";
import type { TargetPlan } from "../plan/target-plan.js";
import { NotRegularFile, readRegular, regularStats } from "../fs/regular-file.js";
import { discard } from "../fs/tempfiles.js";
import { attestationCheck } from "./trust/attestations.js";
import { AssetCache, diskError, type IndexEntry } from "./cache.js";
import { Client, NetworkError, makeFetch, type SizePromise } from "./http/fetch.js";
import { CHECKSUM_FILE_LIMIT, checksumFileNames, checksumText, hashesFromChecksumFile } from "./trust/checksums.js";
import { agrees, algorithmsFor, checkHash, hashFile, type ExpectedHash } from "../fs/hash.js";
import { localAsset } from "./sources/path.js";
import { downloadProgress } from "./progress.js";
import { openSource } from "./sources/select.js";
import type { LocatedAsset } from "./sources/source.js";

export interface AssetOptions {
  offline: boolean;
}

export interface FetchedAsset {
  file: string;
  /** The asset's sha256 (hex): its identity for the member cache ("" for a folder, which is never cached). */
  sha256: string;
  /** From the download cache (not verified by this call): re-hash it before trusting it. */
  cached: boolean;
  /** A local folder (a path source): its contents are the layout. */
  folder?: boolean;
}

/** The plan's asset, verified; `scratch` holds downloads when there is no cache; `root` is the project's (path sources). */
export async function fetchUpstreamAsset(plan: TargetPlan, scratch: string, env: NodeJS.ProcessEnv, options: AssetOptions, root: string): Promise<FetchedAsset> {
  try {
    return await obtain(plan, scratch, env, options, root);
  } catch (e) {
    if (!(e instanceof NetworkError)) throw e;
    throw new NetworkError(`${e.message} ${withoutNetwork(plan, env)}`);
  }
}

/** After a network failure: the cached copy, if there is one (offline mode), else BINWHEEL_ASSET_DIR. */
function withoutNetwork(plan: TargetPlan, env: NodeJS.ProcessEnv): string {
  const cache = AssetCache.open(env);
  const entry = cache?.entry(openSource(plan, env).key);
  if (entry && cache!.hasBlob(entry.sha256)) {
    return `The download cache has ${plan.assetName} from an earlier build: --offline (-C offline=true, BINWHEEL_OFFLINE=1) builds with it without the network.`;
  }
  return `To build without the network, download ${plan.assetName} another way into a folder and point BINWHEEL_ASSET_DIR at it.`;
}

async function obtain(plan: TargetPlan, scratch: string, env: NodeJS.ProcessEnv, options: AssetOptions, root: string): Promise<FetchedAsset> {
  const { pin } = plan;
  if (plan.upstream.source.kind === "path") return localAsset(plan, root, pin);
  const attestation = attestationCheck(plan.upstream, plan.releaseTag, plan.assetName, env, options.offline);
  if (env["BINWHEEL_ASSET_DIR"]) {
    const dir = path.resolve(env["BINWHEEL_ASSET_DIR"]);
    const found = await fromAssetDir(dir, plan, pin);
    await attestation?.check(found.sha256, dir);
    return found;
  }

  const source = openSource(plan, env);
  const { key, where } = source;
  const cache = AssetCache.open(env);
  /** The index entry's attestation field for `sha256`: kept when `known` passed this policy, else checked now (throws on failure). */
  const attest = async (sha256: string, known?: IndexEntry): Promise<Pick<IndexEntry, "attestation">> => {
    if (!attestation) return {};
    if (known?.sha256 === sha256 && known.attestation === attestation.id) return { attestation: attestation.id };
    return (await attestation.check(sha256)) ? { attestation: attestation.id } : {};
  };
  /** A cached blob, once its attestation (if any is configured) has passed; a new pass is recorded. */
  const use = async (sha256: string, known?: IndexEntry): Promise<FetchedAsset> => {
    const fields = await attest(sha256, known);
    const same = known?.sha256 === sha256 ? known : undefined;
    if (fields.attestation && same?.attestation !== fields.attestation) {
      await cache!.record(key, { ...(same ?? { sha256, size: statSync(cache!.blob(sha256)).size }), ...fields }).catch((e: unknown) => {
        throw cache!.diskError(e);
      });
    }
    return cached(cache!, sha256, plan.assetName);
  };
  const entry = cache?.entry(key);
  // A pinned hash names the blob: no need to ask anyone anything (but the attestation, once).
  if (pin?.sha256 && cache?.hasBlob(pin.sha256)) return use(pin.sha256, entry);
  if (entry && agrees(entry, pin) && (entry.immutable || options.offline)) return use(entry.sha256, entry);
  if (options.offline) {
    fail(
      `offline mode is on (-C offline / BINWHEEL_OFFLINE) and ${plan.assetName} (${where}) is not in ${cache ? `the download cache ${cache.dir}` : "a download cache (there is none; see the warning above)"}. ` +
        "Build once online to fill the cache, or put the asset in a folder named by BINWHEEL_ASSET_DIR.",
    );
  }

  const fetchImpl = await makeFetch(env);
  const client = new Client(fetchImpl, source.policy, env);
  const remote = await source.locate(client, fetchImpl);
  const current = (e: IndexEntry | undefined): e is IndexEntry =>
    !!e && !!remote.identity && e.size === remote.size && Object.entries(remote.identity).every(([k, v]) => e[k as keyof IndexEntry] === v) &&
    agrees(e, pin) && agrees(e, remote.digest);
  if (cache && current(entry)) return use(entry.sha256, entry);

  let unlock: (() => Promise<void>) | undefined;
  try {
    unlock = await cache?.lock(key);
    // Another build may have downloaded it while this one waited for the lock.
    const now = cache?.entry(key);
    if (cache && current(now)) return await use(now.sha256, now);
    const promised = sizePromise(plan, remote, where);
    const expected = pin ?? remote.digest ?? (await expectedFromChecksumFiles(client, remote, plan.assetName, where));
    if (cache && expected) {
      // The hash names the blob: the same bytes cached under another key (a mirror, an older entry) are as good.
      const known = expected.sha256 && cache.hasBlob(expected.sha256) ? expected.sha256 : now && agrees(now, expected) ? now.sha256 : undefined;
      if (known) {
        const fields = await attest(known, now);
        await cache.record(key, { ...(now?.sha256 === known && now), sha256: known, size: statSync(cache.blob(known)).size, ...indexFields(remote), ...fields });
        return cached(cache, known, plan.assetName);
      }
    }
    const unverified = `no sha256 is known for ${plan.assetName} (${where}): no pin in [tool.binwheel.upstream] sha256, no digest from the host, no checksum file.`;
    if (!expected && plan.upstream.requireChecksum) fail(`${unverified} [tool.binwheel.upstream] require-checksum is on, so the build stops here. Pin the hash, or name a checksum file with checksums.`);
    const file = cache ? cache.temporary() : path.join(scratch, "asset");
    try {
      // Without any hash to go by, ask the server whether the cached copy is still current.
      const conditional = !expected && now?.url === remote.url ? { ...(now.etag && { etag: now.etag }), ...(now.lastModified && { lastModified: now.lastModified }) } : {};
      if (Object.keys(conditional).length) detail(`asking ${where} whether ${plan.assetName} changed since it was cached`);
      else info(`downloading ${plan.assetName}${promised ? ` (${(promised.size / 1048576).toFixed(1)} MiB)` : ""} from ${where}`);
      const progress = downloadProgress(plan.assetName, promised?.size);
      let downloaded;
      try {
        downloaded = await client.download(remote.url, file, {
          name: plan.assetName, where, algorithms: algorithmsFor(expected), ...conditional, onProgress: (bytes, total) => progress.update(bytes, total),
          ...(promised && { promised }),
        });
      } finally {
        progress.stop();
      }
      if (!downloaded) return await use(now!.sha256, now);
      progress.done(downloaded.size);
      if (expected) checkHash(plan.assetName, where, downloaded, expected);
      else warn(`${unverified} It is used unverified; pin it to be safe.`);
      // The hash is right; now who made these bytes, before they are kept or used.
      const fields = await attest(downloaded.sha256);
      if (!cache) return { file, sha256: downloaded.sha256, cached: false };
      const blob = await cache.adopt(file, downloaded.sha256);
      await cache.record(key, {
        sha256: downloaded.sha256, size: downloaded.size, ...(downloaded.sha512 && { sha512: downloaded.sha512 }), ...indexFields(remote),
        ...(downloaded.etag && { etag: downloaded.etag }), ...(downloaded.lastModified && { lastModified: downloaded.lastModified }), ...fields,
      });
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

/**
 * The size the download may not pass, and who promised it: binwheel.lock (whose bytes are the only
 * acceptable ones), else the host's metadata. A host that lists another size than the lock is an
 * error before anything is downloaded.
 */
function sizePromise(plan: TargetPlan, remote: LocatedAsset, where: string): SizePromise | undefined {
  const { locked } = plan;
  const accept = "Find out why it changed; to accept the new bytes, run binwheel lock again.";
  if (locked && remote.size !== undefined && remote.size !== locked.size) {
    fail(
      `binwheel.lock gives ${plan.target.triple}'s asset ${plan.assetName} as ${locked.size} bytes (sha256 ${locked.sha256}), but ${where} lists it at ${remote.size} bytes: ` +
        `upstream changed the asset since it was locked. Nothing was downloaded. ${accept}`,
    );
  }
  if (locked) {
    const broken = `Either upstream changed the asset since it was locked (sha256 ${locked.sha256}), or the server (or a proxy in between) is misbehaving; nothing was cached. ${accept}`;
    return { size: locked.size, by: `binwheel.lock (for ${plan.target.triple})`, broken };
  }
  return remote.size !== undefined ? { size: remote.size, by: "the release" } : undefined;
}

/** What the index records about where the asset came from. */
function indexFields(remote: LocatedAsset): Partial<IndexEntry> {
  return { ...remote.identity, url: remote.url, ...(remote.immutable && { immutable: true }) };
}

function cached(cache: AssetCache, sha256: string, name: string): FetchedAsset {
  detail(`using ${name} from the download cache (${cache.blob(sha256)})`);
  return { file: cache.blob(sha256), sha256, cached: true };
}

/** The first checksum file that covers the asset (a named one must; found ones that do not are skipped). */
async function expectedFromChecksumFiles(client: Client, remote: LocatedAsset, asset: string, where: string): Promise<ExpectedHash | undefined> {
  for (const file of remote.checksums) {
    const bytes = await client.bytes(file.url, { name: file.name, where, limit: CHECKSUM_FILE_LIMIT, ...(file.size !== undefined && { promised: { size: file.size, by: "the release" } }) });
    const found = hashesFromChecksumFile(checksumText(bytes), file, asset);
    if (found) return { ...found, source: file.label };
  }
  return undefined;
}

/**
 * BINWHEEL_ASSET_DIR: the asset by name from a folder, checked against a pin, else the checksum
 * file `checksums` names (its file name, for a URL), else one found beside the asset.
 */
async function fromAssetDir(dir: string, plan: TargetPlan, pin: ExpectedHash | undefined): Promise<FetchedAsset> {
  const place = `BINWHEEL_ASSET_DIR=${dir}`;
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    fail(`${place} is not a readable folder.`);
  }
  // Links are fine in such a folder, but only to regular files: a FIFO or /dev/zero would never end.
  const regular = (name: string) => {
    try {
      return regularStats(path.join(dir, name), { followLinks: true });
    } catch (e) {
      if (e instanceof NotRegularFile) fail(`${place}: ${name} ${e.why}; binwheel reads only regular files there.`);
      throw e;
    }
  };
  if (!regular(plan.assetName)) fail(`${place} has no ${plan.assetName}. It holds: ${names.join(", ") || "nothing"}.`);
  let expected = pin;
  if (!expected) {
    const named = plan.checksums === undefined ? undefined : checksumName(plan.checksums);
    if (named !== undefined && !names.includes(named)) fail(`${place} has no ${named}, the checksum file [tool.binwheel.upstream] checksums names. Put it beside ${plan.assetName}, or remove the setting.`);
    for (const name of named !== undefined ? [named] : checksumFileNames(plan.assetName, names)) {
      if (regular(name)!.size > CHECKSUM_FILE_LIMIT) fail(`the checksum file ${name} in ${place} is larger than ${CHECKSUM_FILE_LIMIT} bytes; it is not a checksum list.`);
      const text = readRegular(path.join(dir, name), CHECKSUM_FILE_LIMIT, { followLinks: true })!;
      const found = hashesFromChecksumFile(checksumText(text), { name, label: `${name} in BINWHEEL_ASSET_DIR`, named: named !== undefined }, plan.assetName);
      if (found) {
        expected = { ...found, source: `${name} in BINWHEEL_ASSET_DIR` };
        break;
      }
    }
  }
  if (!expected) {
    const message = `no sha256 is known for ${plan.assetName} in BINWHEEL_ASSET_DIR (no pin, no checksum file beside it).`;
    if (plan.upstream.requireChecksum) fail(`${message} [tool.binwheel.upstream] require-checksum is on, so the build stops here.`);
    warn(`${message} It is used unverified.`);
  }
  const file = path.join(dir, plan.assetName);
  const hashes = await hashFile(file, algorithmsFor(expected));
  if (expected) checkHash(plan.assetName, place, hashes, expected);
  return { file, sha256: hashes.sha256, cached: false };
}

/** The file name a `checksums` value (a name, or a URL for url sources) points at. */
function checksumName(checksums: string): string {
  const last = checksums.split(/[?#]/)[0]!.split("/").pop() ?? checksums;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

