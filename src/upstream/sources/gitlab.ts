// `gitlab = "group/project"` (subgroups too): the release tagged `plan.releaseTag`, found through
// the API v4 (`GET /projects/:path/releases/:tag`), and its asset among the release's links (by
// the link's name, else the file name its URL ends with). Downloads start at the link's
// `direct_asset_url` (else its `url`), which often leads to the generic package registry; a link
// is a hop from the API that named it (http/fetch.ts), so an https GitLab cannot send binwheel to
// plain http. The token (GITLAB_TOKEN as PRIVATE-TOKEN, else CI_JOB_TOKEN as JOB-TOKEN) goes only
// to the API calls binwheel makes and to the URLs that serve the upstream project's own files
// (ownedBy): a link, or a redirect, to another project on the same GitLab, to another host, or to
// any other endpoint of the project (its CI/CD variables, a job's log) gets no token, so a release
// link cannot make binwheel read what the packager's token can read.
import type { UpstreamSource } from "../../config/upstream.js";
import { fail, redactUrl } from "../../errors.js";
import { Client, makeFetch } from "../http/fetch.js";
import { gitlabAccess, type GitLabAccess } from "../http/gitlab-api.js";
import type { TargetPlan } from "../../plan/target-plan.js";
import { checksumFileNames } from "../trust/checksums.js";
import { missingAsset, missingChecksumFile, type ReleaseListing, type Source } from "./source.js";
import { sourceId } from "../../config/lock.js";

interface ReleaseLink {
  name: string;
  url: string;
  direct_asset_url?: string;
}

/** What to try when GitLab refuses or does not find a private project. */
function privateHint(access: GitLabAccess): string {
  return access.tokenSource
    ? `If the project is private, check that the token in ${access.tokenSource} can read it (a personal or project token needs the read_api scope).`
    : `If the project is private, set GITLAB_TOKEN to a token with the read_api scope (in GitLab CI, CI_JOB_TOKEN is used when the project allows it).${access.jobTokenUnused ? ` ${access.jobTokenUnused}` : ""}`;
}

/** A release's tag and its links' names (binwheel init): the tagged release, else the latest (GitLab lists the newest first). */
export async function gitlabReleaseListing(project: string, tag: string | undefined, env: NodeJS.ProcessEnv): Promise<ReleaseListing> {
  const access = gitlabAccess(env);
  const api = new URL(access.apiUrl);
  const owned = ownedBy(api, project);
  const accessHint = privateHint(access);
  const client = new Client(await makeFetch(env), {
    service: "GitLab",
    headers: (url) => (access.token && access.header && owned(url) ? { [access.header]: access.token } : {}),
    ...(api.protocol === "http:" && { httpOrigins: [api.origin] }),
    api,
    advice: (status) => (status === 401 || status === 403 || status === 404 ? accessHint : ""),
  }, env);
  const base = `${access.apiUrl}/projects/${encodeURIComponent(project)}/releases`;
  const where = `${project} (${api.host})`;
  const notJson = "Check that GITLAB_API_URL points at the API (https://HOST/api/v4).";
  const answer = tag === undefined
    ? await client.json<unknown>(`${base}?per_page=1`, { action: `list the releases of ${project}`, notJson, notFound: () => `GitLab has no project ${where}. ${accessHint}` })
    : await client.json<unknown>(`${base}/${encodeURIComponent(tag)}`, { action: `find the release tagged "${tag}" in ${project}`, notJson, notFound: () => `GitLab has no release tagged "${tag}" in ${where}. ${accessHint}` });
  const release = (Array.isArray(answer) ? answer[0] : answer) as { tag_name?: unknown; assets?: { links?: unknown } } | undefined;
  if (release === undefined) fail(`GitLab lists no release in ${where}; binwheel init reads a release's assets. Publish one, or use --from-dir with the files.`);
  if (typeof release.tag_name !== "string" || release.tag_name === "") fail(`GitLab's answer for ${where} names no tag; check GITLAB_API_URL.`);
  const links = (Array.isArray(release.assets?.links) ? (release.assets.links as unknown[]) : []).filter(isLink);
  // A link's name is often a label ("Linux amd64"); the file its URL ends with is what a template names.
  return { tag: release.tag_name, assets: links.map((l) => ({ name: fileName(l) ?? l.name })) };
}

export function gitlabSource(plan: TargetPlan, env: NodeJS.ProcessEnv): Source {
  const { project } = plan.upstream.source as Extract<UpstreamSource, { kind: "gitlab" }>;
  const access = gitlabAccess(env);
  const api = new URL(access.apiUrl);
  const tag = plan.releaseTag;
  const where = `${project} ${tag} (${api.host})`;
  const accessHint = privateHint(access);
  const projectApi = `${access.apiUrl}/projects/${encodeURIComponent(project)}`;
  const notJson = "Check that GITLAB_API_URL points at the API (https://HOST/api/v4).";
  /**
   * The project's numeric id (package registry links name the project by it): the CI job's own
   * project's, on this GitLab, else asked for in locate() (a CI_JOB_TOKEN cannot read another private project's).
   */
  let projectId = access.ciProject?.path.toLowerCase() === project.toLowerCase() ? access.ciProject.id : undefined;
  let owned = ownedBy(api, project, projectId);
  return {
    key: { host: api.host, source: sourceId(plan.upstream), tag, asset: plan.assetName },
    where,
    policy: {
      service: "GitLab",
      headers: (url) => (access.token && access.header && owned(url) ? { [access.header]: access.token } : {}),
      ...(api.protocol === "http:" && { httpOrigins: [api.origin] }),
      api,
      advice: (status, url) =>
        access.tokenSource && url.origin === api.origin && !owned(url) && [401, 403, 404].includes(status)
          ? `binwheel sent no token to ${redactUrl(url)}: it is not a URL that serves a file of ${project} (its generic packages, release assets, uploads, job artifacts or repository files, ` +
            `in the API under /projects/${encodeURIComponent(project)}/${projectId !== undefined ? ` or /projects/${projectId}/` : ""} or on its pages under /${project}/-/), ` +
            `and a release link must not make binwheel read anything else with your token${projectId === undefined ? ` (the token in ${access.tokenSource} cannot read the project's id, so URLs naming it by id get none)` : ""}. Ask upstream to link the project's own files.`
          : status === 401 && url.origin === api.origin && access.tokenSource
          ? `GitLab rejected the token in ${access.tokenSource}; replace or remove it.`
          : status === 401 || status === 403 || status === 404 ? accessHint : "",
    },
    async locate(client) {
      const release = await client.json<{ assets?: { links?: unknown }; commit?: { id?: unknown } }>(`${projectApi}/releases/${encodeURIComponent(tag)}`, {
        action: `find the release tagged "${tag}" in ${project}`,
        notJson,
        notFound: () => `GitLab (${api.host}) has no release tagged "${tag}" in ${project}. Check [tool.binwheel.upstream] gitlab and tag and the upstream version ` +
          `(override it with -C upstream-version=<version>), and GITLAB_API_URL for a self-managed GitLab. ${accessHint}`,
      });
      if (access.token && projectId === undefined) {
        // Package registry links name the project by its id; a CI_JOB_TOKEN may not read it (a 404): then only path URLs get the token.
        const found = await client.json<{ id?: unknown }>(projectApi, { action: `read the id of ${project}`, notJson });
        if (Number.isSafeInteger(found?.id) && (found!.id as number) > 0) {
          projectId = found!.id as number;
          owned = ownedBy(api, project, projectId);
        }
      }
      const links = (Array.isArray(release?.assets?.links) ? (release.assets.links as unknown[]) : []).filter(isLink);
      const names = [...new Set(links.flatMap((l) => [l.name, fileName(l)]).filter((n): n is string => !!n))];
      const link = pick(links, plan.assetName, where) ?? missingAsset(plan, links.map((l) => l.name));
      const wanted = plan.checksums !== undefined ? [plan.checksums] : checksumFileNames(plan.assetName, names);
      const checksums = wanted.map((name) => ({ name, link: pick(links, name, where) ?? missingChecksumFile(plan, links.map((l) => l.name)) }))
        .filter((c, i, all) => all.findIndex((o) => o.link === c.link) === i);
      const commit = release?.commit?.id;
      return {
        ...(typeof commit === "string" && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit) && { commit }),
        url: downloadUrl(link),
        checksums: checksums.map(({ name, link: l }) => ({ name, label: `the release's ${l.name}`, url: downloadUrl(l), named: plan.checksums !== undefined })),
      };
    },
  };
}

/** An uploaded file, by its secret and name: under the project in the API and on the web, and under /-/project/<id>. */
const UPLOAD = /^\/uploads\/[^/]+\/[^/]+$/;

/**
 * The paths under /projects/<path or id> in the API that may get the token: the API calls binwheel
 * makes (the project, for its id; its releases) and the endpoints that serve the project's files.
 */
const API_PATHS = [
  /^$/, // the project
  /^\/releases(\/[^/]+)?$/, // its releases, one release
  /^\/releases\/[^/]+\/downloads\/.+/, // a release's asset
  /^\/packages\/generic\/[^/]+\/[^/]+\/[^/]+$/, // the generic package registry
  UPLOAD,
  /^\/jobs\/(\d+\/artifacts(\/.+)?|artifacts\/.+\/(download|raw\/.+))$/, // a job's artifacts, a ref's latest
  /^\/repository\/(files\/[^/]+|blobs\/[0-9a-f]+)\/raw$/, // a repository file
  /^\/repository\/archive(\.[a-z0-9.]+)?$/, // a repository archive
];

/** The paths under /<group>/<project> on the web that may get the token: pages that serve the project's files. */
const WEB_PATHS = [
  /^\/-\/releases\/.+\/downloads\/.+/, // a release's asset (direct_asset_url)
  /^\/-\/package_files\/\d+\/download$/, // a package file
  /^\/-\/(raw|archive)\/.+/, // a repository file, a repository archive
  /^\/-\/jobs\/(\d+\/artifacts|artifacts\/.+)\/(download|raw\/.+|file\/.+)$/, // a job's artifacts
  UPLOAD,
];

/**
 * Whether a URL may get the token of a packager building from the GitLab project `project` (whose
 * id is `id`, when known) on the GitLab whose API is `api`: on the API's origin, under the
 * project's API (/projects/<its path or id>) or web pages (/<its path>, and /-/project/<its id> for
 * uploads), one of API_PATHS or WEB_PATHS: the calls binwheel makes and the URLs that serve the
 * project's files, never another of its endpoints (its CI/CD variables, a job's log). Project paths
 * compare in any case, as GitLab's do. An encoded "/" or "\\" after the project could be read as
 * another path by a server or proxy that decodes it: no.
 */
export function ownedBy(api: URL, project: string, id?: number): (url: URL) => boolean {
  const apiBase = api.pathname.replace(/\/+$/, "");
  const webBase = /\/api\/v4$/.test(apiBase) ? apiBase.slice(0, -"/api/v4".length) : undefined;
  const names = [project.toLowerCase(), ...(id !== undefined ? [String(id)] : [])];
  const serves = (rest: string, paths: RegExp[]) => !/%2f|%5c|\\/i.test(rest) && paths.some((p) => p.test(rest));
  return (url) => {
    if (url.origin !== api.origin) return false;
    const path = url.pathname;
    if (path.startsWith(`${apiBase}/projects/`)) {
      const [segment, ...rest] = path.slice(apiBase.length + "/projects/".length).split("/");
      try {
        return names.includes(decodeURIComponent(segment!).toLowerCase()) && serves(rest.map((part) => `/${part}`).join(""), API_PATHS);
      } catch {
        return false;
      }
    }
    if (webBase === undefined) return false;
    const root = `${webBase}/${project}/`.toLowerCase();
    if (path.toLowerCase().startsWith(root)) return serves(path.slice(root.length - 1), WEB_PATHS);
    const byId = `${webBase}/-/project/${id}/`;
    return id !== undefined && path.startsWith(byId) && serves(path.slice(byId.length - 1), [UPLOAD]);
  };
}

function isLink(value: unknown): value is ReleaseLink {
  const link = value as Partial<ReleaseLink> | null;
  return !!link && typeof link.name === "string" && typeof link.url === "string" && URL.canParse(link.url) &&
    (link.direct_asset_url === undefined || link.direct_asset_url === null || (typeof link.direct_asset_url === "string" && URL.canParse(link.direct_asset_url)));
}

function downloadUrl(link: ReleaseLink): string {
  return link.direct_asset_url || link.url;
}

/** The file name a link's URL ends with (a link's name is often a label: "Linux amd64 binary"). */
function fileName(link: ReleaseLink): string | undefined {
  const last = new URL(downloadUrl(link)).pathname.split("/").pop() ?? "";
  try {
    return decodeURIComponent(last) || undefined;
  } catch {
    return undefined;
  }
}

/** The link named `name`, else the one whose URL ends with `name`; two different candidates are an error. */
function pick(links: ReleaseLink[], name: string, where: string): ReleaseLink | undefined {
  const named = links.filter((l) => l.name === name);
  const candidates = named.length ? named : links.filter((l) => fileName(l) === name);
  const urls = [...new Set(candidates.map(downloadUrl))];
  if (urls.length > 1) {
    fail(`release ${where} has ${candidates.length} links that could be "${name}" (${candidates.map((l) => `"${l.name}"`).join(", ")}) pointing at different files; binwheel will not guess. Ask upstream to name them apart, or pin the asset with [tool.binwheel.upstream] assets.`);
  }
  return candidates[0];
}
