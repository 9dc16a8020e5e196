// GitLab's API as binwheel talks to it: the API v4 base (GITLAB_API_URL, else CI_API_V4_URL, else
// gitlab.com's), the token and the header it goes in (GITLAB_TOKEN as PRIVATE-TOKEN, else
// CI_JOB_TOKEN as JOB-TOKEN), and the web server's base for links.
import { registerSecret } from "../../errors.js";
import { checkedBaseUrl } from "./fetch.js";

export interface GitLabAccess {
  /** The API v4 base, e.g. https://gitlab.com/api/v4. */
  apiUrl: string;
  token?: string;
  /** Which variable the token came from and the header it is sent in (never the token itself). */
  tokenSource?: "GITLAB_TOKEN" | "CI_JOB_TOKEN";
  header?: "PRIVATE-TOKEN" | "JOB-TOKEN";
}

const DEFAULT_API = "https://gitlab.com/api/v4";

export function gitlabAccess(env: NodeJS.ProcessEnv): GitLabAccess {
  const apiUrl = apiUrlOf(env);
  for (const [source, header] of [["GITLAB_TOKEN", "PRIVATE-TOKEN"], ["CI_JOB_TOKEN", "JOB-TOKEN"]] as const) {
    const token = env[source]?.trim();
    if (token) {
      registerSecret(token, source);
      return { apiUrl, token, tokenSource: source, header };
    }
  }
  return { apiUrl };
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
