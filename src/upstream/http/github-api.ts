// GitHub's API as binwheel talks to it: the API base and token from the environment
// (GITHUB_API_URL, GH_TOKEN then GITHUB_TOKEN), an Octokit on binwheel's fetch, and API calls with
// retries whose failures read as one paragraph. Used by the GitHub source, attestations, the SBOM
// and the release.
import { Octokit } from "@octokit/rest";
import { BinwheelError, registerSecret } from "../../errors.js";
import { VERSION } from "../../version.js";
import { boundedFetch, checkedBaseUrl, classifyStatus, Transient, unreachable, withRetries, type Fetch } from "./fetch.js";

export interface GitHubAccess {
  apiUrl: string;
  token?: string;
  /** Which variable the token came from, for messages (never the token itself). */
  tokenSource?: "GH_TOKEN" | "GITHUB_TOKEN";
}

export function githubAccess(env: NodeJS.ProcessEnv): GitHubAccess {
  const given = env["GITHUB_API_URL"]?.trim();
  const apiUrl = given ? checkedBaseUrl(given, "GITHUB_API_URL", "the API's address (https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise), or unset") : "https://api.github.com";
  for (const source of ["GH_TOKEN", "GITHUB_TOKEN"] as const) {
    const token = env[source]?.trim();
    if (token) {
      registerSecret(token, source);
      return { apiUrl, token, tokenSource: source };
    }
  }
  return { apiUrl };
}

/** The web server of the GitHub whose API is at `apiUrl`: github.com for api.github.com, the host for Enterprise's /api/v3. */
export function githubWebUrl(apiUrl: string): string {
  const api = new URL(apiUrl);
  if (api.host === "api.github.com") return "https://github.com";
  // Only the origin and path: a login, query or fragment in GITHUB_API_URL never reaches a link.
  return `${api.protocol}//${api.host}${api.pathname.replace(/\/+$/, "").replace(/\/api\/v3$/, "")}`;
}

/**
 * The web server release notes link to: GITHUB_SERVER_URL (GitHub Actions sets it), checked where
 * it enters as the API URL is, else the server of the API at `apiUrl`.
 */
export function githubServer(env: NodeJS.ProcessEnv, apiUrl: string): string {
  const given = env["GITHUB_SERVER_URL"]?.trim();
  if (!given) return githubWebUrl(apiUrl);
  return checkedBaseUrl(given, "GITHUB_SERVER_URL", "the GitHub web server's address (https://github.com, or https://HOST for GitHub Enterprise), as GitHub Actions sets it, or unset");
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
      if (err.name === "AbortError" || err.name === "TimeoutError" || (err.status === 500 && !err.response)) throw unreachable(host, (e as { cause?: unknown }).cause ?? e);
      if (err.status === 404 && notFound) throw new BinwheelError(notFound());
      if (err.status === 401) {
        throw new BinwheelError(`GitHub rejected the token in ${access.tokenSource ?? "GH_TOKEN"} (401) while binwheel tried to ${action}. Replace or remove the token.`);
      }
      if (err.status === undefined) throw e;
      const problem = classifyStatus(err.status, err.response?.headers ?? {}, action, "GitHub", access.token ? undefined : "Set GH_TOKEN or GITHUB_TOKEN to raise the limit from 60 to 5000 requests an hour.");
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
    request: { fetch: boundedFetch(fetchImpl, new URL(access.apiUrl)) },
    // Octokit logs failed requests itself; binwheel reports them in its own words.
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}
