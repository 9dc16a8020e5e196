// A local imitation of PyPI's JSON API (GET /pypi/<name>/json and /pypi/<name>/<version>/json),
// for the release pre-flight: projects, versions and their files with sizes, digests and upload
// times, as warehouse lists them; 404 for what it does not have; injected 5xx answers; redirects
// (to another site, to file:// or plain http), as a hostile index or proxy would send.
import { createHash } from "node:crypto";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInFile {
  filename: string;
  /** The file's bytes (size and sha256 are taken from them), or its size and sha256 as listed. */
  data?: Buffer;
  size?: number;
  sha256?: string;
  /** Default: now. */
  uploaded?: Date;
}

export class PyPIStandIn {
  /** Paths asked, in order. */
  readonly requests: string[] = [];
  /** name -> version -> files. */
  private readonly projects = new Map<string, Map<string, StandInFile[]>>();
  private failures = 0;
  private readonly redirects = new Map<string, string>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<PyPIStandIn> {
    let self: PyPIStandIn | undefined;
    const server = createServer((req, res) => self!.handle(req.url ?? "/", res));
    self = new PyPIStandIn(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return self;
  }

  /** The value for --index-url / BINWHEEL_INDEX_URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Files of a version (the project and version are created as needed; no files: a release whose files were all deleted). */
  add(name: string, version: string, files: StandInFile[] = []): void {
    const versions = this.projects.get(name) ?? new Map<string, StandInFile[]>();
    this.projects.set(name, versions);
    versions.set(version, [...(versions.get(version) ?? []), ...files]);
  }

  /** Answers requests for `path` ("/pypi/x/1.0/json") with a 302 to `location`. */
  redirect(path: string, location: string): void {
    this.redirects.set(path, location);
  }

  /** The next `count` requests are answered 503. */
  failNext(count: number): void {
    this.failures = count;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(url: string, res: ServerResponse): void {
    const path = new URL(url, this.url).pathname;
    this.requests.push(path);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const location = this.redirects.get(path);
    if (location) {
      res.writeHead(302, { location });
      return void res.end();
    }
    if (this.failures > 0) {
      this.failures--;
      return send(503, { message: "Service Unavailable" });
    }
    const m = /^\/pypi\/([^/]+)(?:\/([^/]+))?\/json$/.exec(path);
    const versions = m ? this.projects.get(m[1]!) : undefined;
    if (!m || !versions) return send(404, { message: "Not Found" });
    const urls = (files: StandInFile[]) => files.map((f) => this.fileJson(f));
    if (m[2] === undefined) {
      return send(200, {
        info: { name: m[1], version: [...versions.keys()].pop() },
        releases: Object.fromEntries([...versions].map(([v, files]) => [v, urls(files)])),
        urls: urls([...versions.values()].pop() ?? []),
      });
    }
    const files = versions.get(decodeURIComponent(m[2]));
    if (!files) return send(404, { message: "Not Found" });
    send(200, { info: { name: m[1], version: m[2] }, urls: urls(files), vulnerabilities: [] });
  }

  private fileJson(f: StandInFile) {
    const sha256 = f.sha256 ?? createHash("sha256").update(f.data ?? Buffer.alloc(0)).digest("hex");
    const uploaded = f.uploaded ?? new Date();
    return {
      filename: f.filename,
      size: f.size ?? f.data?.length ?? 0,
      digests: { sha256, md5: "0".repeat(32), blake2b_256: "0".repeat(64) },
      packagetype: f.filename.endsWith(".whl") ? "bdist_wheel" : "sdist",
      upload_time: uploaded.toISOString().slice(0, 19),
      upload_time_iso_8601: uploaded.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z"),
      url: `https://files.pythonhosted.org/packages/ab/cd/${f.filename}`,
      yanked: false,
      requires_python: null,
      python_version: f.filename.endsWith(".whl") ? "py3" : "source",
      has_sig: false,
      comment_text: "",
      md5_digest: "0".repeat(32),
      downloads: -1,
      yanked_reason: null,
    };
  }
}
