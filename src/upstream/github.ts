// The upstream release on GitHub: found by tag, its asset picked by name, streamed to disk through
// the asset API URL (which works for private repositories; fetch drops the Authorization header on
// the cross-origin redirect to the storage host, so the token never reaches it).
import { createHash } from "node:crypto";
import { open, readFile } from "node:fs/promises";
import { Octokit } from "@octokit/rest";
import { BinwheelError, fail, registerSecret } from "../errors.js";
import { VERSION } from "../version.js";
import { Transient, classifyStatus, timeoutSeconds, withRetries, type Fetch } from "./http.js";

export interface GitHubAccess {
  apiUrl: string;
  token?: string;
  /** Which variable the token came from, for messages (never the token itself). */
  tokenSource?: "GH_TOKEN" | "GITHUB_TOKEN";
}

export function githubAccess(env: NodeJS.ProcessEnv): GitHubAccess {
  const apiUrl = (env["GITHUB_API_URL"]?.trim() || "https://api.github.com").replace(/\/+$/, "");
  if (!URL.canParse(apiUrl) || !/^https?:$/.test(new URL(apiUrl).protocol)) {
    fail(`GITHUB_API_URL="${apiUrl}" is not an http(s) URL; set it to the API's address (https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise) or unset it.`);
  }
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
  /** The asset's API URL (downloads go through it). */
  url: string;
  updated_at?: string;
  /** "sha256:<hex>" on assets uploaded since mid-2025; null or missing before. */
  digest?: string | null;
}

export interface Release {
  id: number;
  tag: string;
  /** Immutable releases cannot change after publication, so a cached copy never goes stale. */
  immutable: boolean;
  assets: ReleaseAsset[];
}

export interface Downloaded {
  sha256: string;
  size: number;
}

export class GitHubReleases {
  private readonly octokit: Octokit;
  private readonly timeoutMs: number;

  constructor(
    private readonly access: GitHubAccess,
    private readonly fetchImpl: Fetch,
    env: NodeJS.ProcessEnv,
  ) {
    this.timeoutMs = timeoutSeconds(env) * 1000;
    this.octokit = makeOctokit(access, fetchImpl);
  }


  /** The published release tagged `tag`, with all its assets. */
  async release(owner: string, repo: string, tag: string): Promise<Release> {
    const where = `${owner}/${repo}`;
    const found = await this.api(`find the release tagged "${tag}" in ${where}`, () =>
      this.octokit.rest.repos.getReleaseByTag({ owner, repo, tag, request: { signal: AbortSignal.timeout(this.timeoutMs) } }),
      () => `GitHub has no published release tagged "${tag}" in ${where}. Check [tool.binwheel.upstream] tag and the upstream version ` +
        `(override it with -C upstream-version=<version>). ${this.privateHint()}`,
    );
    const data = found.data as typeof found.data & { immutable?: boolean };
    let assets: ReleaseAsset[] = data.assets;
    // The release object may embed only the first page of a long asset list.
    if (assets.length >= 100) {
      assets = await this.api(`list the assets of release "${tag}" in ${where}`, () =>
        this.octokit.paginate(this.octokit.rest.repos.listReleaseAssets, {
          owner, repo, release_id: data.id, per_page: 100, request: { signal: AbortSignal.timeout(this.timeoutMs) },
        }),
      );
    }
    return { id: data.id, tag, immutable: data.immutable === true, assets };
  }

  /**
   * Streams the asset into `file` while hashing it; memory does not depend on its size. Retried
   * from the start when the connection drops or the body is shorter than promised.
   */
  async download(asset: ReleaseAsset, file: string, where: string, onProgress?: (bytes: number) => void): Promise<Downloaded> {
    return withRetries(`downloading ${asset.name}`, async () => {
      const controller = new AbortController();
      let timer = setTimeout(() => controller.abort(), this.timeoutMs);
      const alive = () => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), this.timeoutMs);
      };
      const hash = createHash("sha256");
      let size = 0;
      const out = await open(file, "w");
      try {
        let response: Response;
        try {
          response = await this.fetchImpl(asset.url, {
            headers: {
              accept: "application/octet-stream",
              "user-agent": `binwheel/${VERSION}`,
              ...(this.access.token && { authorization: `token ${this.access.token}` }),
            },
            redirect: "follow",
            signal: controller.signal,
          });
        } catch (e) {
          throw new Transient(`could not reach ${new URL(asset.url).host} (${describeNetworkError(e)})`);
        }
        if (!response.ok) {
          await response.body?.cancel();
          const problem = classifyStatus(response.status, Object.fromEntries(response.headers), `download ${asset.name} from ${where}`, !!this.access.token);
          if (problem instanceof Transient) throw problem;
          fail(`${problem.message} (${new URL(response.url || asset.url).host}).`);
        }
        try {
          // A pull loop: each chunk is hashed and written before the next is read.
          for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
            alive();
            hash.update(chunk);
            await out.write(chunk, 0, chunk.length, size);
            size += chunk.length;
            onProgress?.(size);
          }
        } catch (e) {
          throw new Transient(`the connection broke after ${size} of ${asset.size} bytes (${describeNetworkError(e)})`);
        }
        if (size !== asset.size) throw new Transient(`the download stopped at ${size} of ${asset.size} bytes`);
        return { sha256: hash.digest("hex"), size };
      } finally {
        clearTimeout(timer);
        await out.close();
      }
    });
  }

  /** A small asset (a checksum file) as text; at most `limit` bytes. */
  async text(asset: ReleaseAsset, where: string, file: string, limit = 1 << 20): Promise<string> {
    if (asset.size > limit) fail(`the checksum file ${asset.name} in ${where} is larger than ${limit} bytes; it is not a checksum list.`);
    await this.download(asset, file, where);
    return readFile(file, "utf8");
  }

  private privateHint(): string {
    return this.access.tokenSource
      ? `If the repository is private, check that the token in ${this.access.tokenSource} can read its contents.`
      : "If the repository is private, set GH_TOKEN or GITHUB_TOKEN to a token that can read it.";
  }

  private api<T>(action: string, call: () => Promise<T>, notFound?: () => string): Promise<T> {
    return apiCall(this.access, action, call, notFound);
  }
}

/**
 * Runs a GitHub API call with retries (5xx, network errors, short rate limits, timeouts),
 * turning its failures into one paragraph; `notFound` words the 404 case.
 */
export function apiCall<T>(access: GitHubAccess, action: string, call: () => Promise<T>, notFound?: () => string): Promise<T> {
  const host = new URL(access.apiUrl).host;
  return withRetries(`asking ${host} to ${action}`, async () => {
    try {
      return await call();
    } catch (e) {
      const err = e as { status?: number; message?: string; response?: { headers?: Record<string, string> }; name?: string };
      if (err.name === "AbortError" || err.name === "TimeoutError") throw new Transient("no answer in time");
      if (err.status === 500 && !err.response) throw new Transient(`could not reach ${host} (${err.message ?? "network error"})`);
      if (err.status === 404 && notFound) throw new BinwheelError(notFound());
      if (err.status === 401) {
        throw new BinwheelError(`GitHub rejected the token in ${access.tokenSource ?? "GH_TOKEN"} (401) while binwheel tried to ${action}. Replace or remove the token.`);
      }
      if (err.status === undefined) throw e;
      const problem = classifyStatus(err.status, err.response?.headers ?? {}, action, !!access.token);
      if (problem instanceof Transient) throw problem;
      throw new HttpFailure(`${problem.message}: ${err.message ?? ""}`.trim(), err.status);
    }
  });
}

/** A GitHub answer binwheel does not retry, with its status for callers that handle some (422). */
export class HttpFailure extends BinwheelError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** An Octokit for `access`, on `fetchImpl` (the proxy-aware fetch), quiet. */
export function makeOctokit(access: GitHubAccess, fetchImpl: Fetch): Octokit {
  return new Octokit({
    ...(access.token !== undefined && { auth: access.token }),
    baseUrl: access.apiUrl,
    userAgent: `binwheel/${VERSION}`,
    headers: { "x-github-api-version": "2022-11-28" },
    request: { fetch: fetchImpl },
    // Octokit logs failed requests itself; binwheel reports them in its own words.
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

function describeNetworkError(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === "AbortError" || err.name === "TimeoutError") return "no data for too long";
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}
