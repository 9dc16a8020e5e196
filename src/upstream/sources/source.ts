// Where an upstream asset comes from: one module per host behind one interface. A Source names
// its cache key and its HTTP policy (which headers, hence which credentials, go to which URL)
// without touching the network; `locate` then finds the asset's URL, what the host says about it
// (size, identity, digest) and the checksum files that may cover it. Everything else (the cache,
// offline mode, BINWHEEL_ASSET_DIR, verification, retries, proxies, size bounds, temporary files)
// is shared, in ../asset.ts and ../http/. A new host is a new module and one more case in
// select.ts, which the sources never import. (`path` sources are local files, not a host: see path.ts.)
import { fail } from "../../errors.js";
import type { TargetPlan } from "../../plan/target-plan.js";
import type { CacheKey, IndexEntry } from "../cache.js";
import type { Client, Fetch, HttpPolicy } from "../http/fetch.js";
import type { ExpectedHash } from "../../fs/hash.js";

export interface ChecksumFile {
  /** Its file name (a bare hash in `<asset>.sha256` is trusted by it). */
  name: string;
  /** How messages name it: "the release's SHA256SUMS", "https://example.com/v1/SHA256SUMS". */
  label: string;
  url: string;
  /** The size the host's metadata gives, if any. */
  size?: number;
  /** Named by `checksums`: it must cover the asset (found files that do not are skipped). */
  named: boolean;
}

export interface LocatedAsset {
  /** Where the download starts (redirects are followed). */
  url: string;
  /** The size the host's metadata promises, if it does. */
  size?: number;
  /** The release cannot change after publication: a cached copy never goes stale. */
  immutable?: boolean;
  /** Index fields that identify this upload of the asset (GitHub: its id and time). */
  identity?: Pick<IndexEntry, "assetId" | "updatedAt">;
  /** A hash the host publishes with the asset (GitHub's digest). */
  digest?: ExpectedHash;
  /** Checksum files that may cover the asset, most specific first. */
  checksums: ChecksumFile[];
  /** The commit the release's tag points to, when the host says (asked for by `binwheel lock`). */
  commit?: string;
}

export interface Source {
  /** The download cache's key for the plan's asset. */
  key: CacheKey;
  /** The release or URL in messages: "toondb/toondb v0.3.2", "https://example.com/v1/tool.tar.gz". */
  where: string;
  policy: HttpPolicy;
  /** Finds the asset on its host (the one step that asks the network, besides the download); `commit` asks for the tag's commit too. */
  locate(client: Client, fetchImpl: Fetch, wants?: { commit?: boolean }): Promise<LocatedAsset>;
}

/** A release's tag and assets, as `binwheel init` reads them to write a configuration. */
export interface ReleaseListing {
  tag: string;
  assets: { name: string; size?: number; digest?: boolean }[];
}

/** The release has no asset of the plan's name: says which setting gave the name and what there is. */
export function missingAsset(plan: TargetPlan, names: string[]): never {
  const { upstream } = plan;
  const triple = plan.target.triple;
  const sorted = [...names].sort();
  fail(
    `release "${plan.releaseTag}" of ${upstream.name} has no asset named "${plan.assetName}" (from [tool.binwheel.upstream] ` +
      `${upstream.assets.has(triple) ? `assets."${triple}"` : "asset"} = "${upstream.assets.get(triple) ?? upstream.asset}"). ` +
      (sorted.length ? `Its assets are: ${sorted.join(", ")}.` : "It has no assets at all.") +
      " Fix the asset template, or check that upstream published this target.",
  );
}

/** The release has no checksum file of the name `checksums` gives. */
export function missingChecksumFile(plan: TargetPlan, names: string[]): never {
  fail(
    `release "${plan.releaseTag}" of ${plan.upstream.name} has no file named "${plan.checksums}" (from [tool.binwheel.upstream] checksums = "${plan.upstream.checksums}"). ` +
      `Its assets are: ${[...names].sort().join(", ") || "none"}. Fix the checksums setting, or remove it to use the checksum files the release has.`,
  );
}
