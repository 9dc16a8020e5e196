// HTTP for everything binwheel fetches: proxies from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (Node 20's
// fetch ignores them, so undici's EnvHttpProxyAgent does the work, loaded only when one is set),
// time limits, and retries with backoff for the failures that pass: 5xx answers, dropped or reset
// connections, bodies cut short. Rate limits wait when the wait is short, else fail with when.
// Bodies are read with a bound: a server never makes binwheel read more than it promised.
//
// Every request follows redirects the same way (followRedirects): at most ten, each hop checked
// before it is asked (checkFetchable): https only, no credentials in the URL, and plain http only
// to an origin the user configured with http (an API URL), or to this machine's loopback addresses
// when the request started there; never http after https. A URL an API's answer names (a release
// link, an asset, an attestation bundle) is a hop from that API, so an https API cannot send
// binwheel to plain http either. A refused hop fails at once, without a retry. Every request asks
// for the bytes as they are (Accept-Encoding: identity) and an encoded answer is refused: fetch
// would decode it, and a few compressed bytes can decode into gigabytes no promise bounds.
// Downloads (every source's) and the package index's JSON go through one Client, which asks its
// source's policy for each hop's headers, so a credential goes only to where it belongs and never
// rides a redirect elsewhere; a download never reads more than whoever promised its size (the
// lock, the host) said.
import { open } from "node:fs/promises";
import { isLoopback } from "../../config/upstream.js";
import { BinwheelError, fail, redactUrl } from "../../errors.js";
import { info } from "../../log.js";
import { VERSION } from "../../version.js";
import { writeFully } from "../../fs/write-fully.js";
import { hashers, type Algorithm, type Hashes } from "../../fs/hash.js";

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

/**
 * A failure worth another try: the thrower says how long to wait first (0: the default backoff)
 * and, for a network failure, what to do if every try fails.
 */
export class Transient extends Error {
  constructor(
    message: string,
    readonly waitSeconds = 0,
    readonly network?: { advice: string },
  ) {
    super(message);
  }
}

/** A network failure that outlasted the retries: callers that know more (a cached copy) add their advice. */
export class NetworkError extends BinwheelError {}

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
        if (e instanceof Transient && e.network) throw new NetworkError(`${what} failed ${ATTEMPTS} times; the last time: ${e.message}. ${e.network.advice}`);
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
 * are the response's (lower-case names); `service` names the server ("GitHub", "GitLab", a
 * host); `tokenAdvice` is said after a rate limit that a token would raise.
 */
export function classifyStatus(status: number, headers: Record<string, string | undefined>, what: string, service = "GitHub", tokenAdvice?: string): Transient | Error {
  const remaining = headers["x-ratelimit-remaining"] ?? headers["ratelimit-remaining"];
  const limited = (status === 403 || status === 429) && (remaining === "0" || headers["retry-after"] !== undefined);
  if (limited) {
    const reset = Number(headers["x-ratelimit-reset"] ?? headers["ratelimit-reset"]);
    const wait = headers["retry-after"] !== undefined ? Number(headers["retry-after"]) : reset ? Math.max(1, Math.ceil(reset - Date.now() / 1000)) : 60;
    if (wait <= MAX_RATE_LIMIT_WAIT) return new Transient(`${service}'s rate limit (waiting ${wait} s as it asks)`, Math.max(wait, 1));
    const when = reset ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : ` It asks to wait ${wait} s.`;
    return new Error(`${service}'s rate limit stopped binwheel while trying to ${what}.${when}${tokenAdvice ? ` ${tokenAdvice}` : ""}`);
  }
  if (status >= 500) return new Transient(`${service} answered ${status}`);
  return new Error(`${service} answered ${status} when binwheel tried to ${what}`);
}

/** The body length the server declares (an encoded body is refused before it is read: followRedirects). */
export function contentLength(response: Response): number | undefined {
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
        throw new Transient(`the connection broke after ${size} bytes (${describeNetworkError(e)})`, 0, { advice: networkAdvice(e) });
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
 * fetch for Octokit (and attestation bundles), whose requests all come from the API at `api` (its
 * URLs, or URLs its answers name): redirects of reads followed by followRedirects' rules,
 * credentials dropped on a hop to another origin; a write (POST, PATCH, ...) is never redirected.
 * Each answer is read whole here, at most `limit` bytes, and handed on as a new Response (Octokit
 * would read any length, and swallows errors while reading JSON).
 */
export function boundedFetch(fetchImpl: Fetch, api: URL, limit = API_ANSWER_LIMIT): Fetch {
  const policy = { ...(api.protocol === "http:" && { httpOrigins: [api.origin] }) };
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const start = new URL(input instanceof Request ? input.url : String(input));
    const given = Object.fromEntries(new Headers(init?.headers));
    const { response, url } = await followRedirects(fetchImpl, start, policy, (hop) => (hop.origin === start.origin ? given : withoutCredentials(given)), init, api);
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
    Object.defineProperty(bounded, "url", { value: url.href });
    return bounded;
  }) as Fetch;
}

/** Request headers that carry a credential (fetch itself drops Authorization on a hop to another origin). */
const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie", "private-token", "job-token"];

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.includes(name.toLowerCase())));
}


type NetworkCause = "dns" | "unreachable" | "refused" | "reset" | "timeout" | "tls" | "proxy" | "other";

/** What went wrong below HTTP, from fetch's error and its causes (undici nests them; Octokit wraps fetch's). */
function networkCause(e: unknown): { cause: NetworkCause; code: string } {
  type Link = { name?: string; message?: string; code?: unknown; cause?: unknown };
  const chain: Link[] = [];
  for (let c: unknown = e; c && typeof c === "object" && chain.length < 5; c = (c as Link).cause) chain.push(c as Link);
  if (chain.some((c) => c.name === "TimeoutError") || (chain[0]?.name === "AbortError")) return { cause: "timeout", code: "no data for too long" };
  const proxy = chain.find((c) => /proxy/i.test(c.message ?? ""));
  if (proxy) return { cause: "proxy", code: proxy.message! };
  const code = chain.map((c) => c.code).find((c): c is string => typeof c === "string" && c !== "") ?? "";
  if (/^(ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NONAME|EAI_NODATA)$/.test(code)) return { cause: "dns", code };
  if (/^(EHOSTUNREACH|ENETUNREACH|ENETDOWN|EHOSTDOWN)$/.test(code)) return { cause: "unreachable", code };
  if (code === "ECONNREFUSED") return { cause: "refused", code };
  if (/^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code)) return { cause: "reset", code };
  if (/^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/.test(code)) return { cause: "timeout", code };
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) return { cause: "tls", code };
  // fetch refuses the ports browsers block (9, 6000, ...) before connecting.
  if (chain.some((c) => c.message === "bad port")) return { cause: "other", code: "fetch refuses this port, one that browsers block" };
  return { cause: "other", code: code || (chain[1] ?? chain[0])?.message || String(e) };
}

/** A network error in a few words, by cause: "the name could not be resolved (ENOTFOUND)". */
export function describeNetworkError(e: unknown): string {
  const { cause, code } = networkCause(e);
  switch (cause) {
    case "dns": return `the host name could not be resolved (DNS: ${code})`;
    case "unreachable": return `the network or host is unreachable (${code})`;
    case "refused": return `the connection was refused (${code})`;
    case "reset": return `the connection was cut (${code})`;
    case "timeout": return `no answer in time (${code})`;
    case "tls": return `the TLS (https) connection was refused: ${code}`;
    case "proxy": return `the proxy failed: ${code}`;
    default: return code;
  }
}

const PROXY_ADVICE = "If this machine reaches the internet through a proxy, set HTTPS_PROXY (and NO_PROXY for the hosts it reaches directly).";

/** What the user can do about a network error, by cause. */
export function networkAdvice(e: unknown): string {
  switch (networkCause(e).cause) {
    case "dns":
    case "unreachable":
      return `Check this machine's network connection and DNS. ${PROXY_ADVICE}`;
    case "refused":
      return "Check the address (GITHUB_API_URL, GITLAB_API_URL or the URL in pyproject.toml) and that the server is up; behind a proxy, check HTTPS_PROXY and NO_PROXY.";
    case "tls":
      return "A proxy or firewall that inspects https needs its certificate authority: point NODE_EXTRA_CA_CERTS at its certificate file. An expired or not yet valid certificate can also mean this machine's clock is wrong.";
    case "proxy":
      return "Check HTTPS_PROXY and HTTP_PROXY (the proxy's address, and any login it needs in the URL), and NO_PROXY for the hosts reached directly.";
    case "timeout":
      return "The server or the network is slow: try again later, or give requests more time with BINWHEEL_TIMEOUT (seconds, default 60).";
    default:
      return `Try again later. ${PROXY_ADVICE}`;
  }
}

/** The Transient for a request to `host` that failed below HTTP. */
export function unreachable(host: string, e: unknown): Transient {
  return new Transient(`could not reach ${host}: ${describeNetworkError(e)}`, 0, { advice: networkAdvice(e) });
}

/**
 * A base URL that the environment or the command line gives (an API's, the package index's),
 * checked where it enters: http(s), with no login, query or fragment (binwheel sends no
 * credentials in a URL, and a query would swallow the paths it appends). Shown only redacted;
 * returned without trailing slashes. `what` says what it must be.
 */
export function checkedBaseUrl(value: string, name: string, what: string): string {
  const url = value.trim();
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !/^https?:$/.test(parsed.protocol)) fail(`${name} "${redactUrl(url)}" is not an http(s) URL; it must be ${what}.`);
  if (parsed.username || parsed.password || /[?#]/.test(url)) {
    fail(`${name} "${redactUrl(url)}" carries a login, a query or a fragment; binwheel sends no credentials in a URL, and a query would swallow the paths it adds. It must be ${what}.`);
  }
  return url.replace(/\/+$/, "");
}

/** How one source's requests are made: what to call the server, which headers go to which URL. */
export interface HttpPolicy {
  /** Names the server in messages: "GitHub", "GitLab", or a host. */
  service: string;
  /**
   * The headers for one request to `url` in a chain that began at `start` (the URL asked for,
   * before any redirect): credentials only where they belong.
   */
  headers(url: URL, start: URL): Record<string, string>;
  /** Origins the user configured with plain http (an API URL); loopback hosts may use http within a chain that started there. */
  httpOrigins?: readonly string[];
  /** The API whose answers name the URLs this source fetches: every chain is checked as a hop from it. */
  api?: URL;
  /** What to add after a failed answer (401, 403, 404) from `url`, reached from `start`: which token or login would help, what to check. */
  advice?(status: number, url: URL, start: URL): string;
  /** Said after a rate limit that a token would raise. */
  tokenAdvice?: string;
}

/** How a URL was reached: the URL before it (which redirected there, or, `named`, whose answer named it) and the chain's first. */
export interface Reached {
  from: URL;
  start: URL;
  named: boolean;
}

/**
 * Fails unless binwheel may fetch `url`, reached as `reached` says (undefined: the user named it):
 * https, or plain http to a configured origin (`httpOrigins`) or to a loopback address in a chain
 * that started on one, but never http after https (a remote server must not aim binwheel at this
 * machine's plain-http services); no credentials inside.
 */
export function checkFetchable(url: URL, policy: Pick<HttpPolicy, "httpOrigins">, reached?: Reached): void {
  const target = url.protocol === "https:" || url.protocol === "http:" ? redactUrl(url) : `a ${url.protocol} URL`;
  const how = !reached ? `binwheel will not fetch ${redactUrl(url)}`
    : reached.named ? `the answer of ${redactUrl(reached.from)} sent binwheel to ${target}`
    : `${redactUrl(reached.from)} redirected binwheel to ${target}`;
  const refused = "The request was refused and not retried; the server (or a proxy) is misconfigured or hostile. Tell its owner, or use another source.";
  const origins = policy.httpOrigins ?? [];
  if (url.username || url.password) {
    fail(`${how}, which carries a user name or password in the URL; binwheel never sends credentials that way. ${reached ? refused : "Remove them from the URL."}`);
  }
  if (url.protocol === "http:" && reached?.from.protocol === "https:") {
    fail(`${how}: from https to plain http, which binwheel refuses on every hop (plain http only from this machine's loopback addresses, and only when the request started there). ${refused}`);
  }
  const start = reached?.start ?? url;
  const plain = url.protocol === "http:" && (origins.includes(url.origin) || (isLoopback(url.hostname) && start.protocol === "http:" && isLoopback(start.hostname)));
  if (url.protocol !== "https:" && !plain) {
    fail(
      `${how}: binwheel fetches over https only (plain http only from this machine's loopback addresses to themselves${origins.length ? `, and to ${origins.join(", ")} as configured` : ""}). ` +
        (reached ? refused : "Use an https URL."),
    );
  }
}

/** Why an answer in an encoding binwheel did not ask for is refused (fetch would decode it, to any size); undefined when it is plain. */
function encodingRefusal(response: Response, url: URL): string | undefined {
  const encoding = response.headers.get("content-encoding")?.trim();
  if (!encoding || encoding.toLowerCase() === "identity") return undefined;
  return (
    `${redactUrl(url)} answered with Content-Encoding: ${encoding.slice(0, 40)}, though binwheel asked for the bytes as they are (Accept-Encoding: identity); ` +
    "decoded, a few bytes can become gigabytes, and they would not be the file the server holds. The request was refused and not retried; the server (or a proxy in between) is misbehaving. Tell its owner, or use another source."
  );
}

const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_REDIRECTS = 10;

/**
 * The response for `start` once redirects are followed: at most ten, each hop checked by
 * checkFetchable (as a hop from `namedBy`, the API whose answer named `start`, if any) before it
 * is asked, given `headers(hop, start)` and asked for unencoded bytes; a successful answer in
 * another encoding is refused. A write (not GET or HEAD) is never redirected: its answer is
 * returned as it is. A refused hop is a BinwheelError (never retried); what fetchImpl throws is
 * passed on as it is.
 */
export async function followRedirects(
  fetchImpl: Fetch,
  start: URL,
  policy: Pick<HttpPolicy, "httpOrigins">,
  headers: (url: URL, start: URL) => Record<string, string>,
  init: RequestInit = {},
  namedBy?: URL,
): Promise<{ response: Response; url: URL }> {
  const read = ["GET", "HEAD"].includes((init.method ?? "GET").toUpperCase());
  let url = start;
  let reached: Reached | undefined = namedBy && { from: namedBy, start: namedBy, named: true };
  for (let hops = 0; ; hops++) {
    checkFetchable(url, policy, reached);
    const response = await fetchImpl(url, { ...init, headers: { ...headers(url, start), "accept-encoding": "identity" }, redirect: "manual" });
    if (!read || !REDIRECTS.includes(response.status)) {
      const refusal = response.ok ? encodingRefusal(response, url) : undefined;
      if (refusal) {
        await response.body?.cancel().catch(() => {});
        fail(refusal);
      }
      return { response, url };
    }
    await response.body?.cancel().catch(() => {});
    const location = response.headers.get("location");
    if (!location || !URL.canParse(location, url.href)) fail(`${redactUrl(url)} answered ${response.status} (a redirect) without a usable Location; the server is misbehaving. Try again later, or tell its owner.`);
    if (hops >= MAX_REDIRECTS) fail(`${redactUrl(start)} redirected binwheel more than ${MAX_REDIRECTS} times (last to ${redactUrl(new URL(location, url))}); it stopped there. The server is misconfigured.`);
    reached = { from: url, start: namedBy ?? start, named: false };
    url = new URL(location, url);
  }
}

export interface DownloadOptions {
  /** The asset's name and where it comes from, for messages. */
  name: string;
  where: string;
  /** The size someone promised (the lock, the host's metadata) and who, for messages ("the release", "binwheel.lock (for <triple>)"). */
  promised?: SizePromise;
  /** Hashes to compute while the bytes stream by (sha256 always). */
  algorithms?: readonly Algorithm[];
  /** Validators of a cached copy: a matching server answers 304 and nothing is downloaded. */
  etag?: string;
  lastModified?: string;
  onProgress?: (bytes: number, total: number | undefined) => void;
}

export interface SizePromise {
  size: number;
  by: string;
  /** What a body of another size means, and what to do (default: the server is misbehaving). */
  broken?: string;
}

export interface Downloaded extends Hashes {
  size: number;
  etag?: string;
  lastModified?: string;
}

/** Client.json's 404 without a `notFound`: the answer is "there is none" (Absent, caught in json()). */
const ABSENT = Symbol("absent");
class Absent extends Error {}

/** A download with neither a promised size nor a Content-Length stops here. */
export const MAX_ASSET_BYTES = 32 * 2 ** 30;

export class Client {
  private readonly timeoutMs: number;

  constructor(
    private readonly fetchImpl: Fetch,
    private readonly policy: HttpPolicy,
    env: NodeJS.ProcessEnv,
  ) {
    this.timeoutMs = timeoutSeconds(env) * 1000;
  }

  /**
   * An API answer as JSON (at most API_ANSWER_LIMIT bytes); `notFound` words a 404, without it a
   * 404 is undefined. `notJson` says what to check when the answer is not JSON.
   */
  async json<T>(url: string, o: { action: string; notJson: string; notFound: () => string }): Promise<T>;
  async json<T>(url: string, o: { action: string; notJson: string }): Promise<T | undefined>;
  async json<T>(url: string, { action, notJson, notFound }: { action: string; notJson: string; notFound?: () => string }): Promise<T | undefined> {
    const host = new URL(url).host;
    try {
      return await withRetries(`asking ${host} to ${action}`, async () => {
        const chunks: Uint8Array[] = [];
        await this.fetchBody(url, { name: "", where: "", action, notFound: notFound ?? ABSENT, limit: API_ANSWER_LIMIT, accept: "application/json" }, (chunk) => void chunks.push(chunk));
        try {
          return JSON.parse(Buffer.concat(chunks).toString("utf8")) as T;
        } catch {
          fail(`${host} did not answer with JSON when binwheel tried to ${action}. ${notJson}`);
        }
      });
    } catch (e) {
      if (e instanceof Absent) return undefined;
      throw e;
    }
  }

  /**
   * Streams `url` into `file` while hashing it; memory does not depend on its size. Retried from
   * the start when the connection drops or the body is shorter than promised; a failing write (a
   * full disk) and a body longer than promised are not retried. Undefined when the server says
   * the cached copy (`etag`, `lastModified`) is current.
   */
  async download(url: string, file: string, o: DownloadOptions): Promise<Downloaded | undefined> {
    return withRetries(`downloading ${o.name}`, async () => {
      const hashing = hashers(o.algorithms ?? ["sha256"]);
      const out = await open(file, "w");
      try {
        const got = await this.fetchBody(url, { ...o, action: `download ${o.name} from ${o.where}` }, async (chunk, position, total) => {
          hashing.update(chunk);
          await writeFully(out, chunk, position);
          o.onProgress?.(position + chunk.length, total);
        });
        await out.close();
        return got && { ...hashing.digest(), ...got };
      } finally {
        await out.close().catch(() => {});
      }
    });
  }

  /** A small file (a checksum file) as bytes: at most `limit`, counted while reading. */
  async bytes(url: string, o: { name: string; where: string; promised?: SizePromise; limit: number }): Promise<Buffer> {
    if (o.promised && o.promised.size > o.limit) fail(`the checksum file ${o.name} in ${o.where} is larger than ${o.limit} bytes; it is not a checksum list.`);
    return withRetries(`downloading ${o.name}`, async () => {
      const chunks: Uint8Array[] = [];
      await this.fetchBody(url, { ...o, action: `download ${o.name} from ${o.where}` }, (chunk) => void chunks.push(chunk));
      return Buffer.concat(chunks);
    });
  }

  /**
   * One attempt: the body of `url` (redirects followed) chunk by chunk into `sink`, with its
   * offset. The body may be no longer than promised (`promised`, else its Content-Length, else
   * `limit`): the read stops at the first byte past it (an error, not retried); fewer is a
   * Transient. Undefined for a 304; a 404 throws `notFound()`'s message (Absent for ABSENT).
   */
  private async fetchBody(
    start: string,
    o: DownloadOptions & { action: string; limit?: number; accept?: string; notFound?: (() => string) | typeof ABSENT },
    sink: (chunk: Uint8Array, position: number, total: number | undefined) => unknown,
  ): Promise<Omit<Downloaded, keyof Hashes> | undefined> {
    const controller = new AbortController();
    let timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const conditional = { ...(o.etag && { "if-none-match": o.etag }), ...(o.lastModified && { "if-modified-since": o.lastModified }) };
      const { response, url } = await this.open(start, controller.signal, { ...(o.accept && { accept: o.accept }), ...conditional });
      const host = url.host;
      if (response.status === 304 && (o.etag || o.lastModified)) {
        await response.body?.cancel().catch(() => {});
        return undefined;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        if (response.status === 404 && o.notFound) throw o.notFound === ABSENT ? new Absent() : new BinwheelError(o.notFound());
        const problem = classifyStatus(response.status, Object.fromEntries(response.headers), o.action, this.policy.service, this.policy.tokenAdvice);
        if (problem instanceof Transient) throw problem;
        const advice = this.policy.advice?.(response.status, url, new URL(start));
        fail(`${problem.message} (${host}).${advice ? ` ${advice}` : ""}`);
      }
      const declared = contentLength(response);
      const promised = o.promised?.size;
      const limit = Math.min(promised ?? declared ?? o.limit ?? MAX_ASSET_BYTES, o.limit ?? MAX_ASSET_BYTES);
      const promise =
        o.promised ? `which ${o.promised.by} lists at ${o.promised.size} bytes${declared !== undefined ? ` (Content-Length: ${declared})` : ""}`
        : declared !== undefined ? `whose Content-Length said ${declared} bytes`
        : `of which binwheel reads at most ${limit} bytes`;
      const misbehaving = (what: string) =>
        new BinwheelError(
          `${host} ${what} for ${o.name ? `${o.name} (${o.where})` : o.action}, ${promise}; binwheel stopped reading and did not retry. ` +
            (o.promised?.broken ?? "The server (or a proxy in between) is misbehaving; nothing was cached. Try again later, or tell the release's owner."),
        );
      if (promised !== undefined && declared !== undefined && declared !== promised) {
        await response.body?.cancel().catch(() => {});
        throw misbehaving(`declared ${declared} bytes`);
      }
      if (declared !== undefined && declared > limit) {
        await response.body?.cancel().catch(() => {});
        if (o.limit !== undefined && o.name) fail(`the checksum file ${o.name} in ${o.where} is larger than ${o.limit} bytes (Content-Length: ${declared}); it is not a checksum list.`);
        throw misbehaving(`declared ${declared} bytes`);
      }
      let position = 0;
      const size = await readBody(response, limit, () => misbehaving(`sent more than ${limit} bytes`), async (chunk) => {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), this.timeoutMs);
        await sink(chunk, position, promised ?? declared);
        position += chunk.length;
      });
      const expected = promised ?? declared;
      if (expected !== undefined && size !== expected) throw new Transient(`the download stopped at ${size} of ${expected} bytes`);
      const etag = response.headers.get("etag") ?? undefined;
      const lastModified = response.headers.get("last-modified") ?? undefined;
      return { size, ...(etag && { etag }), ...(lastModified && { lastModified }) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The response for `start` once redirects are followed, each hop checked and given its own headers. */
  private open(start: string, signal: AbortSignal, extra: Record<string, string>): Promise<{ response: Response; url: URL }> {
    const reach: Fetch = (url, init) =>
      this.fetchImpl(url, init).catch((e: unknown) => {
        throw unreachable(new URL(String(url)).host, e);
      });
    return followRedirects(reach, new URL(start), this.policy, (url, first) => ({ "user-agent": `binwheel/${VERSION}`, ...extra, ...this.policy.headers(url, first) }), { signal }, this.policy.api);
  }
}
