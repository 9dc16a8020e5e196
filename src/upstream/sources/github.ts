// `github = "owner/repo"`: the upstream release on GitHub, found by tag through the API (Octokit,
// also used to publish the SDK's own releases), its asset and checksum files picked by name and
// downloaded through their API URLs (which work for private repositories). The token goes to the
// API's origin only, never to the storage host the download is redirected to.
import type { UpstreamSource } from "../../config/upstream.js";
import { fail } from "../../errors.js";
import type { TargetPlan } from "../../plan/target-plan.js";
import type { Octokit } from "@octokit/rest";
import { makeFetch, timeoutSeconds } from "../http/fetch.js";
import { apiCall, githubAccess, makeOctokit, type GitHubAccess } from "../http/github-api.js";
import { checksumFileNames, hashFromDigest } from "../trust/checksums.js";
import { missingAsset, missingChecksumFile, type ReleaseListing, type Source } from "./source.js";
import { sourceId } from "../../config/lock.js";

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  /** The asset's API URL (downloads go through it). */
  url: string;
  updated_at?: string;
  /** "sha256:<hex>" on assets uploaded since mid-2025; null or missing before. */
  digest?: string | null;
}

/** `github = "owner/repo"`: the release tagged `plan.releaseTag`, its asset and checksum files by name. */
export function githubSource(plan: TargetPlan, env: NodeJS.ProcessEnv): Source {
  const { owner, repo } = plan.upstream.source as Extract<UpstreamSource, { kind: "github" }>;
  const access = githubAccess(env);
  const api = new URL(access.apiUrl);
  const where = `${owner}/${repo} ${plan.releaseTag}`;
  const privateHint = privateRepositoryHint(access);
  return {
    key: { host: api.host, source: sourceId(plan.upstream), tag: plan.releaseTag, asset: plan.assetName },
    where,
    policy: {
      service: "GitHub",
      // Downloads go through the asset's API URL (which works for private repositories) and are
      // redirected to a storage host: the token goes to the API's origin only.
      headers: (url) => ({ accept: "application/octet-stream", ...(access.token && url.origin === api.origin && { authorization: `token ${access.token}` }) }),
      ...(api.protocol === "http:" && { httpOrigins: [api.origin] }),
      api,
      ...(!access.token && { tokenAdvice: "Set GH_TOKEN or GITHUB_TOKEN to raise the limit from 60 to 5000 requests an hour." }),
      advice: (status) => (status === 401 || status === 403 || status === 404 ? privateHint : ""),
    },
    async locate(_client, fetchImpl, wants) {
      const octokit = makeOctokit(access, fetchImpl);
      const timeout = () => ({ signal: AbortSignal.timeout(timeoutSeconds(env) * 1000) });
      /** The commit the tag points to: its ref, and for an annotated tag the tag object's target. */
      const tagCommit = async (): Promise<string | undefined> => {
        const action = `find the commit of the tag "${plan.releaseTag}" in ${owner}/${repo}`;
        let object = (await apiCall(access, action, () => octokit.rest.git.getRef({ owner, repo, ref: `tags/${plan.releaseTag}`, request: timeout() }))).data.object;
        for (let depth = 0; object?.type === "tag" && depth < 4; depth++) {
          const sha = object.sha;
          object = (await apiCall(access, action, () => octokit.rest.git.getTag({ owner, repo, tag_sha: sha, request: timeout() }))).data.object;
        }
        return object?.type === "commit" && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(object.sha) ? object.sha : undefined;
      };
      const { data, assets } = await release(octokit, access, owner, repo, plan.releaseTag, timeout, privateHint);
      const asset = assets.find((a) => a.name === plan.assetName) ?? missingAsset(plan, assets.map((a) => a.name));
      const sha256 = hashFromDigest(asset.digest);
      const byName = (name: string) => assets.find((a) => a.name === name);
      const checksumAssets = plan.checksums !== undefined
        ? [byName(plan.checksums) ?? missingChecksumFile(plan, assets.map((a) => a.name))]
        : checksumFileNames(asset.name, assets.map((a) => a.name)).map((n) => byName(n)!);
      const commit = wants?.commit ? await tagCommit() : undefined;
      return {
        ...(commit && { commit }),
        url: asset.url,
        size: asset.size,
        immutable: data.immutable === true,
        identity: { assetId: asset.id, ...(asset.updated_at && { updatedAt: asset.updated_at }) },
        ...(sha256 && { digest: { sha256, source: "GitHub's digest of the asset" } }),
        checksums: checksumAssets.map((a) => ({ name: a.name, label: `the release's ${a.name}`, url: a.url, size: a.size, named: plan.checksums !== undefined })),
      };
    },
  };
}

function privateRepositoryHint(access: GitHubAccess): string {
  return access.tokenSource
    ? `If the repository is private, check that the token in ${access.tokenSource} can read its contents.`
    : "If the repository is private, set GH_TOKEN or GITHUB_TOKEN to a token that can read it.";
}

/**
 * The release tagged `tag` (the latest one when undefined) and its assets, every page of them (the
 * release object embeds only the first hundred).
 */
async function release(octokit: Octokit, access: GitHubAccess, owner: string, repo: string, tag: string | undefined, timeout: () => { signal: AbortSignal }, privateHint: string) {
  const found = tag === undefined
    ? await apiCall(access, `find the latest release of ${owner}/${repo}`,
      () => octokit.rest.repos.getLatestRelease({ owner, repo, request: timeout() }),
      () => `GitHub has no published release in ${owner}/${repo} (drafts and pre-releases are not "latest"). Name one with --tag. ${privateHint}`)
    : await apiCall(access, `find the release tagged "${tag}" in ${owner}/${repo}`,
      () => octokit.rest.repos.getReleaseByTag({ owner, repo, tag, request: timeout() }),
      () => `GitHub has no published release tagged "${tag}" in ${owner}/${repo}. Check [tool.binwheel.upstream] tag and the upstream version ` +
        `(override it with -C upstream-version=<version>). ${privateHint}`);
  const data = found.data as typeof found.data & { immutable?: boolean };
  const where = `${owner}/${repo} ${data.tag_name}`;
  let assets = checkedAssets(data.assets, where);
  if (assets.length >= 100) {
    assets = checkedAssets(await apiCall(access, `list the assets of release "${data.tag_name}" in ${owner}/${repo}`, () =>
      octokit.paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: data.id, per_page: 100, request: timeout() }),
    ), where);
  }
  return { data, assets };
}

/** A release's tag and its assets' names and sizes (binwheel init): the tagged release, else the latest. */
export async function githubReleaseListing(owner: string, repo: string, tag: string | undefined, env: NodeJS.ProcessEnv): Promise<ReleaseListing> {
  const access = githubAccess(env);
  const octokit = makeOctokit(access, await makeFetch(env));
  const timeout = () => ({ signal: AbortSignal.timeout(timeoutSeconds(env) * 1000) });
  const { data, assets } = await release(octokit, access, owner, repo, tag, timeout, privateRepositoryHint(access));
  if (typeof data.tag_name !== "string" || data.tag_name === "") fail(`GitHub's answer for ${owner}/${repo} names no tag; check GITHUB_API_URL.`);
  return { tag: data.tag_name, assets: assets.map((a) => ({ name: a.name, size: a.size, ...(hashFromDigest(a.digest) && { digest: true }) })) };
}

/** The assets a release lists, checked: an answer of another shape is an error, not a crash. */
function checkedAssets(value: unknown, where: string): ReleaseAsset[] {
  const ok = (a: unknown): a is ReleaseAsset => {
    const x = a as Partial<ReleaseAsset> | null;
    return typeof x === "object" && x !== null && typeof x.name === "string" && typeof x.url === "string" && URL.canParse(x.url)
      && Number.isSafeInteger(x.size) && x.size! >= 0 && Number.isSafeInteger(x.id) && (x.digest === undefined || x.digest === null || typeof x.digest === "string");
  };
  if (!Array.isArray(value) || !value.every(ok)) fail(`GitHub's answer for ${where} does not list its assets the way GitHub's API does; check GITHUB_API_URL.`);
  return value;
}
