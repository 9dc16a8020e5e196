// HTTP for everything binwheel fetches: proxies from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (Node 20's
// fetch ignores them, so undici's EnvHttpProxyAgent does the work, loaded only when one is set),
// time limits, and retries with backoff for the failures that pass: 5xx answers, dropped or reset
// connections, bodies cut short. Rate limits wait when the wait is short, else fail with when.
// Bodies are read with a bound: a server never makes binwheel read more than it promised.
import { BinwheelError, fail } from "../errors.js";
import { info } from "../log.js";

export type Fetch = typeof globalThis.fetch;

const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];

/** fetch, through the proxy the environment names (if any). */
export async function makeFetch(env: NodeJS.ProcessEnv): Promise<Fetch> {
  if (!PROXY_VARIABLES.some((v) => env[v])) return globalThis.fetch;
  // In the bundle, "undici" is the separate _undici.mjs (CommonJS there, so its exports sit on default).
  const loaded = (await import("undici")) as typeof import("undici") & { default?: typeof import("undici") };
  const { EnvHttpProxyAgent, fetch } = loaded.default ?? loaded;
  const dispatcher = new EnvHttpProxyAgent({
    ...(env["HTTP_PROXY"] || env["http_proxy"] ? { httpProxy: env["http_proxy"] ?? env["HTTP_PROXY"] } : {}),
    ...(env["HTTPS_PROXY"] || env["https_proxy"] ? { httpsProxy: env["https_proxy"] ?? env["HTTPS_PROXY"] } : {}),
    ...(env["NO_PROXY"] || env["no_proxy"] ? { noProxy: env["no_proxy"] ?? env["NO_PROXY"] } : {}),
  });
  return ((url: string | URL | Request, init?: RequestInit) => fetch(url as string, { ...(init as object), dispatcher })) as unknown as Fetch;
}

/** Seconds to wait on one request (headers, or silence in a body); BINWHEEL_TIMEOUT overrides. */
export function timeoutSeconds(env: NodeJS.ProcessEnv): number {
  const value = Number(env["BINWHEEL_TIMEOUT"] ?? 60);
  return Number.isFinite(value) && value > 0 ? value : 60;
}

/** A failure worth another try: the thrower says how long to wait first (0: the default backoff). */
export class Transient extends Error {
  constructor(
    message: string,
    readonly waitSeconds = 0,
  ) {
    super(message);
  }
}

const ATTEMPTS = 4;
const BACKOFF_MS = [500, 1000, 2000];
/** Rate-limit waits longer than this fail at once: a build should not sleep for an hour. */
const MAX_RATE_LIMIT_WAIT = 60;

/** Runs `attempt` up to four times while it throws Transient; `what` names the work in messages. */
export async function withRetries<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof Transient) || n >= ATTEMPTS) {
        if (e instanceof Transient) fail(`${what} failed ${ATTEMPTS} times; the last time: ${e.message}. Try again later.`);
        throw e;
      }
      const ms = e.waitSeconds > 0 ? e.waitSeconds * 1000 : BACKOFF_MS[n - 1]!;
      info(`${what}: ${e.message}; retrying in ${(ms / 1000).toFixed(1)} s`);
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
  }
}

/**
 * Classifies an HTTP failure: returns a Transient to retry, or a one-paragraph error. `headers`
 * are the response's (lower-case names); `hasToken` shapes the rate-limit advice.
 */
export function classifyStatus(status: number, headers: Record<string, string | undefined>, what: string, hasToken: boolean): Transient | Error {
  const limited = (status === 403 || status === 429) && (headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined);
  if (limited) {
    const reset = Number(headers["x-ratelimit-reset"]);
    const wait = headers["retry-after"] !== undefined ? Number(headers["retry-after"]) : reset ? Math.max(1, Math.ceil(reset - Date.now() / 1000)) : 60;
    if (wait <= MAX_RATE_LIMIT_WAIT) return new Transient(`GitHub's rate limit (waiting ${wait} s as it asks)`, Math.max(wait, 1));
    const when = reset ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : ` It asks to wait ${wait} s.`;
    return new Error(
      `GitHub's rate limit stopped binwheel while trying to ${what}.${when}` +
        (hasToken ? "" : " Set GH_TOKEN or GITHUB_TOKEN to raise the limit from 60 to 5000 requests an hour."),
    );
  }
  if (status >= 500) return new Transient(`GitHub answered ${status}`);
  return new Error(`GitHub answered ${status} when binwheel tried to ${what}`);
}

/** The body length the server declares; undefined when absent, or when fetch decodes the body (Content-Encoding). */
export function contentLength(response: Response): number | undefined {
  const encoding = response.headers.get("content-encoding");
  if (encoding && encoding.toLowerCase() !== "identity") return undefined;
  const value = response.headers.get("content-length")?.trim();
  return value && /^\d+$/.test(value) ? Number(value) : undefined;
}

/**
 * Reads `response`'s body chunk by chunk into `sink` (each chunk is handled before the next is
 * read) and returns its length. More than `limit` bytes throw `tooLarge()` at once and drop the
 * connection; a failing read is Transient; a failing sink (a disk error) propagates as it is.
 */
export async function readBody(response: Response, limit: number, tooLarge: () => Error, sink: (chunk: Uint8Array) => unknown): Promise<number> {
  if (!response.body) return 0;
  const reader = response.body.getReader();
  let size = 0;
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (e) {
        throw new Transient(`the connection broke after ${size} bytes (${describeNetworkError(e)})`);
      }
      if (next.done) return size;
      size += next.value.length;
      if (size > limit) throw tooLarge();
      await sink(next.value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The largest API answer binwheel reads (release objects with many assets are well below it). */
export const API_ANSWER_LIMIT = 16 << 20;

/**
 * fetch for Octokit: each answer is read whole here, at most `limit` bytes, and handed on as a new
 * Response (Octokit would read any length, and swallows errors while reading JSON).
 */
export function boundedFetch(fetchImpl: Fetch, limit = API_ANSWER_LIMIT): Fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetchImpl(input, init);
    const url = new URL(response.url || (input instanceof Request ? input.url : String(input)));
    const tooLarge = () =>
      new BinwheelError(`${url.host} sent an answer larger than ${limit >> 20} MiB to ${init?.method ?? "GET"} ${url.pathname}; binwheel stopped reading it. The server is misbehaving: check GITHUB_API_URL, or try again later.`);
    if ((contentLength(response) ?? 0) > limit) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    await readBody(response, limit, tooLarge, (chunk) => chunks.push(chunk));
    const noBody = [204, 205, 304].includes(response.status);
    const bounded = new Response(noBody ? null : Buffer.concat(chunks), { status: response.status, statusText: response.statusText, headers: response.headers });
    Object.defineProperty(bounded, "url", { value: response.url });
    return bounded;
  }) as Fetch;
}

/** A network error in a few words: its code ("ECONNRESET") or message. */
export function describeNetworkError(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === "AbortError" || err.name === "TimeoutError") return "no data for too long";
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}
