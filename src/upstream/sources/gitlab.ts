// `gitlab = "group/project"` (subgroups too): the release tagged `plan.releaseTag`, found through
// the API v4 (`GET /projects/:path/releases/:tag`), and its asset among the release's links (by
// the link's name, else the file name its URL ends with). Downloads start at the link's
// `direct_asset_url` (else its `url`), which often leads to the generic package registry. The
// token (GITLAB_TOKEN as PRIVATE-TOKEN, else CI_JOB_TOKEN as JOB-TOKEN) goes only to URLs of the
// upstream project itself (ownedBy): a link, or a redirect, to another project on the same
// GitLab, or to another host, gets no token, so a release link cannot make binwheel read the
// packager's private files with the packager's token.
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
    : "If the project is private, set GITLAB_TOKEN to a token with the read_api scope (in GitLab CI, CI_JOB_TOKEN is used when the project allows it).";
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
   * The project's numeric id (package registry links name the project by it): GitLab CI's own
   * project's, else asked for in locate() (a CI_JOB_TOKEN cannot read another private project's).
   */
  let projectId = env["CI_PROJECT_PATH"]?.toLowerCase() === project.toLowerCase() && /^[1-9]\d{0,15}$/.test(env["CI_PROJECT_ID"] ?? "") ? Number(env["CI_PROJECT_ID"]) : undefined;
  let owned = ownedBy(api, project, projectId);
  return {
    key: { host: api.host, source: sourceId(plan.upstream), tag, asset: plan.assetName },
    where,
    policy: {
      service: "GitLab",
      headers: (url) => (access.token && access.header && owned(url) ? { [access.header]: access.token } : {}),
      ...(api.protocol === "http:" && { httpOrigins: [api.origin] }),
      advice: (status, url) =>
        access.tokenSource && url.origin === api.origin && !owned(url) && [401, 403, 404].includes(status)
          ? `binwheel sent no token to ${redactUrl(url)}: it is not a URL of ${project} (its API under /projects/${encodeURIComponent(project)}/${projectId !== undefined ? ` or /projects/${projectId}/` : ""}, its pages under /${project}/-/), ` +
            `and a release link must not make binwheel read other projects with your token${projectId === undefined ? ` (the token in ${access.tokenSource} cannot read the project's id, so URLs naming it by id get none)` : ""}. Ask upstream to link the project's own files.`
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

/**
 * Whether a URL belongs to the GitLab project `project` (whose id is `id`, when known) on the
 * GitLab whose API is `api`: the API's paths under /projects/<its path or id>/, and its web pages
 * under /<its path>/-/ (release downloads, raw files), on the API's origin. Paths compare in any
 * case, as GitLab's do. An encoded "/" or "\\" in a page path could be read as another path: no.
 */
export function ownedBy(api: URL, project: string, id?: number): (url: URL) => boolean {
  const apiBase = api.pathname.replace(/\/+$/, "");
  const webBase = /\/api\/v4$/.test(apiBase) ? apiBase.slice(0, -"/api/v4".length) : undefined;
  const names = [project.toLowerCase(), ...(id !== undefined ? [String(id)] : [])];
  return (url) => {
    if (url.origin !== api.origin) return false;
    const path = url.pathname;
    if (path.startsWith(`${apiBase}/projects/`)) {
      const segment = path.slice(apiBase.length + "/projects/".length).split("/")[0]!;
      try {
        return names.includes(decodeURIComponent(segment).toLowerCase());
      } catch {
        return false;
      }
    }
    const page = `${webBase}/${project}/-/`;
    return webBase !== undefined && path.toLowerCase().startsWith(page.toLowerCase()) && !/%2f|%5c|\\/i.test(path.slice(page.length));
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
