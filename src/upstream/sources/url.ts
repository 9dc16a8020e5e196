// `url = "https://…/{asset}"`: any download site. The filled URL is checked before anything is
// fetched: https (http only for loopback hosts), no credentials inside, and no placeholder value
// that moves it to another host, into a query or fragment, or up the path. Credentials come from
// the netrc file (../http/netrc.ts) as Basic auth, and only for the host a request starts at (the
// url setting's, or the checksums URL's): never across a redirect to another host, whose netrc
// entry would otherwise make binwheel fetch that host's private files for whoever redirected it
// there. The `default` entry goes to the url setting's host only.
// A `checksums` URL may be absolute or relative to the asset's URL.
import { fail, redactUrl } from "../../errors.js";
import type { TargetPlan } from "../../plan/target-plan.js";
import { checkFetchable } from "../http/fetch.js";
import { basicAuth, netrcFile, netrcReader } from "../http/netrc.js";
import type { Source } from "./source.js";

export function urlSource(plan: TargetPlan, env: NodeJS.ProcessEnv): Source {
  const location = filledUrl(plan);
  const credentials = netrcReader(env);
  const netrcName = netrcFile(env)?.file ?? "~/.netrc";
  const checksums = plan.checksums === undefined ? undefined : new URL(plan.checksums, location);
  return {
    key: { host: location.host, source: `url:${location.href}`, tag: "", asset: plan.assetName },
    where: redactUrl(location),
    policy: {
      service: location.host,
      headers: (url, start): Record<string, string> => {
        const found = url.host === start.host ? credentials(url.hostname, url.host === location.host) : undefined;
        return found ? { authorization: basicAuth(found) } : {};
      },
      advice: (status, url, start) =>
        (status === 401 || status === 403) && url.host !== start.host
          ? `${start.host} redirected binwheel to ${url.host}, which gets no netrc login: binwheel sends one only to the host a download starts at, never across a redirect to another host. If you trust ${url.host}, point the setting at it directly.`
          : status === 401 || status === 403
          ? `If ${url.host} needs a login, put it in ${netrcName} ("machine ${url.hostname} login NAME password SECRET"); NETRC names another file.`
          : status === 404 ? `Check [tool.binwheel.upstream] url = "${redactUrl((plan.upstream.source as { template: string }).template)}" and the upstream version (-C upstream-version=<version>).` : "",
    },
    async locate() {
      return {
        url: location.href,
        checksums: checksums ? [{ name: lastPart(checksums), label: redactUrl(checksums), url: checksums.href, named: true }] : [],
      };
    },
  };
}

/** The plan's URL, once its placeholders are filled, refused if a value moved it somewhere the template does not point. */
function filledUrl(plan: TargetPlan): URL {
  const template = (plan.upstream.source as { template: string }).template;
  const filled = plan.location!;
  const refuse = (why: string): never =>
    fail(
      `pyproject.toml: [tool.binwheel.upstream] url = "${redactUrl(template)}" gives "${redactUrl(filled)}" for ${plan.target.triple}, which ${why}. ` +
        "A placeholder's value (a version, an asset name, a target's vars) must not change where the URL points; fix the value or the template.",
    );
  if (!URL.canParse(filled)) refuse("is not a URL");
  const url = new URL(filled);
  if (url.username || url.password) refuse('puts a user name before the host (a placeholder\'s value holds an "@")');
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(template);
  if (authority && !authority[1]!.includes("{")) {
    if (new URL(authority[0]).host !== url.host) refuse(`points at the host ${url.host}, not ${new URL(authority[0]).host}`);
  } else if (authority) {
    // A placeholder in the host: what follows the last one must still end the host.
    const suffix = authority[1]!.slice(authority[1]!.lastIndexOf("}") + 1).toLowerCase();
    if (!url.host.endsWith(suffix)) refuse(`points at the host ${url.host}, not one ending in ${suffix}`);
  }
  const outside = template.replace(/\{[^{}]*\}/g, "");
  if (url.search && !outside.includes("?")) refuse("gains a query (a placeholder's value holds a \"?\")");
  if (url.hash || (filled.includes("#") && !outside.includes("#"))) refuse("gains a fragment (a placeholder's value holds a \"#\")");
  const rawPath = filled.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "").split(/[?#]/)[0]!;
  if (rawPath.includes("\\") || rawPath.split("/").some((s) => /^(\.|%2e){1,2}$/i.test(s))) refuse('has a "." or ".." segment or a backslash in its path');
  checkFetchable(url, {});
  return url;
}

function lastPart(url: URL): string {
  const last = url.pathname.split("/").pop() ?? "";
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
