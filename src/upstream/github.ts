// The upstream release on GitHub: found by tag, its asset picked by name, streamed to disk through
// the asset API URL (which works for private repositories; fetch drops the Authorization header on
// the cross-origin redirect to the storage host, so the token never reaches it).
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { Octokit } from "@octokit/rest";
import { BinwheelError, fail, registerSecret } from "../errors.js";
import { VERSION } from "../version.js";
import { Transient, boundedFetch, classifyStatus, contentLength, describeNetworkError, readBody, timeoutSeconds, withRetries, type Fetch } from "./http.js";
import { writeFully } from "../write-fully.js";

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
   * from the start when the connection drops or the body is shorter than promised; a failing
   * write (a full disk) and a body longer than promised are not retried.
   */
  async download(asset: ReleaseAsset, file: string, where: string, onProgress?: (bytes: number) => void): Promise<Downloaded> {
    return withRetries(`downloading ${asset.name}`, async () => {
      const hash = createHash("sha256");
      const out = await open(file, "w");
      try {
        const size = await this.fetchAsset(asset, where, async (chunk, position) => {
          hash.update(chunk);
          await writeFully(out, chunk, position);
          onProgress?.(position + chunk.length);
        });
        await out.close();
        return { sha256: hash.digest("hex"), size };
      } finally {
        await out.close().catch(() => {});
      }
    });
  }

  /** A small asset (a checksum file) as text; at most `limit` bytes, counted while reading. */
  async text(asset: ReleaseAsset, where: string, limit = 1 << 20): Promise<string> {
    if (asset.size > limit) fail(`the checksum file ${asset.name} in ${where} is larger than ${limit} bytes; it is not a checksum list.`);
    return withRetries(`downloading ${asset.name}`, async () => {
      const chunks: Uint8Array[] = [];
      await this.fetchAsset(asset, where, (chunk) => void chunks.push(chunk));
      return Buffer.concat(chunks).toString("utf8");
    });
  }

  /**
   * One attempt at the asset's bytes, each chunk handed to `sink` with its offset; returns the
   * size. The body may be no longer than the release says (nor than its Content-Length): more is
   * an error at once, fewer is a Transient.
   */
  private async fetchAsset(asset: ReleaseAsset, where: string, sink: (chunk: Uint8Array, position: number) => unknown): Promise<number> {
    const controller = new AbortController();
    let timer = setTimeout(() => controller.abort(), this.timeoutMs);
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
      const host = new URL(response.url || asset.url).host;
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        const problem = classifyStatus(response.status, Object.fromEntries(response.headers), `download ${asset.name} from ${where}`, !!this.access.token);
        if (problem instanceof Transient) throw problem;
        fail(`${problem.message} (${host}).`);
      }
      const declared = contentLength(response);
      const misbehaving = (what: string) =>
        new BinwheelError(
          `${host} ${what} for ${asset.name} (${where}), which the release lists at ${asset.size} bytes${declared !== undefined ? ` (Content-Length: ${declared})` : ""}; ` +
            "binwheel stopped reading and did not retry. The server (or a proxy in between) is misbehaving; nothing was cached. Try again later, or tell the release's owner.",
        );
      if (declared !== undefined && declared !== asset.size) {
        await response.body?.cancel().catch(() => {});
        throw misbehaving(`declared ${declared} bytes`);
      }
      let position = 0;
      const size = await readBody(response, asset.size, () => misbehaving(`sent more than ${asset.size} bytes`), async (chunk) => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), this.timeoutMs);
        await sink(chunk, position);
        position += chunk.length;
      });
      if (size !== asset.size) throw new Transient(`the download stopped at ${size} of ${asset.size} bytes`);
      return size;
    } finally {
      clearTimeout(timer);
    }
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
      // Octokit wraps what its fetch throws (an answer too large) as a 500 without a response.
      const cause = (e as { cause?: unknown }).cause;
      if (cause instanceof BinwheelError) throw cause;
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
    // API answers are read with a bound (a release object is a few hundred KiB at most).
    request: { fetch: boundedFetch(fetchImpl) },
    // Octokit logs failed requests itself; binwheel reports them in its own words.
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}
