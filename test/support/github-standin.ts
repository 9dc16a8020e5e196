// A local imitation of the GitHub releases API, for tests and the demo. It must be a real HTTP
// server because pip runs the backend in a child process. Asset downloads redirect to a second
// origin that, like GitHub's storage host, refuses any request carrying an Authorization header.
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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
}

/** A failure served to the next request of one origin. */
export type Fault =
  | { origin: "api" | "storage"; status: number }
  | { origin: "api" | "storage"; reset: true }
  | { origin: "storage"; cut: true }
  | { origin: "api" | "storage"; rateLimit: { retryAfter?: number; reset?: number } };

export interface LoggedRequest {
  origin: "api" | "storage";
  method: string;
  url: string;
  authorization?: string;
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
  release: StoredRelease;
}

interface StoredRelease extends StandInRelease {
  id: number;
  stored: StoredAsset[];
}

export class GitHubStandIn {
  readonly requests: LoggedRequest[] = [];
  private readonly releases: StoredRelease[] = [];
  private readonly faults: Fault[] = [];
  private nextId = 1000;

  private constructor(
    private readonly api: Server,
    private readonly storage: Server,
    private readonly options: StandInOptions,
  ) {}

  static async start(options: StandInOptions = {}): Promise<GitHubStandIn> {
    let self: GitHubStandIn | undefined;
    const api = createServer((req, res) => self!.handleApi(req, res));
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

  addRelease(release: StandInRelease): void {
    const stored: StoredRelease = { ...release, id: this.nextId++, stored: [] };
    stored.stored = release.assets.map((a) => ({
      ...a,
      id: this.nextId++,
      size: Buffer.isBuffer(a.data) ? a.data.length : statSync(a.data.file).size,
      updatedAt: "2024-01-01T00:00:00Z",
      release: stored,
    }));
    this.releases.push(stored);
  }

  /** Upstream replaces an asset's content (same name and id, a new updated_at and digest). */
  replaceAsset(tag: string, name: string, data: Buffer): void {
    const asset = this.releases.find((r) => r.tag === tag)?.stored.find((a) => a.name === name);
    if (!asset) throw new Error(`no asset ${name} in ${tag}`);
    Object.assign(asset, { data, size: data.length, digest: realDigest(data), updatedAt: new Date(Date.parse(asset.updatedAt) + 1000).toISOString() });
  }

  /** Queues failures for the next requests of their origin. */
  inject(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Serves the next queued fault for `origin`, if any; true when it did. */
  private fault(origin: "api" | "storage", req: IncomingMessage, res: ServerResponse, body?: Buffer | { file: string }): boolean {
    const i = this.faults.findIndex((f) => f.origin === origin);
    if (i < 0) return false;
    const [fault] = this.faults.splice(i, 1);
    if ("reset" in fault!) {
      req.socket.destroy();
    } else if ("cut" in fault!) {
      const data = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": data.length });
      res.write(data.subarray(0, data.length >> 1), () => res.socket?.destroy());
    } else if ("rateLimit" in fault!) {
      const { retryAfter, reset } = fault.rateLimit;
      res.writeHead(403, {
        "content-type": "application/json; charset=utf-8",
        "x-ratelimit-remaining": "0",
        ...(reset !== undefined && { "x-ratelimit-reset": String(reset) }),
        ...(retryAfter !== undefined && { "retry-after": String(retryAfter) }),
      });
      res.end(JSON.stringify({ message: "API rate limit exceeded", documentation_url: "https://docs.github.com/rest" }));
    } else {
      res.writeHead(fault!.status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ message: "Server Error" }));
    }
    return true;
  }

  async close(): Promise<void> {
    for (const server of [this.api, this.storage]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private log(origin: LoggedRequest["origin"], req: IncomingMessage): void {
    const auth = req.headers.authorization;
    this.requests.push({ origin, method: req.method ?? "GET", url: req.url ?? "/", ...(auth !== undefined && { authorization: auth }) });
  }

  private handleApi(req: IncomingMessage, res: ServerResponse): void {
    this.log("api", req);
    if (this.fault("api", req, res)) return;
    const url = new URL(req.url ?? "/", this.apiUrl);
    const token = req.headers.authorization?.replace(/^(token|bearer)\s+/i, "");
    if (this.options.requireToken && token !== this.options.requireToken) return notFound(res);
    let m = /^\/repos\/([^/]+)\/([^/]+)\/releases\/tags\/([^/]+)$/.exec(url.pathname);
    if (m && req.method === "GET") {
      const release = this.releases.find((r) => r.owner === m![1] && r.repo === m![2] && r.tag === decodeURIComponent(m![3]!));
      if (!release) return notFound(res);
      const body = this.releaseJson(release);
      body.assets = body.assets.slice(0, this.options.embeddedAssets ?? 100);
      return json(res, 200, body);
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/releases\/(\d+)\/assets$/.exec(url.pathname);
    if (m && req.method === "GET") {
      const release = this.releases.find((r) => r.id === Number(m![3]));
      if (!release) return notFound(res);
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      const all = release.stored.map((a) => this.assetJson(a));
      const last = Math.max(1, Math.ceil(all.length / perPage));
      if (page < last) {
        const next = new URL(url);
        next.searchParams.set("page", String(page + 1));
        res.setHeader("link", `<${next.href}>; rel="next"`);
      }
      return json(res, 200, all.slice((page - 1) * perPage, page * perPage));
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/releases\/assets\/(\d+)$/.exec(url.pathname);
    if (m && req.method === "GET") {
      const asset = this.findAsset(Number(m[3]));
      if (!asset) return notFound(res);
      if (req.headers.accept === "application/octet-stream") {
        res.writeHead(302, { location: `${this.storageUrl}/download/${asset.id}?signature=standin` });
        return void res.end();
      }
      return json(res, 200, this.assetJson(asset));
    }
    notFound(res);
  }

  private handleStorage(req: IncomingMessage, res: ServerResponse): void {
    this.log("storage", req);
    if (req.headers.authorization) {
      res.writeHead(400, { "content-type": "application/xml" });
      return void res.end("<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>");
    }
    const m = /^\/download\/(\d+)$/.exec(new URL(req.url ?? "/", this.storageUrl).pathname);
    const asset = m ? this.findAsset(Number(m[1])) : undefined;
    if (!asset) {
      res.writeHead(404);
      return void res.end();
    }
    if (this.fault("storage", req, res, asset.data)) return;
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
      name: release.tag,
      draft: false,
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
      state: "uploaded",
      content_type: "application/octet-stream",
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
