// A plain download site for tests (`url` sources, and GitLab links to another host): files by
// path with Content-Length, ETag and Last-Modified (conditional requests answer 304), Basic auth
// for the files that need it, redirects (to another site, to file:// or plain http), and injected
// faults (an answer gzip-compressed whatever the request asked for, among them). A real HTTP server, because pip runs the backend in a child process. Every request is
// logged with the credentials it carried, so tests can assert where they went.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

export interface SiteRequest {
  method: string;
  url: string;
  authorization?: string;
  /** GitLab's token headers, which must never reach a site that is not the GitLab API. */
  privateToken?: string;
  jobToken?: string;
  ifNoneMatch?: string;
  acceptEncoding?: string;
}

export type SiteFault =
  | { status: number }
  | { reset: true }
  | { cut: true }
  /** Serves `total` bytes of filler without a Content-Length (a body that never ends). */
  | { oversize: number }
  /** Serves the file gzip-compressed (Content-Encoding: gzip, the compressed length), whatever Accept-Encoding asked. */
  | { gzip: true };

export interface SiteOptions {
  /** "127.0.0.1" (default) or "localhost": two sites on different host names are different hosts. */
  host?: "127.0.0.1" | "localhost";
  /** Basic auth every file needs (401 with WWW-Authenticate otherwise). */
  login?: { user: string; password: string };
  /** Answer 400 to any request carrying credentials (Authorization, PRIVATE-TOKEN, JOB-TOKEN), like a storage host. */
  refuseCredentials?: boolean;
}

export class HttpStandIn {
  readonly requests: SiteRequest[] = [];
  /** Bytes the `oversize` faults managed to send before the client hung up. */
  oversizeSent = 0;
  private readonly files = new Map<string, Buffer>();
  private readonly redirects = new Map<string, { location: string; status: number }>();
  private readonly faults: SiteFault[] = [];

  private constructor(
    private readonly server: Server,
    private readonly options: SiteOptions,
  ) {}

  static async start(options: SiteOptions = {}): Promise<HttpStandIn> {
    let self: HttpStandIn | undefined;
    const server = createServer((req, res) => void self!.handle(req, res));
    self = new HttpStandIn(server, options);
    await new Promise<void>((resolve) => server.listen(0, options.host ?? "127.0.0.1", () => resolve()));
    return self;
  }

  get url(): string {
    return `http://${this.options.host ?? "127.0.0.1"}:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves `data` at `path` ("/v1.0/tool.tar.gz"). */
  file(path: string, data: Buffer | string): this {
    this.files.set(path, Buffer.from(data));
    return this;
  }

  /** Answers requests for `path` with a redirect to `location` (any URL, another site's or file:///etc/passwd). */
  redirect(path: string, location: string, status = 302): this {
    this.redirects.set(path, { location, status });
    return this;
  }

  /** Queues failures for the coming file requests. */
  inject(...faults: SiteFault[]): void {
    this.faults.push(...faults);
  }

  /** Requests for `path` so far. */
  requestsFor(path: string): SiteRequest[] {
    return this.requests.filter((r) => r.url.split("?")[0] === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const header = (name: string) => (typeof req.headers[name] === "string" ? (req.headers[name] as string) : undefined);
    const logged: SiteRequest = { method: req.method ?? "GET", url: req.url ?? "/" };
    for (const [key, name] of [["authorization", "authorization"], ["privateToken", "private-token"], ["jobToken", "job-token"], ["ifNoneMatch", "if-none-match"], ["acceptEncoding", "accept-encoding"]] as const) {
      const value = header(name);
      if (value !== undefined) logged[key] = value;
    }
    this.requests.push(logged);
    const path = new URL(req.url ?? "/", this.url).pathname;
    if (this.options.refuseCredentials && (logged.authorization || logged.privateToken || logged.jobToken)) {
      res.writeHead(400, { "content-type": "application/xml" });
      return void res.end("<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>");
    }
    const redirect = this.redirects.get(path);
    if (redirect) {
      res.writeHead(redirect.status, { location: redirect.location });
      return void res.end();
    }
    const { login } = this.options;
    if (login && logged.authorization !== `Basic ${Buffer.from(`${login.user}:${login.password}`).toString("base64")}`) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="downloads"' });
      return void res.end("unauthorized");
    }
    const data = this.files.get(path);
    if (!data) {
      res.writeHead(404, { "content-type": "text/plain" });
      return void res.end("not found");
    }
    const fault = this.faults.shift();
    if (fault) return this.serveFault(fault, req, res, data);
    const etag = `"${createHash("sha256").update(data).digest("hex").slice(0, 16)}"`;
    if (logged.ifNoneMatch === etag) {
      res.writeHead(304, { etag });
      return void res.end();
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": data.length, etag, "last-modified": "Mon, 01 Jan 2024 00:00:00 GMT" });
    res.end(req.method === "HEAD" ? undefined : data);
  }

  private serveFault(fault: SiteFault, req: IncomingMessage, res: ServerResponse, data: Buffer): void {
    if ("reset" in fault) {
      req.socket.destroy();
    } else if ("cut" in fault) {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": data.length });
      res.write(data.subarray(0, data.length >> 1), () => res.socket?.destroy());
    } else if ("status" in fault) {
      res.writeHead(fault.status, { "content-type": "text/plain" });
      res.end("server error");
    } else if ("gzip" in fault) {
      const body = gzipSync(data);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-encoding": "gzip", "content-length": body.length });
      res.end(body);
    } else {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      void this.stream(res, fault.oversize);
    }
  }

  private stream(res: ServerResponse, total: number): Promise<void> {
    return streamSpaces(res, Buffer.alloc(0), total, (n) => (this.oversizeSent += n));
  }
}

/**
 * Writes `head`, then spaces, `total` bytes in all, as fast as the client reads; stops when it
 * hangs up. `sent` counts each part. Each wait for the client removes both its listeners when
 * one fires: a slow client must not pile up "close" listeners (MaxListenersExceededWarning).
 */
export async function streamSpaces(res: ServerResponse, head: Buffer, total: number, sent: (bytes: number) => void): Promise<void> {
  const filler = Buffer.alloc(64 << 10, 0x20);
  let done = 0;
  while (done < total && !res.destroyed) {
    const part = done === 0 && head.length ? head.subarray(0, total) : filler.subarray(0, Math.min(filler.length, total - done));
    done += part.length;
    sent(part.length);
    if (!res.write(part)) {
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off("drain", go);
          res.off("close", go);
          resolve();
        };
        res.on("drain", go);
        res.on("close", go);
      });
    }
  }
  res.end();
}
