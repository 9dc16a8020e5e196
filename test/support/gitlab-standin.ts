// A local imitation of GitLab's releases API v4 for tests: releases by tag with their asset
// links, the generic package registry those links usually point at, the `direct_asset_url` route
// (a redirect to the link's URL), and a second host (`external`, on "localhost") for links
// elsewhere that refuses any request carrying a token. With `requireToken`, the API and the
// package registry answer 404 without the token, as GitLab does for private projects, and the
// project itself (GET /projects/:path, its id) only to GITLAB_TOKEN (PRIVATE-TOKEN): a job token
// cannot read a private project. `privateFile` serves another project's file to the token only.
// Every request is logged with the token headers it carried.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpStandIn } from "./http-standin.js";

export interface GitLabLinkDef {
  /** The link's name in the release (often a label, not a file name). */
  name: string;
  data: Buffer;
  /** Where the file lives: the project's generic package registry (default) or another host. */
  on?: "package" | "external";
  /** The file name in its URL (default: the link's name). */
  fileName?: string;
  /** Whether the link has a direct_asset_url (default true). */
  direct?: boolean;
  /** The link's URL, as a path on this GitLab (another project's file, say) instead of `on`. */
  path?: string;
  /** A query the link's URL carries ("?X-Amz-Signature=…"), which the server ignores. */
  query?: string;
}

export interface GitLabReleaseDef {
  project: string;
  tag: string;
  links: GitLabLinkDef[];
}

export interface GitLabRequest {
  method: string;
  url: string;
  privateToken?: string;
  jobToken?: string;
  authorization?: string;
}

export class GitLabStandIn {
  readonly requests: GitLabRequest[] = [];
  private readonly releases: (GitLabReleaseDef & { id: number })[] = [];
  private readonly packages = new Map<string, Buffer>();
  private readonly privateFiles = new Map<string, Buffer>();
  private readonly faults: number[] = [];
  private nextId = 40;

  private constructor(
    private readonly server: Server,
    /** The other host links may point at; it refuses credentials. */
    readonly external: HttpStandIn,
    private readonly requireToken?: string,
  ) {}

  static async start(options: { requireToken?: string } = {}): Promise<GitLabStandIn> {
    let self: GitLabStandIn | undefined;
    const server = createServer((req, res) => self!.handle(req, res));
    const external = await HttpStandIn.start({ host: "localhost", refuseCredentials: true });
    self = new GitLabStandIn(server, external, options.requireToken);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return self;
  }

  get webUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The value for GITLAB_API_URL. */
  get apiUrl(): string {
    return `${this.webUrl}/api/v4`;
  }

  /** The commit a release's tag points to (made up, stable), as the release's commit.id gives it. */
  static commitOf(project: string, tag: string): string {
    return createHash("sha1").update(`commit ${project} ${tag}`).digest("hex");
  }

  addRelease(release: GitLabReleaseDef): void {
    const id = this.nextId++;
    this.releases.push({ ...release, id });
    for (const link of release.links) {
      const file = link.fileName ?? link.name;
      if (link.path) continue;
      if (link.on === "external") this.external.file(`/downloads/${release.tag}/${file}`, link.data);
      else this.packages.set(this.packagePath(this.projectId(release.project)!, release, file), link.data);
    }
  }

  /** Serves `data` at `path` ("/api/v4/projects/99/repository/files/.env/raw") to requests carrying the token only, as a private project does. */
  privateFile(path: string, data: Buffer): void {
    this.privateFiles.set(path, data);
  }

  /** The id GitLab gives the project (its first release's), as GET /projects/:path answers it. */
  projectId(project: string): number | undefined {
    return this.releases.find((r) => r.project === project)?.id;
  }

  /** Answers the coming API requests with these statuses (5xx are retried by binwheel). */
  inject(...statuses: number[]): void {
    this.faults.push(...statuses);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.external.close();
  }

  private packagePath(id: number, release: GitLabReleaseDef, file: string): string {
    return `/api/v4/projects/${id}/packages/generic/${release.project.split("/").pop()}/${release.tag}/${file}`;
  }

  private linkJson(release: GitLabReleaseDef & { id: number }, link: GitLabLinkDef, index: number) {
    const file = link.fileName ?? link.name;
    const url = (link.path ? `${this.webUrl}${link.path}` : link.on === "external" ? `${this.external.url}/downloads/${release.tag}/${file}` : `${this.webUrl}${this.packagePath(this.projectId(release.project)!, release, file)}`) + (link.query ?? "");
    return {
      id: release.id * 100 + index,
      name: link.name,
      url,
      ...(link.direct !== false && { direct_asset_url: `${this.webUrl}/${release.project}/-/releases/${release.tag}/downloads/${file}` }),
      link_type: link.on === "external" ? "other" : "package",
    };
  }

  private releaseJson(release: GitLabReleaseDef & { id: number }) {
    return {
      name: release.tag,
      tag_name: release.tag,
      commit: { id: GitLabStandIn.commitOf(release.project, release.tag), short_id: GitLabStandIn.commitOf(release.project, release.tag).slice(0, 8) },
      description: "",
      upcoming_release: false,
      assets: { count: release.links.length, sources: [], links: release.links.map((l, i) => this.linkJson(release, l, i)) },
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const header = (name: string) => (typeof req.headers[name] === "string" ? (req.headers[name] as string) : undefined);
    const logged: GitLabRequest = { method: req.method ?? "GET", url: req.url ?? "/" };
    for (const [key, name] of [["privateToken", "private-token"], ["jobToken", "job-token"], ["authorization", "authorization"]] as const) {
      const value = header(name);
      if (value !== undefined) logged[key] = value;
    }
    this.requests.push(logged);
    const path = new URL(req.url ?? "/", this.webUrl).pathname;
    const authorized = !this.requireToken || logged.privateToken === this.requireToken || logged.jobToken === this.requireToken;
    const fault = path.startsWith("/api/") ? this.faults.shift() : undefined;
    if (fault) return json(res, fault, { message: `${fault} Server Error` });

    const secret = this.privateFiles.get(path);
    if (secret) {
      if (!this.requireToken || logged.privateToken !== this.requireToken && logged.jobToken !== this.requireToken) return json(res, 404, { message: "404 Not Found" });
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": secret.length });
      return void res.end(secret);
    }
    const projectInfo = /^\/api\/v4\/projects\/([^/]+)$/.exec(path);
    if (projectInfo) {
      const project = decodeURIComponent(projectInfo[1]!);
      const id = this.projectId(project);
      if (id === undefined || (this.requireToken && logged.privateToken !== this.requireToken)) return json(res, 404, { message: "404 Project Not Found" });
      return json(res, 200, { id, path_with_namespace: project, visibility: this.requireToken ? "private" : "public" });
    }
    // The release list, newest first (GitLab's default order), paginated by per_page only.
    const list = /^\/api\/v4\/projects\/([^/]+)\/releases$/.exec(path);
    if (list) {
      const project = decodeURIComponent(list[1]!);
      const perPage = Number(new URL(req.url ?? "/", this.webUrl).searchParams.get("per_page") ?? 20);
      const found = this.releases.filter((r) => r.project === project).reverse().slice(0, perPage);
      if (!authorized) return json(res, 404, { message: "404 Not Found" });
      return json(res, 200, found.map((r) => this.releaseJson(r)));
    }
    const release = /^\/api\/v4\/projects\/([^/]+)\/releases\/([^/]+)$/.exec(path);
    if (release) {
      const project = decodeURIComponent(release[1]!);
      const tag = decodeURIComponent(release[2]!);
      const found = this.releases.find((r) => r.project === project && r.tag === tag);
      if (!found || !authorized) return json(res, 404, { message: "404 Not Found" });
      return json(res, 200, this.releaseJson(found));
    }
    if (path.startsWith("/api/v4/projects/") && path.includes("/packages/generic/")) {
      const data = this.packages.get(path);
      if (!data || !authorized) return json(res, 404, { message: "404 Not Found" });
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": data.length });
      return void res.end(data);
    }
    const direct = /^\/(.+)\/-\/releases\/([^/]+)\/downloads\/(.+)$/.exec(path);
    if (direct) {
      const found = this.releases.find((r) => r.project === direct[1] && r.tag === decodeURIComponent(direct[2]!));
      const index = found?.links.findIndex((l) => (l.fileName ?? l.name) === decodeURIComponent(direct[3]!)) ?? -1;
      if (!found || index < 0) return json(res, 404, { message: "404 Not Found" });
      res.writeHead(302, { location: this.linkJson(found, found.links[index]!, index).url });
      return void res.end();
    }
    json(res, 404, { message: "404 Not Found" });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
