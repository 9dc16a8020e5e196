// GitLab's API as binwheel talks to it: the API v4 base (GITLAB_API_URL, else CI_API_V4_URL, else
// gitlab.com's), the token and the header it goes in (GITLAB_TOKEN as PRIVATE-TOKEN, else
// CI_JOB_TOKEN as JOB-TOKEN), and the web server's base for links. What a GitLab CI job gives
// (CI_JOB_TOKEN, its project's CI_PROJECT_PATH and CI_PROJECT_ID) belongs to the job's own GitLab
// (CI_API_V4_URL, else CI_SERVER_URL): it is used only when that is the API's origin, so a job
// packaging from another GitLab neither sends its job token there nor trusts its project's id there.
import { registerSecret } from "../../errors.js";
import { checkedBaseUrl } from "./fetch.js";

export interface GitLabAccess {
  /** The API v4 base, e.g. https://gitlab.com/api/v4. */
  apiUrl: string;
  token?: string;
  /** Which variable the token came from and the header it is sent in (never the token itself). */
  tokenSource?: "GITLAB_TOKEN" | "CI_JOB_TOKEN";
  header?: "PRIVATE-TOKEN" | "JOB-TOKEN";
  /** The CI job's own project (CI_PROJECT_PATH, CI_PROJECT_ID), when the job runs on this GitLab. */
  ciProject?: { path: string; id: number };
  /** Why a CI_JOB_TOKEN that is set is not used (it belongs to another GitLab), for hints. */
  jobTokenUnused?: string;
}

const DEFAULT_API = "https://gitlab.com/api/v4";

export function gitlabAccess(env: NodeJS.ProcessEnv): GitLabAccess {
  const apiUrl = apiUrlOf(env);
  const api = new URL(apiUrl);
  const ci = ciOrigin(env);
  const onCi = ci === api.origin;
  const path = env["CI_PROJECT_PATH"]?.trim();
  const id = env["CI_PROJECT_ID"]?.trim() ?? "";
  const ciProject = onCi && path && /^[1-9]\d{0,15}$/.test(id) ? { ciProject: { path, id: Number(id) } } : {};
  const gitlabToken = env["GITLAB_TOKEN"]?.trim();
  const jobToken = env["CI_JOB_TOKEN"]?.trim();
  if (gitlabToken) {
    registerSecret(gitlabToken, "GITLAB_TOKEN");
    return { apiUrl, token: gitlabToken, tokenSource: "GITLAB_TOKEN", header: "PRIVATE-TOKEN", ...ciProject };
  }
  if (jobToken && onCi) {
    registerSecret(jobToken, "CI_JOB_TOKEN");
    return { apiUrl, token: jobToken, tokenSource: "CI_JOB_TOKEN", header: "JOB-TOKEN", ...ciProject };
  }
  const unused = !jobToken ? undefined
    : ci === undefined ? "CI_JOB_TOKEN is set, but neither CI_API_V4_URL nor CI_SERVER_URL says which GitLab issued it, so binwheel does not send it."
    : `CI_JOB_TOKEN belongs to the GitLab this CI job runs on (${new URL(ci).host}), not to ${api.host}, so binwheel does not send it there.`;
  return { apiUrl, ...ciProject, ...(unused && { jobTokenUnused: unused }) };
}

/** The origin of the GitLab a CI job runs on (CI_API_V4_URL, else CI_SERVER_URL); undefined outside GitLab CI. */
function ciOrigin(env: NodeJS.ProcessEnv): string | undefined {
  for (const name of ["CI_API_V4_URL", "CI_SERVER_URL"]) {
    const value = env[name]?.trim();
    if (value) return URL.canParse(value) ? new URL(value).origin : undefined;
  }
  return undefined;
}

/** GITLAB_API_URL, else CI_API_V4_URL (set in GitLab CI), else gitlab.com's; checked. */
function apiUrlOf(env: NodeJS.ProcessEnv): string {
  const name = env["GITLAB_API_URL"]?.trim() ? "GITLAB_API_URL" : env["CI_API_V4_URL"]?.trim() ? "CI_API_V4_URL" : undefined;
  if (!name) return DEFAULT_API;
  return checkedBaseUrl(env[name]!, name, "the GitLab API v4 base (https://gitlab.com/api/v4, or https://HOST/api/v4 for a self-managed GitLab), or unset");
}

/** The GitLab web server's base URL (https://gitlab.com, or a self-managed host), for links to release pages. */
export function gitlabServer(env: NodeJS.ProcessEnv): string {
  const server = env["CI_SERVER_URL"]?.trim();
  const fromServer = !env["GITLAB_API_URL"]?.trim() && !!server && URL.canParse(server);
  // Only the origin and path: a login, query or fragment in the variable never reaches a link.
  const url = new URL(fromServer ? server! : apiUrlOf(env));
  const base = url.pathname.replace(/\/+$/, "");
  const path = fromServer ? base : /\/api\/v4$/.test(base) ? base.slice(0, -"/api/v4".length) : "";
  return `${url.protocol}//${url.host}${path}`;
}
