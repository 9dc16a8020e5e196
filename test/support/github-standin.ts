// A local imitation of the GitHub releases API, for tests and the demo. It must be a real HTTP
// server because pip runs the backend in a child process. Asset downloads redirect to a second
// origin that, like GitHub's storage host, refuses any request carrying an Authorization header.
// Reads (releases, assets, pagination), writes (create, upload, delete, publish) and injected
// faults (5xx, resets, bodies cut short, rate limits, uploads that leave a broken asset, bodies
// longer than promised, a lying Content-Length, endless API answers). Artifact attestations are
// served inline or, as GitHub does since July 2026, by a snappy-compressed blob on the storage host.
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { compress } from "snappyjs";
import { streamSpaces } from "./http-standin.js";

export interface StandInAsset {
  name: string;
  data: Buffer | { file: string };
  /** GitHub's digest field: the real "sha256:<hex>" by default; null (old assets), "omit" (old GHES) or any string. */
  digest?: string | null;
}

export interface StandInRelease {
  owner: string;
  repo: string;
  tag: string;
  assets: StandInAsset[];
  immutable?: boolean;
  draft?: boolean;
  name?: string;
  body?: string;
}

type Origin = "api" | "storage" | "uploads";

/** A failure served to a coming request of one origin (`skip` requests of it pass first). */
export type Fault = { origin: Origin; skip?: number } & (
  | { status: number }
  | { reset: true }
  | { cut: true }
  | { rateLimit: { retryAfter?: number; reset?: number } }
  | { brokenUpload: true }
  /** Serves the body and then filler, `total` bytes in all, without a Content-Length (API: an endless JSON answer). */
  | { oversize: number }
  /** Declares this Content-Length, then serves the real body. */
  | { contentLength: number }
  /** Sends the headers and half the body, then nothing more (a download in progress, for killing). */
  | { stall: true }
  /** Serves `size` bytes of JSON padding (API) or the body (storage) gzip-compressed, whatever Accept-Encoding asked. */
  | { gzip: { size: number } }
);

export interface LoggedRequest {
  origin: Origin;
  method: string;
  url: string;
  authorization?: string;
  acceptEncoding?: string;
}

export interface StandInOptions {
  /** Answer 404 to requests without this token, as GitHub does for private repositories. */
  requireToken?: string;
  /** How many assets a release object embeds before the client must list them. */
  embeddedAssets?: number;
}

interface StoredAsset extends StandInAsset {
  id: number;
  size: number;
  updatedAt: string;
  state: "uploaded" | "starter";
  contentType: string;
  release: StoredRelease;
}

interface StoredRelease extends StandInRelease {
  id: number;
  stored: StoredAsset[];
}

export class GitHubStandIn {
  readonly requests: LoggedRequest[] = [];
  /** Bytes the `oversize` faults managed to send before the client hung up. */
  oversizeSent = 0;
  readonly releases: StoredRelease[] = [];
  private readonly faults: Fault[] = [];
  private readonly attestations: { owner: string; repo: string; sha256: string; bundle: unknown; byUrl: boolean }[] = [];
  private nextId = 1000;

  private constructor(
    private readonly api: Server,
    private readonly storage: Server,
    private readonly options: StandInOptions,
  ) {}

  static async start(options: StandInOptions = {}): Promise<GitHubStandIn> {
    let self: GitHubStandIn | undefined;
    const api = createServer((req, res) => void self!.handleApi(req, res));
    const storage = createServer((req, res) => self!.handleStorage(req, res));
    self = new GitHubStandIn(api, storage, options);
    await Promise.all([listen(api), listen(storage)]);
    return self;
  }

  /** The value for GITHUB_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.api.address() as AddressInfo).port}`;
  }

  /** Another origin than the API (another port), so the download redirect is cross-origin. */
  get storageUrl(): string {
    return `http://127.0.0.1:${(this.storage.address() as AddressInfo).port}`;
  }

  /** The commit a release's tag points to (made up, stable). */
  static commitOf(owner: string, repo: string, tag: string): string {
    return createHash("sha1").update(`commit ${owner}/${repo} ${tag}`).digest("hex");
  }

  static tagObjectOf(owner: string, repo: string, tag: string): string {
    return createHash("sha1").update(`tag ${owner}/${repo} ${tag}`).digest("hex");
  }

  addRelease(release: StandInRelease): void {
    const stored: StoredRelease = { ...release, id: this.nextId++, stored: [] };
    for (const a of release.assets) this.store(stored, a.name, a.data, "application/octet-stream", a.digest);
    this.releases.push(stored);
  }

  /** Upstream replaces an asset's content (same name and id, a new updated_at and digest). */
  replaceAsset(tag: string, name: string, data: Buffer): void {
    const asset = this.releases.find((r) => r.tag === tag)?.stored.find((a) => a.name === name);
    if (!asset) throw new Error(`no asset ${name} in ${tag}`);
    Object.assign(asset, { data, size: data.length, digest: realDigest(data), updatedAt: new Date(Date.parse(asset.updatedAt) + 1000).toISOString() });
  }

  /** An asset left half-uploaded (state "starter"), as a process killed mid-upload leaves it. */
  addBrokenAsset(releaseId: number, name: string): void {
    const release = this.releases.find((r) => r.id === releaseId);
    if (!release) throw new Error(`no release ${releaseId}`);
    this.store(release, name, Buffer.alloc(0), "application/octet-stream").state = "starter";
  }

  /**
   * An attestation (a Sigstore bundle) listed for `sha256` (hex) in owner/repo; `byUrl` serves it
   * as GitHub now does: `bundle: null` and a `bundle_url` to a snappy-compressed blob.
   */
  addAttestation(owner: string, repo: string, sha256: string, bundle: unknown, options: { byUrl?: boolean } = {}): void {
    this.attestations.push({ owner, repo, sha256, bundle, byUrl: options.byUrl ?? false });
  }

  /** Queues failures for coming requests of their origin. */
  inject(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  async close(): Promise<void> {
    for (const server of [this.api, this.storage]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private store(release: StoredRelease, name: string, data: Buffer | { file: string }, contentType: string, digest?: string | null): StoredAsset {
    const asset: StoredAsset = {
      name, data, id: this.nextId++, state: "uploaded", contentType, release,
      size: Buffer.isBuffer(data) ? data.length : statSync(data.file).size,
      updatedAt: "2024-01-01T00:00:00Z",
      ...(digest !== undefined && { digest }),
    };
    release.stored.push(asset);
    return asset;
  }

  private log(origin: Origin, req: IncomingMessage): void {
    const auth = req.headers.authorization;
    const encoding = req.headers["accept-encoding"];
    this.requests.push({ origin, method: req.method ?? "GET", url: req.url ?? "/", ...(auth !== undefined && { authorization: auth }), ...(encoding !== undefined && { acceptEncoding: encoding }) });
  }

  /** The next due fault for `origin`, removed from the queue. */
  private dueFault(origin: Origin): Fault | undefined {
    const i = this.faults.findIndex((f) => f.origin === origin);
    if (i < 0) return undefined;
    const fault = this.faults[i]!;
    if (fault.skip) {
      fault.skip--;
      return undefined;
    }
    this.faults.splice(i, 1);
    return fault;
  }

  /** Serves `fault`; the broken upload is handled by the upload route itself. */
  private serveFault(fault: Fault, req: IncomingMessage, res: ServerResponse, body?: Buffer | { file: string }): void {
    if ("reset" in fault) {
      req.socket.destroy();
    } else if ("stall" in fault) {
      const data = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": data.length });
      res.write(data.subarray(0, data.length >> 1));
    } else if ("cut" in fault) {
      const data = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": data.length });
      res.write(data.subarray(0, data.length >> 1), () => res.socket?.destroy());
    } else if ("rateLimit" in fault) {
      const { retryAfter, reset } = fault.rateLimit;
      res.writeHead(403, {
        "content-type": "application/json; charset=utf-8",
        "x-ratelimit-remaining": "0",
        ...(reset !== undefined && { "x-ratelimit-reset": String(reset) }),
        ...(retryAfter !== undefined && { "retry-after": String(retryAfter) }),
      });
      res.end(JSON.stringify({ message: "API rate limit exceeded", documentation_url: "https://docs.github.com/rest" }));
    } else if ("status" in fault) {
      json(res, fault.status, { message: "Server Error" });
    } else if ("oversize" in fault) {
      const data = Buffer.isBuffer(body) ? body : Buffer.from("{\"assets\": [");
      res.writeHead(200, { "content-type": Buffer.isBuffer(body) ? "application/octet-stream" : "application/json; charset=utf-8" });
      void this.stream(res, data, fault.oversize);
    } else if ("contentLength" in fault) {
      const data = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": fault.contentLength });
      res.write(data);
    } else if ("gzip" in fault) {
      const data = gzipSync(Buffer.isBuffer(body) ? body : Buffer.concat([Buffer.from("{\"assets\": ["), Buffer.alloc(fault.gzip.size, 0x20), Buffer.from("]}")]));
      res.writeHead(200, { "content-type": Buffer.isBuffer(body) ? "application/octet-stream" : "application/json; charset=utf-8", "content-encoding": "gzip", "content-length": data.length });
      res.end(data);
    }
  }

  /** Writes `head`, then spaces, `total` bytes in all, as fast as the client reads; stops when it hangs up. */
  private stream(res: ServerResponse, head: Buffer, total: number): Promise<void> {
    return streamSpaces(res, head, total, (n) => (this.oversizeSent += n));
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.apiUrl);
    const upload = /^\/api\/uploads\/repos\/([^/]+)\/([^/]+)\/releases\/(\d+)\/assets$/.exec(url.pathname);
    const origin: Origin = upload ? "uploads" : "api";
    this.log(origin, req);
    const body = await readBody(req);
    const fault = this.dueFault(origin);
    if (fault && !("brokenUpload" in fault)) return this.serveFault(fault, req, res);
    const token = req.headers.authorization?.replace(/^(token|bearer)\s+/i, "");
    if (this.options.requireToken && token !== this.options.requireToken) return notFound(res);
    const method = req.method ?? "GET";
    const repo = (o: string, r: string) => this.releases.filter((x) => x.owner === o && x.repo === r);

    if (upload && method === "POST") {
      const release = this.releases.find((r) => r.id === Number(upload[3]));
      const name = url.searchParams.get("name");
      if (!release || !name) return notFound(res);
      if (!req.headers["content-type"] || req.headers["content-length"] === undefined) return json(res, 400, { message: "content-type and content-length are required" });
      if (release.immutable && !release.draft) return json(res, 422, { message: "Cannot upload assets to an immutable release." });
      if (fault && "brokenUpload" in fault) {
        // GitHub: "a 502 ... may leave an empty asset with a state of starter".
        this.store(release, name, Buffer.alloc(0), String(req.headers["content-type"])).state = "starter";
        return json(res, 502, { message: "Bad Gateway" });
      }
      if (release.stored.some((a) => a.name === name)) {
        return json(res, 422, { message: "Validation Failed", errors: [{ resource: "ReleaseAsset", code: "already_exists", field: "name" }] });
      }
      const asset = this.store(release, name, body, String(req.headers["content-type"]), realDigest(body));
      return json(res, 201, this.assetJson(asset));
    }
    let m = /^\/repos\/([^/]+)\/([^/]+)\/releases\/tags\/([^/]+)$/.exec(url.pathname);
    // The latest release: the newest published one (as GitHub, which also skips pre-releases).
    const latest = /^\/repos\/([^/]+)\/([^/]+)\/releases\/latest$/.exec(url.pathname);
    if (latest && method === "GET") {
      const release = repo(latest[1]!, latest[2]!).filter((r) => !r.draft).pop();
      return release ? json(res, 200, this.releaseJson(release)) : notFound(res);
    }
    if (m && method === "GET") {
      const release = repo(m[1]!, m[2]!).find((r) => r.tag === decodeURIComponent(m![3]!) && !r.draft);
      if (!release) return notFound(res);
      const out = this.releaseJson(release);
      out.assets = out.assets.slice(0, this.options.embeddedAssets ?? 100);
      return json(res, 200, out);
    }
    // A release's tag, as an annotated tag object pointing to a commit (commitOf gives its id).
    m = /^\/repos\/([^/]+)\/([^/]+)\/git\/ref\/tags\/(.+)$/.exec(decodeURIComponent(url.pathname));
    if (m && method === "GET") {
      const release = repo(m[1]!, m[2]!).find((r) => r.tag === m![3]!);
      if (!release) return notFound(res);
      return json(res, 200, { ref: `refs/tags/${release.tag}`, object: { type: "tag", sha: GitHubStandIn.tagObjectOf(m[1]!, m[2]!, release.tag) } });
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/git\/tags\/([0-9a-f]{40})$/.exec(url.pathname);
    if (m && method === "GET") {
      const release = repo(m[1]!, m[2]!).find((r) => GitHubStandIn.tagObjectOf(m![1]!, m![2]!, r.tag) === m![3]);
      if (!release) return notFound(res);
      return json(res, 200, { sha: m[3], tag: release.tag, object: { type: "commit", sha: GitHubStandIn.commitOf(m[1]!, m[2]!, release.tag) } });
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/releases$/.exec(url.pathname);
    if (m && method === "GET") {
      return this.paginate(res, url, repo(m[1]!, m[2]!).map((r) => this.releaseJson(r)).reverse());
    }
    if (m && method === "POST") {
      const input = JSON.parse(body.toString("utf8") || "{}") as { tag_name?: string; name?: string; body?: string; draft?: boolean };
      if (!input.tag_name) return json(res, 422, { message: "tag_name is required" });
      if (repo(m[1]!, m[2]!).some((r) => r.tag === input.tag_name)) {
        return json(res, 422, { message: "Validation Failed", errors: [{ resource: "Release", code: "already_exists", field: "tag_name" }] });
      }
      const release: StoredRelease = { owner: m[1]!, repo: m[2]!, tag: input.tag_name, assets: [], draft: input.draft ?? false, id: this.nextId++, stored: [], ...(input.name !== undefined && { name: input.name }), ...(input.body !== undefined && { body: input.body }) };
      this.releases.push(release);
      return json(res, 201, this.releaseJson(release));
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/releases\/(\d+)\/assets$/.exec(url.pathname);
    if (m && method === "GET") {
      const release = this.releases.find((r) => r.id === Number(m![3]));
      if (!release) return notFound(res);
      return this.paginate(res, url, release.stored.map((a) => this.assetJson(a)));
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/releases\/(\d+)$/.exec(url.pathname);
    if (m && method === "PATCH") {
      const release = this.releases.find((r) => r.id === Number(m![3]));
      if (!release) return notFound(res);
      const input = JSON.parse(body.toString("utf8") || "{}") as { draft?: boolean; body?: string; name?: string };
      if (input.draft !== undefined) release.draft = input.draft;
      if (input.body !== undefined) release.body = input.body;
      if (input.name !== undefined) release.name = input.name;
      return json(res, 200, this.releaseJson(release));
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/attestations\/sha256:([0-9a-f]{64})$/.exec(decodeURIComponent(url.pathname));
    if (m && method === "GET") {
      const found = this.attestations.filter((a) => a.owner === m![1] && a.repo === m![2] && a.sha256 === m![3]);
      // GitHub answers 404 for a digest without attestations.
      if (!found.length) return notFound(res);
      return json(res, 200, {
        attestations: found.map((a) => ({
          repository_id: 1,
          initiator: "user",
          bundle: a.byUrl ? null : a.bundle,
          ...(a.byUrl && { bundle_url: `${this.storageUrl}/attestations/${this.attestations.indexOf(a)}.json.sn?sv=standin&sig=signed` }),
        })),
      });
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/releases\/assets\/(\d+)$/.exec(url.pathname);
    if (m && method === "GET") {
      const asset = this.findAsset(Number(m[3]));
      if (!asset) return notFound(res);
      if (req.headers.accept === "application/octet-stream") {
        res.writeHead(302, { location: `${this.storageUrl}/download/${asset.id}?signature=standin` });
        return void res.end();
      }
      return json(res, 200, this.assetJson(asset));
    }
    if (m && method === "DELETE") {
      const asset = this.findAsset(Number(m[3]));
      if (!asset) return notFound(res);
      if (asset.release.immutable && !asset.release.draft) return json(res, 422, { message: "Cannot delete assets of an immutable release." });
      asset.release.stored.splice(asset.release.stored.indexOf(asset), 1);
      res.writeHead(204);
      return void res.end();
    }
    notFound(res);
  }

  private paginate(res: ServerResponse, url: URL, all: unknown[]): void {
    const perPage = Number(url.searchParams.get("per_page") ?? 30);
    const page = Number(url.searchParams.get("page") ?? 1);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    if (page < last) {
      const next = new URL(url);
      next.searchParams.set("page", String(page + 1));
      res.setHeader("link", `<${next.href}>; rel="next"`);
    }
    json(res, 200, all.slice((page - 1) * perPage, page * perPage));
  }

  private handleStorage(req: IncomingMessage, res: ServerResponse): void {
    this.log("storage", req);
    if (req.headers.authorization) {
      res.writeHead(400, { "content-type": "application/xml" });
      return void res.end("<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>");
    }
    const path = new URL(req.url ?? "/", this.storageUrl).pathname;
    const attestation = /^\/attestations\/(\d+)\.json\.sn$/.exec(path);
    if (attestation && this.attestations[Number(attestation[1])]) {
      const data = Buffer.from(compress(new Uint8Array(Buffer.from(JSON.stringify(this.attestations[Number(attestation[1])]!.bundle)))));
      res.writeHead(200, { "content-type": "application/x-snappy", "content-length": data.length });
      return void res.end(data);
    }
    const m = /^\/download\/(\d+)$/.exec(path);
    const asset = m ? this.findAsset(Number(m[1])) : undefined;
    if (!asset) {
      res.writeHead(404);
      return void res.end();
    }
    const fault = this.dueFault("storage");
    if (fault) return this.serveFault(fault, req, res, asset.data);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": asset.size });
    if (Buffer.isBuffer(asset.data)) res.end(asset.data);
    else createReadStream(asset.data.file).pipe(res);
  }

  private findAsset(id: number): StoredAsset | undefined {
    return this.releases.flatMap((r) => r.stored).find((a) => a.id === id);
  }

  private releaseJson(release: StoredRelease) {
    return {
      id: release.id,
      tag_name: release.tag,
      name: release.name ?? release.tag,
      body: release.body ?? "",
      draft: release.draft ?? false,
      prerelease: false,
      immutable: release.immutable ?? false,
      html_url: `https://github.com/${release.owner}/${release.repo}/releases/tag/${release.tag}`,
      upload_url: `${this.apiUrl}/api/uploads/repos/${release.owner}/${release.repo}/releases/${release.id}/assets{?name,label}`,
      assets: release.stored.map((a) => this.assetJson(a)),
    };
  }

  private assetJson(asset: StoredAsset) {
    const { owner, repo, tag } = asset.release;
    const digest = asset.digest !== undefined ? asset.digest : (asset.digest = realDigest(asset.data));
    return {
      id: asset.id,
      name: asset.name,
      label: null,
      state: asset.state,
      content_type: asset.contentType,
      size: asset.size,
      updated_at: asset.updatedAt,
      ...(digest !== "omit" && { digest }),
      url: `${this.apiUrl}/repos/${owner}/${repo}/releases/assets/${asset.id}`,
      browser_download_url: `https://github.com/${owner}/${repo}/releases/download/${tag}/${asset.name}`,
    };
  }
}

function realDigest(data: Buffer | { file: string }): string {
  return `sha256:${createHash("sha256").update(Buffer.isBuffer(data) ? data : readFileSync(data.file)).digest("hex")}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-github-request-id": "STANDIN" });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse): void {
  json(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" });
}
