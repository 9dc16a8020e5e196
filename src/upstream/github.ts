// The upstream release on GitHub: find it by tag, pick the asset by name, stream it to disk
// through the asset API URL (works for private repositories; the token is not forwarded on the
// redirect to the storage host because fetch drops Authorization on cross-origin redirects).
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { ReadableStream } from "node:stream/web";
import { Octokit } from "@octokit/rest";
import { BinwheelError, fail, registerSecret } from "../errors.js";
import { VERSION } from "../version.js";

export interface GitHubAccess {
  apiUrl: string;
  token?: string;
  /** Which variable the token came from, for messages (never the token itself). */
  tokenSource?: "GH_TOKEN" | "GITHUB_TOKEN";
}

export function githubAccess(env: NodeJS.ProcessEnv): GitHubAccess {
  const apiUrl = (env["GITHUB_API_URL"]?.trim() || "https://api.github.com").replace(/\/+$/, "");
  for (const source of ["GH_TOKEN", "GITHUB_TOKEN"] as const) {
    const token = env[source]?.trim();
    if (token) {
      registerSecret(token);
      return { apiUrl, token, tokenSource: source };
    }
  }
  return { apiUrl };
}

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  /** "sha256:<hex>" on assets uploaded since mid-2025; null or missing before. */
  digest?: string | null;
}

export interface AssetRequest {
  owner: string;
  repo: string;
  tag: string;
  assetName: string;
  /** How the asset name was configured, for the not-found message. */
  assetKey: string;
}

export interface Downloaded {
  file: string;
  sha256: string;
  size: number;
}

export class GitHubReleases {
  private readonly octokit: Octokit;

  constructor(private readonly access: GitHubAccess) {
    this.octokit = new Octokit({
      ...(access.token !== undefined && { auth: access.token }),
      baseUrl: access.apiUrl,
      userAgent: `binwheel/${VERSION}`,
      headers: { "x-github-api-version": "2022-11-28" },
      // Octokit logs failed requests itself; binwheel reports them in its own words.
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
  }

  /** Finds the asset in the published release tagged `tag`. */
  async findAsset(req: AssetRequest): Promise<ReleaseAsset> {
    const where = `${req.owner}/${req.repo}`;
    let release;
    try {
      release = (await this.octokit.rest.repos.getReleaseByTag({ owner: req.owner, repo: req.repo, tag: req.tag })).data;
    } catch (e) {
      throw this.explain(e, `find the release tagged "${req.tag}" in ${where}`, () =>
        `GitHub has no published release tagged "${req.tag}" in ${where}. Check [tool.binwheel.upstream] tag and the upstream version ` +
        `(override it with -C upstream-version=<version>). ${this.privateHint()}`);
    }
    let assets: ReleaseAsset[] = release.assets;
    let asset = assets.find((a) => a.name === req.assetName);
    if (!asset) {
      // The release object may embed only the first page of a long asset list.
      try {
        assets = await this.octokit.paginate(this.octokit.rest.repos.listReleaseAssets, {
          owner: req.owner, repo: req.repo, release_id: release.id, per_page: 100,
        });
      } catch (e) {
        throw this.explain(e, `list the assets of release "${req.tag}" in ${where}`);
      }
      asset = assets.find((a) => a.name === req.assetName);
    }
    if (!asset) {
      const names = assets.map((a) => a.name).sort();
      fail(
        `release "${req.tag}" of ${where} has no asset named "${req.assetName}" (from ${req.assetKey}). ` +
          (names.length ? `Its assets are: ${names.join(", ")}.` : "It has no assets at all.") +
          " Fix the asset template, or check that upstream published this target.",
      );
    }
    return asset;
  }

  /** Streams the asset into `file` while hashing it; memory use does not depend on its size. */
  async download(req: AssetRequest, asset: ReleaseAsset, file: string): Promise<Downloaded> {
    let body: ReadableStream<Uint8Array>;
    try {
      const res = await this.octokit.request("GET /repos/{owner}/{repo}/releases/assets/{asset_id}", {
        owner: req.owner,
        repo: req.repo,
        asset_id: asset.id,
        headers: { accept: "application/octet-stream" },
        request: { parseSuccessResponseBody: false },
      });
      body = res.data as unknown as ReadableStream<Uint8Array>;
    } catch (e) {
      throw this.explain(e, `download "${asset.name}" from ${req.owner}/${req.repo}`);
    }
    // A plain pull loop: each chunk is hashed and written before the next is read, so only a
    // chunk or two is ever in memory (a stream pipeline let fetch buffer the whole asset ahead).
    const hash = createHash("sha256");
    let size = 0;
    const out = await open(file, "w");
    try {
      for await (const chunk of body) {
        hash.update(chunk);
        await out.write(chunk, 0, chunk.length, size);
        size += chunk.length;
      }
    } catch (e) {
      fail(`the download of "${asset.name}" from ${req.owner}/${req.repo} broke off after ${size} of ${asset.size} bytes (${(e as Error).message}). Try again.`);
    } finally {
      await out.close();
    }
    if (size !== asset.size) {
      fail(`the download of "${asset.name}" from ${req.owner}/${req.repo} has ${size} bytes, but GitHub lists ${asset.size}. Try again.`);
    }
    return { file, sha256: hash.digest("hex"), size };
  }

  private privateHint(): string {
    return this.access.tokenSource
      ? `If the repository is private, check that the token in ${this.access.tokenSource} can read its contents.`
      : "If the repository is private, set GH_TOKEN or GITHUB_TOKEN to a token that can read it.";
  }

  /** Turns an Octokit failure into one paragraph; `notFound` words the 404 case. */
  private explain(e: unknown, action: string, notFound?: () => string): BinwheelError {
    const err = e as { status?: number; message?: string; response?: { headers?: Record<string, string> } };
    const host = new URL(this.access.apiUrl).host;
    if (err.status === 404 && notFound) return new BinwheelError(notFound());
    if (err.status === 401) {
      return new BinwheelError(`GitHub rejected the token in ${this.access.tokenSource ?? "GH_TOKEN"} (401) while trying to ${action}. Replace or remove the token.`);
    }
    const headers = err.response?.headers ?? {};
    if ((err.status === 403 || err.status === 429) && (headers["x-ratelimit-remaining"] === "0" || headers["retry-after"])) {
      const reset = Number(headers["x-ratelimit-reset"]);
      const when = reset ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : "";
      return new BinwheelError(
        `GitHub's rate limit stopped binwheel while trying to ${action}.${when}` +
          (this.access.token ? "" : " Set GH_TOKEN or GITHUB_TOKEN to raise the limit from 60 to 5000 requests an hour."),
      );
    }
    if (err.status === 500 && !err.response) {
      return new BinwheelError(`could not reach ${host} to ${action}: ${err.message ?? "network error"}. Check the network, the proxy settings or GITHUB_API_URL.`);
    }
    return new BinwheelError(`GitHub answered ${err.status ?? "an error"} when binwheel tried to ${action}: ${err.message ?? ""}`.trim());
  }
}
