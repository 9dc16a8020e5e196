// Every source behind one interface: GitLab releases (links, the generic package registry, tokens
// that stay on the API host), any URL (netrc credentials that stay on their host, redirects,
// conditional requests), local paths (folders and files inside the project), and the hostile
// forms of each: filled URLs that point elsewhere, redirects to file:// or plain http, oversized
// checksum files, a netrc others can read, links that could be two files.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { execa } from "execa";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadProject } from "../../src/config/pyproject.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { fetchUpstreamAsset } from "../../src/upstream/asset.js";
import { gitlabServer } from "../../src/upstream/http/gitlab-api.js";
import { ownedBy } from "../../src/upstream/sources/gitlab.js";
import { redact } from "../../src/errors.js";
import { netrcReader, parseNetrc } from "../../src/upstream/http/netrc.js";
import { GitLabStandIn } from "../support/gitlab-standin.js";
import { HttpStandIn } from "../support/http-standin.js";
import { errorOf } from "../support/errors.js";
import { NODE, REPO } from "../support/project.js";
import { tempDir, tempProject } from "../support/tmp.js";

const TRIPLE = "x86_64-unknown-linux-gnu";
const ASSET = "tool-1.0.0-x86_64-unknown-linux-gnu.tar.gz";
const CONTENT = Buffer.from("the x86_64 tool archive ".repeat(4000));
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const TOKEN = "glpat-standInSecretToken456";
const PASSWORD = "n3trc-Secret-Passw0rd";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  vi.restoreAllMocks();
});
async function started<T extends { close(): Promise<void> }>(server: Promise<T>): Promise<T> {
  const s = await server;
  servers.push(s);
  return s;
}

/** A project whose upstream table is `upstream` (and `targetVars` for the x86_64 target); returns its root. */
function project(upstream: string, files: Record<string, string> = {}, targetVars = ""): string {
  const target = targetVars ? `{ tags = "auto", vars = { ${targetVars} } }` : '"auto"';
  return tempProject({
    "pyproject.toml": `[project]\nname = "tool-py"\nversion = "1.0.0"\n\n[tool.binwheel]\npackages = ["tool"]\n\n[tool.binwheel.upstream]\n${upstream}\n\n` +
      `[tool.binwheel.targets]\n"${TRIPLE}" = ${target}\n\n[[tool.binwheel.include]]\nfrom = "bin/*"\nto = "tool/_bin"\n`,
    "tool/__init__.py": "",
    ...files,
  });
}

async function fetchFrom(root: string, env: Record<string, string>, offline = false) {
  const plan = planTarget(loadProject(root), { target: TRIPLE, offline: false, locked: false, verbose: false }, undefined, {});
  return fetchUpstreamAsset(plan, tempDir(), { BINWHEEL_CACHE_DIR: tempDir(), ...env }, { offline }, root);
}

function quiet(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  return lines;
}

describe("gitlab", () => {
  const upstream = (extra = "") => `gitlab = "tools/sub/tool"\nasset = "tool-{version}-{target}.tar.gz"\n${extra}`;

  it("downloads from the generic package registry through direct_asset_url, the token only to the API host, verified by the release's SHA256SUMS", async () => {
    const gl = await started(GitLabStandIn.start({ requireToken: TOKEN }));
    gl.addRelease({ project: "tools/sub/tool", tag: "v1.0.0", links: [{ name: ASSET, data: CONTENT }, { name: "SHA256SUMS", data: Buffer.from(`${sha(CONTENT)}  ${ASSET}\n`) }] });
    const fetched = await fetchFrom(project(upstream()), { GITLAB_API_URL: gl.apiUrl, GITLAB_TOKEN: TOKEN });
    expect(readFileSync(fetched.file).equals(CONTENT)).toBe(true);
    const id = gl.projectId("tools/sub/tool");
    expect(gl.requests.map((r) => r.url)).toEqual([
      "/api/v4/projects/tools%2Fsub%2Ftool/releases/v1.0.0",
      // The project's id: its package registry's links name it so.
      "/api/v4/projects/tools%2Fsub%2Ftool",
      "/tools/sub/tool/-/releases/v1.0.0/downloads/SHA256SUMS",
      `/api/v4/projects/${id}/packages/generic/tool/v1.0.0/SHA256SUMS`,
      `/tools/sub/tool/-/releases/v1.0.0/downloads/${ASSET}`,
      expect.stringMatching(/packages\/generic\/tool\/v1\.0\.0\/tool-1\.0\.0-x86_64-unknown-linux-gnu\.tar\.gz$/),
    ]);
    expect(gl.requests.every((r) => r.privateToken === TOKEN && r.jobToken === undefined)).toBe(true);
  });

  it("sends CI_JOB_TOKEN as JOB-TOKEN, and never a token to a link on another host (nor across the redirect to it)", async () => {
    const gl = await started(GitLabStandIn.start({ requireToken: TOKEN }));
    gl.addRelease({ project: "tools/sub/tool", tag: "v1.0.0", links: [{ name: ASSET, data: CONTENT, on: "external" }] });
    const fetched = await fetchFrom(project(upstream(`sha256 = { "${TRIPLE}" = "${sha(CONTENT)}" }`)), { CI_API_V4_URL: gl.apiUrl, CI_JOB_TOKEN: TOKEN });
    expect(readFileSync(fetched.file).equals(CONTENT)).toBe(true);
    // The direct_asset_url is on the GitLab host (token), its redirect goes to the other host (none).
    expect(gl.requests.map((r) => [r.url, r.jobToken, r.privateToken])).toEqual([
      ["/api/v4/projects/tools%2Fsub%2Ftool/releases/v1.0.0", TOKEN, undefined],
      ["/api/v4/projects/tools%2Fsub%2Ftool", TOKEN, undefined],
      [`/tools/sub/tool/-/releases/v1.0.0/downloads/${ASSET}`, TOKEN, undefined],
    ]);
    expect(gl.external.requests).toEqual([{ method: "GET", url: `/downloads/v1.0.0/${ASSET}`, acceptEncoding: "identity" }]);
  });

  describe("a release link to another project on the same GitLab, or to the project's other endpoints (a confused deputy)", () => {
    const SECRET = Buffer.from("DATABASE_PASSWORD=the-packagers-own-secret\n");
    it.each([
      ["its API, by id", "/api/v4/projects/999/repository/files/secrets.env/raw", false],
      ["its API, by path", "/api/v4/projects/ops%2Fprivate/repository/files/secrets.env/raw", false],
      ["its web pages", "/ops/private/-/raw/main/secrets.env", false],
      ["a page of the project with an encoded slash", "/tools/sub/tool/-/raw/..%2F..%2F..%2Fops%2Fprivate%2F-%2Fraw%2Fmain%2Fsecrets.env", false],
      ["its API, through the project's own direct_asset_url", "/api/v4/projects/999/repository/files/secrets.env/raw", true],
      ["the project's own CI/CD variables", "/api/v4/projects/tools%2Fsub%2Ftool/variables", false],
      ["a job's log of the project", "/api/v4/projects/tools%2Fsub%2Ftool/jobs/1/trace", false],
      ["the project's variables page", "/tools/sub/tool/-/variables", false],
      ["the project's API with an encoded slash after it", "/api/v4/projects/tools%2Fsub%2Ftool/..%2F..%2Fprojects%2F999%2Frepository%2Ffiles%2Fsecrets.env%2Fraw", false],
    ])("is fetched without the token: %s", async (_, secretPath, direct) => {
      const gl = await started(GitLabStandIn.start({ requireToken: TOKEN }));
      gl.privateFile(secretPath, SECRET);
      gl.addRelease({ project: "tools/sub/tool", tag: "v1.0.0", links: [{ name: ASSET, data: SECRET, path: secretPath, direct }] });
      const cache = tempDir();
      const lines = quiet();
      const message = await errorOf(fetchFrom(project(upstream()), { GITLAB_API_URL: gl.apiUrl, GITLAB_TOKEN: TOKEN, BINWHEEL_CACHE_DIR: cache }));
      // The link was followed, without the token: GitLab answered as to anyone, and nothing was read.
      const asked = gl.requests.filter((r) => r.url === secretPath);
      expect(asked).toHaveLength(1);
      expect(asked[0]!.privateToken).toBeUndefined();
      expect(message).toMatch(new RegExp(`^GitLab answered 404 when binwheel tried to download ${ASSET.replace(/\./g, "\\.")} .*binwheel sent no token to http://127\\.0\\.0\\.1:\\d+${secretPath.replace(/[.%]/g, "\\$&")}: it is not a URL that serves a file of tools/sub/tool`));
      expect(message).not.toContain(TOKEN);
      expect(message).not.toContain("\n");
      expect(lines.join("")).not.toContain(TOKEN);
      expect(readdirSync(cache, { recursive: true }).filter((f) => String(f).startsWith("sha256/"))).toEqual([]);
    });

    it("the calls binwheel makes and the project's files get it, in any case, and a GitLab under a sub-path too; nothing else of the project does", () => {
      const owned = ownedBy(new URL("https://git.example.org/gitlab/api/v4"), "Tools/Sub/tool", 42);
      const yes = ["/gitlab/api/v4/projects/tools%2Fsub%2Ftool/releases/v1", "/gitlab/api/v4/projects/tools%2Fsub%2Ftool/releases", "/gitlab/api/v4/projects/42", "/gitlab/api/v4/projects/42/packages/generic/tool/v1/a.tar.gz",
        "/gitlab/api/v4/projects/42/releases/v1/downloads/bin/a.tar.gz", "/gitlab/api/v4/projects/42/uploads/66dbcd21ec5d24ed6ea225176098d52b/a.tar.gz", "/gitlab/api/v4/projects/42/jobs/7/artifacts",
        "/gitlab/api/v4/projects/42/jobs/7/artifacts/dist/a.tar.gz", "/gitlab/api/v4/projects/42/jobs/artifacts/main/raw/dist/a.tar.gz", "/gitlab/api/v4/projects/42/repository/files/a.tar.gz/raw",
        "/gitlab/api/v4/projects/42/repository/archive.tar.gz", "/gitlab/tools/sub/tool/-/releases/v1/downloads/a.tar.gz", "/gitlab/TOOLS/sub/TOOL/-/raw/main/a", "/gitlab/tools/sub/tool/-/archive/v1/tool-v1.tar.gz",
        "/gitlab/tools/sub/tool/-/package_files/9/download", "/gitlab/tools/sub/tool/-/jobs/7/artifacts/download", "/gitlab/tools/sub/tool/-/jobs/artifacts/main/raw/dist/a.tar.gz",
        "/gitlab/tools/sub/tool/uploads/66dbcd21ec5d24ed6ea225176098d52b/a.tar.gz", "/gitlab/-/project/42/uploads/66dbcd21ec5d24ed6ea225176098d52b/a.tar.gz"];
      const no = ["/gitlab/api/v4/projects/43/packages/generic/tool/v1/a.tar.gz", "/gitlab/api/v4/projects/tools%2Fsub%2Ftool2/releases/v1", "/gitlab/api/v4/groups/tools/projects", "/gitlab/tools/sub/tool2/-/raw/main/a",
        "/gitlab/tools/sub/tool/raw/main/a", "/api/v4/projects/42/packages/generic/tool/v1/a.tar.gz", "/gitlab/tools/sub/tool/-/raw/%2e%2e%5c%2e%2e%5cother",
        "/gitlab/api/v4/projects/42/variables", "/gitlab/api/v4/projects/42/triggers", "/gitlab/api/v4/projects/42/jobs/7/trace", "/gitlab/api/v4/projects/42/forks", "/gitlab/api/v4/projects/42/uploads",
        "/gitlab/api/v4/projects/42/repository/files/.env", "/gitlab/api/v4/projects/42/", "/gitlab/tools/sub/tool/-/variables", "/gitlab/tools/sub/tool/-/jobs/7/raw", "/gitlab/tools/sub/tool/-/settings/ci_cd",
        "/gitlab/api/v4/projects/42/repository/files/..%2f..%2fprojects%2f99/raw", "/gitlab/api/v4/projects/42/packages/generic/tool/v1/a%5c..%5c..%5cvariables", "/gitlab/-/project/43/uploads/66dbcd21ec5d24ed6ea225176098d52b/a.tar.gz"];
      for (const path of yes) expect([path, owned(new URL(`https://git.example.org${path}`))]).toEqual([path, true]);
      for (const path of no) expect([path, owned(new URL(`https://git.example.org${path}`))]).toEqual([path, false]);
      expect(owned(new URL("https://other.example.org/gitlab/api/v4/projects/42/x"))).toBe(false);
      expect(owned(new URL("http://git.example.org/gitlab/api/v4/projects/42/x"))).toBe(false);
      // Without the id, only the path names the project.
      expect(ownedBy(new URL("https://git.example.org/gitlab/api/v4"), "tools/sub/tool")(new URL("https://git.example.org/gitlab/api/v4/projects/42/x"))).toBe(false);
    });

    it("a CI_JOB_TOKEN, which cannot read a private project's id, still reaches the CI's own project's package links by id", async () => {
      const gl = await started(GitLabStandIn.start({ requireToken: TOKEN }));
      gl.addRelease({ project: "tools/sub/tool", tag: "v1.0.0", links: [{ name: ASSET, data: CONTENT }] });
      const root = project(upstream(`sha256 = { "${TRIPLE}" = "${sha(CONTENT)}" }`));
      const id = String(gl.projectId("tools/sub/tool"));
      // Another project's CI (or none): the package link names the project by an id binwheel cannot confirm.
      const message = await errorOf(fetchFrom(root, { CI_API_V4_URL: gl.apiUrl, CI_JOB_TOKEN: TOKEN, CI_PROJECT_PATH: "ops/other", CI_PROJECT_ID: "7" }));
      expect(message).toMatch(/binwheel sent no token to .*: it is not a URL that serves a file of tools\/sub\/tool .*the token in CI_JOB_TOKEN cannot read the project's id/);
      const fetched = await fetchFrom(root, { CI_API_V4_URL: gl.apiUrl, CI_JOB_TOKEN: TOKEN, CI_PROJECT_PATH: "tools/sub/tool", CI_PROJECT_ID: id });
      expect(readFileSync(fetched.file).equals(CONTENT)).toBe(true);
    });
  });

  it("uses what a GitLab CI job gives (CI_PROJECT_ID, CI_JOB_TOKEN) only when the job runs on the API's GitLab", async () => {
    const gl = await started(GitLabStandIn.start({ requireToken: TOKEN }));
    const secretPath = "/api/v4/projects/999/repository/files/secrets.env/raw";
    gl.privateFile(secretPath, Buffer.from("DATABASE_PASSWORD=the-packagers-own-secret\n"));
    gl.addRelease({ project: "tools/sub/tool", tag: "v1.0.0", links: [{ name: ASSET, data: Buffer.alloc(0), path: secretPath }] });
    // The job runs on gitlab.com, where its project tools/sub/tool has the id 999; the upstream is on the stand-in.
    const ci = { CI_API_V4_URL: "https://gitlab.com/api/v4", CI_SERVER_URL: "https://gitlab.com", CI_PROJECT_PATH: "tools/sub/tool", CI_PROJECT_ID: "999" };
    quiet();
    const root = project(upstream());
    expect(await errorOf(fetchFrom(root, { GITLAB_API_URL: gl.apiUrl, GITLAB_TOKEN: TOKEN, ...ci }))).toMatch(/^GitLab answered 404 .*binwheel sent no token to .*\/projects\/999\//);
    expect(gl.requests.filter((r) => r.url === secretPath).map((r) => r.privateToken)).toEqual([undefined]);
    // The job's token is gitlab.com's: it is not sent to another GitLab, and the error says why.
    const before = gl.requests.length;
    const message = await errorOf(fetchFrom(root, { GITLAB_API_URL: gl.apiUrl, CI_JOB_TOKEN: TOKEN, ...ci }));
    expect(message).toMatch(/has no release tagged "v1\.0\.0" .*CI_JOB_TOKEN belongs to the GitLab this CI job runs on \(gitlab\.com\), not to 127\.0\.0\.1:\d+, so binwheel does not send it there\.$/);
    expect(gl.requests.slice(before).map((r) => r.jobToken)).toEqual([undefined]);
  });

  it("finds a link named by a label through its URL's file name, and refuses two links that could both be the asset", async () => {
    const gl = await started(GitLabStandIn.start());
    gl.addRelease({ project: "tools/sub/tool", tag: "v1.0.0", links: [{ name: "Linux x86_64 (glibc)", fileName: ASSET, data: CONTENT, direct: false }] });
    const root = project(upstream(`sha256 = { "${TRIPLE}" = "${sha(CONTENT)}" }`));
    expect(readFileSync((await fetchFrom(root, { GITLAB_API_URL: gl.apiUrl })).file).equals(CONTENT)).toBe(true);
    const v2 = ASSET.replace("1.0.0", "2.0.0");
    gl.addRelease({ project: "tools/sub/tool", tag: "v2.0.0", links: [{ name: v2, fileName: "a.tar.gz", data: CONTENT }, { name: v2, fileName: "b.tar.gz", data: Buffer.from("other") }] });
    expect(await errorOf(fetchFrom(project(upstream('version = "2.0.0"')), { GITLAB_API_URL: gl.apiUrl }))).toMatch(
      /^release tools\/sub\/tool v2\.0\.0 \(127\.0\.0\.1:\d+\) has 2 links that could be "tool-2\.0\.0-x86_64-unknown-linux-gnu\.tar\.gz" .* pointing at different files; binwheel will not guess/,
    );
  });

  it("explains a missing release (private or not), a missing asset and a missing named checksum file", async () => {
    const gl = await started(GitLabStandIn.start({ requireToken: TOKEN }));
    gl.addRelease({ project: "tools/sub/tool", tag: "v1.0.0", links: [{ name: "tool-1.0.0-aarch64-apple-darwin.tar.gz", data: CONTENT }, { name: "checksums.txt", data: Buffer.from("x") }] });
    const env = { GITLAB_API_URL: gl.apiUrl };
    expect(await errorOf(fetchFrom(project(upstream()), env))).toMatch(/^GitLab \(127\.0\.0\.1:\d+\) has no release tagged "v1\.0\.0" in tools\/sub\/tool\. .*set GITLAB_TOKEN to a token with the read_api scope/);
    expect(await errorOf(fetchFrom(project(upstream()), { ...env, GITLAB_TOKEN: TOKEN }))).toMatch(
      /^release "v1\.0\.0" of tools\/sub\/tool has no asset named "tool-1\.0\.0-x86_64-unknown-linux-gnu\.tar\.gz" .*Its assets are: checksums\.txt, tool-1\.0\.0-aarch64-apple-darwin\.tar\.gz\./,
    );
    gl.addRelease({ project: "tools/sub/tool", tag: "v1.0.1", links: [{ name: "tool-1.0.1-x86_64-unknown-linux-gnu.tar.gz", data: CONTENT }] });
    expect(await errorOf(fetchFrom(project(upstream('version = "1.0.1"\nchecksums = "SHA256SUMS"')), { ...env, GITLAB_TOKEN: TOKEN }))).toMatch(
      /^release "v1\.0\.1" of tools\/sub\/tool has no file named "SHA256SUMS" \(from \[tool\.binwheel\.upstream\] checksums = "SHA256SUMS"\)/,
    );
  });

  it("retries a 5xx from the API, and a later build with a checksum file downloads nothing", async () => {
    const gl = await started(GitLabStandIn.start());
    gl.addRelease({ project: "tools/sub/tool", tag: "v1.0.0", links: [{ name: ASSET, data: CONTENT }, { name: `${ASSET}.sha256`, data: Buffer.from(sha(CONTENT)) }] });
    gl.inject(502);
    const cache = tempDir();
    const root = project(upstream());
    quiet();
    await fetchFrom(root, { GITLAB_API_URL: gl.apiUrl, BINWHEEL_CACHE_DIR: cache });
    const downloads = () => gl.requests.filter((r) => r.url.includes("/packages/generic/") && r.url.endsWith(".tar.gz")).length;
    expect(downloads()).toBe(1);
    const again = await fetchFrom(root, { GITLAB_API_URL: gl.apiUrl, BINWHEEL_CACHE_DIR: cache });
    expect(again.cached).toBe(true);
    expect(downloads()).toBe(1);
  });

  it("derives the web server from the API URL (release notes link to it)", () => {
    expect(gitlabServer({})).toBe("https://gitlab.com");
    expect(gitlabServer({ GITLAB_API_URL: "https://git.example.org/api/v4/" })).toBe("https://git.example.org");
    expect(gitlabServer({ CI_API_V4_URL: "https://ci.example.org/api/v4", CI_SERVER_URL: "https://ci.example.org" })).toBe("https://ci.example.org");
    expect(gitlabServer({ CI_API_V4_URL: "https://ci.example.org/gitlab/api/v4" })).toBe("https://ci.example.org/gitlab");
  });
});

describe("url", () => {
  it("downloads, verified by a checksum file relative to the asset's URL; a mismatch caches nothing", async () => {
    const site = await started(HttpStandIn.start());
    site.file(`/releases/1.0.0/${ASSET}`, CONTENT).file("/releases/1.0.0/SHASUMS256.txt", `${sha("other")}  other.tar.gz\n${sha(CONTENT)}  ${ASSET}\n`);
    const root = project(`url = "${site.url}/releases/{version}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"\nchecksums = "SHASUMS256.txt"`);
    expect(readFileSync((await fetchFrom(root, {})).file).equals(CONTENT)).toBe(true);
    site.file(`/releases/1.0.0/${ASSET}`, "tampered");
    const cache = tempDir();
    expect(await errorOf(fetchFrom(root, { BINWHEEL_CACHE_DIR: cache }))).toMatch(
      new RegExp(`^${ASSET.replace(/\./g, "\\.")} from http://127\\.0\\.0\\.1:\\d+/releases/1\\.0\\.0/${ASSET.replace(/\./g, "\\.")} has sha256 ${sha("tampered")}, but http://127\\.0\\.0\\.1:\\d+/releases/1\\.0\\.0/SHASUMS256\\.txt says ${sha(CONTENT)}`),
    );
    expect(readdirSync(path.join(cache, "index"))).toEqual([]);
  });

  it("asks the server whether the cached copy changed (If-None-Match) when no hash is known, and works offline after", async () => {
    const site = await started(HttpStandIn.start());
    site.file(`/${ASSET}`, CONTENT);
    const root = project(`url = "${site.url}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"`);
    const cache = tempDir();
    const lines = quiet();
    await fetchFrom(root, { BINWHEEL_CACHE_DIR: cache });
    expect(lines.join("")).toMatch(/warning: no sha256 is known for tool-1\.0\.0-x86_64-unknown-linux-gnu\.tar\.gz/);
    const again = await fetchFrom(root, { BINWHEEL_CACHE_DIR: cache });
    expect(again.cached).toBe(true);
    expect(site.requests.map((r) => r.ifNoneMatch)).toEqual([undefined, expect.stringMatching(/^"/)]);
    const before = site.requests.length;
    expect((await fetchFrom(root, { BINWHEEL_CACHE_DIR: cache }, true)).cached).toBe(true);
    expect(site.requests.length).toBe(before);
    site.file(`/${ASSET}`, "a new build");
    expect(readFileSync((await fetchFrom(root, { BINWHEEL_CACHE_DIR: cache })).file, "utf8")).toBe("a new build");
  });

  it("sends netrc credentials only to the host a download starts at: never across a redirect to another host, whose own entry (or the default) stays home", async () => {
    const other = await started(HttpStandIn.start({ host: "localhost", refuseCredentials: true }));
    other.file(`/mirror/${ASSET}`, CONTENT);
    const site = await started(HttpStandIn.start({ login: { user: "builder", password: PASSWORD } }));
    site.redirect(`/dl/${ASSET}`, `${other.url}/mirror/${ASSET}`);
    const netrc = path.join(tempDir(), "netrc");
    writeFileSync(netrc, `# downloads\nmachine 127.0.0.1\n  login builder\n  password "${PASSWORD}"\n\nmachine localhost login me password ${PASSWORD}-intranet\ndefault login anyone password ${PASSWORD}-default\n`);
    const root = project(`url = "${site.url}/dl/{asset}"\nasset = "tool-{version}-{target}.tar.gz"\nsha256 = { "${TRIPLE}" = "${sha(CONTENT)}" }`);
    expect(readFileSync((await fetchFrom(root, { NETRC: netrc })).file).equals(CONTENT)).toBe(true);
    expect(site.requests.map((r) => r.authorization)).toEqual([`Basic ${Buffer.from(`builder:${PASSWORD}`).toString("base64")}`]);
    expect(other.requests.map((r) => r.authorization)).toEqual([undefined]);
  });

  it("a host a redirect leads to that asks for a login (an intranet file) gets none, and the error says why", async () => {
    const intranet = await started(HttpStandIn.start({ host: "localhost", login: { user: "me", password: `${PASSWORD}-intranet` } }));
    intranet.file("/private/secrets.txt", "INTRANET SECRET: db_password=hunter2\n");
    const upstream = await started(HttpStandIn.start());
    upstream.redirect(`/${ASSET}`, `${intranet.url}/private/secrets.txt`);
    const netrc = path.join(tempDir(), "netrc");
    writeFileSync(netrc, `machine localhost login me password ${PASSWORD}-intranet\n`);
    const message = await errorOf(fetchFrom(project(`url = "${upstream.url}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"`), { NETRC: netrc }));
    expect(message).toMatch(/ answered 401 when binwheel tried to download .* \(localhost:\d+\)\. 127\.0\.0\.1:\d+ redirected binwheel to localhost:\d+, which gets no netrc login: binwheel sends one only to the host a download starts at/);
    expect(intranet.requests.map((r) => r.authorization)).toEqual([undefined]);
    expect(message).not.toContain(PASSWORD);
  });

  it("says how to log in after a 401, without showing any credential", async () => {
    const site = await started(HttpStandIn.start({ login: { user: "builder", password: PASSWORD } }));
    site.file(`/${ASSET}`, CONTENT);
    const netrc = path.join(tempDir(), "netrc");
    writeFileSync(netrc, `machine 127.0.0.1 login builder password wrong-${PASSWORD}\n`);
    const message = await errorOf(fetchFrom(project(`url = "${site.url}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"`), { NETRC: netrc }));
    expect(message).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+ answered 401 when binwheel tried to download ${ASSET.replace(/\./g, "\\.")} .*put it in ${netrc.replace(/[/.]/g, "\\$&")} \\("machine 127\\.0\\.0\\.1 login NAME password SECRET"\\)`));
    expect(message).not.toContain(PASSWORD);
  });

  it("refuses a ~/.netrc that others can read (as Python's netrc does), but not a file NETRC names", async () => {
    const site = await started(HttpStandIn.start({ login: { user: "builder", password: PASSWORD } }));
    site.file(`/${ASSET}`, CONTENT);
    const home = tempDir();
    writeFileSync(path.join(home, ".netrc"), `machine 127.0.0.1 login builder password ${PASSWORD}\n`);
    chmodSync(path.join(home, ".netrc"), 0o644);
    const root = project(`url = "${site.url}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"\nsha256 = { "${TRIPLE}" = "${sha(CONTENT)}" }`);
    const message = await errorOf(fetchFrom(root, { HOME: home }));
    expect(message).toBe(
      `${path.join(home, ".netrc")} holds a password for 127.0.0.1, but it can be read or written by other users (mode 0644), so binwheel will not use it (as Python's netrc and ftp refuse it). ` +
        `Run chmod 600 ${path.join(home, ".netrc")} (and make it yours), or set NETRC to a file you trust.`,
    );
    expect(message).not.toContain(PASSWORD);
    chmodSync(path.join(home, ".netrc"), 0o600);
    expect((await fetchFrom(root, { HOME: home })).sha256).toBe(sha(CONTENT));
    chmodSync(path.join(home, ".netrc"), 0o644);
    expect((await fetchFrom(root, { NETRC: path.join(home, ".netrc") })).sha256).toBe(sha(CONTENT));
  });

  it.each([
    ["to file://", "file:///etc/passwd", /redirected binwheel to a file: URL: binwheel fetches over https only/],
    ["to plain http on another host", "http://example.com/tool.tar.gz", /redirected binwheel to http:\/\/example\.com\/tool\.tar\.gz: binwheel fetches over https only \(plain http only from this machine's loopback addresses to themselves\)/],
    ["with a password in the URL", "https://user:pw@example.com/tool.tar.gz", /carries a user name or password in the URL/],
  ])("refuses a redirect %s", async (_, location, error) => {
    const site = await started(HttpStandIn.start());
    site.redirect(`/${ASSET}`, location);
    expect(await errorOf(fetchFrom(project(`url = "${site.url}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"`), {}))).toMatch(error);
    expect(site.requests.length).toBe(1);
  });

  it("stops after ten redirects", async () => {
    const site = await started(HttpStandIn.start());
    site.redirect("/loop", "/loop");
    expect(await errorOf(fetchFrom(project(`url = "${site.url}/loop"\nasset = "tool.tar.gz"`), {}))).toMatch(/redirected binwheel more than 10 times/);
  });

  it.each([
    ["another host", 'url = "https://{asset}.example.com/dl"', 'asset = "evil.example#"', "", /points at the host evil\.example, not one ending in \.example\.com/],
    ["a user part", 'url = "https://downloads.example.com{asset}/file"', 'asset = "@evil.example"', "", /puts a user name before the host/],
    ["a parent folder", 'url = "https://downloads.example.com/{dir}/{asset}"', 'asset = "tool.tar.gz"', 'dir = ".."', /has a "\." or "\.\." segment or a backslash in its path/],
    ["a fragment", 'url = "https://downloads.example.com/{asset}"', 'asset = "tool#x.tar.gz"', "", /gains a fragment/],
    ["a query", 'url = "https://downloads.example.com/{asset}"', 'asset = "tool?x=1.tar.gz"', "", /gains a query/],
  ])("refuses a filled URL that points elsewhere: %s", async (_, url, asset, vars, error) => {
    const message = await errorOf(fetchFrom(project(`${url}\n${asset}`, {}, vars), {}));
    expect(message).toMatch(/^pyproject\.toml: \[tool\.binwheel\.upstream\] url = ".*" gives ".*" for x86_64-unknown-linux-gnu, which /);
    expect(message).toMatch(error);
  });

  it("refuses credentials in the url setting, and a checksums URL over plain http", async () => {
    // As shown, the login is cut out of the URL.
    for (const login of ["me:Pw1", "me:Pw1 Pw2'Pw3", 'me:Pw1\\"Pw2`Pw3']) {
      const message = await errorOf(fetchFrom(project(`url = "https://${login}@downloads.example.com/{asset}"\nasset = "tool.tar.gz"`), {}));
      expect(message).toMatch(/^pyproject\.toml: \[tool\.binwheel\.upstream\] url "https:\/\/downloads\.example\.com\/\{asset\}" holds a user name or password; .*"machine downloads\.example\.com login NAME password SECRET"/);
      expect(message).not.toMatch(/Pw\d/);
    }
    expect(await errorOf(fetchFrom(project('url = "https://downloads.example.com/{asset}"\nasset = "tool.tar.gz"\nchecksums = "http://downloads.example.com/SHA256SUMS"'), {}))).toMatch(
      /^pyproject\.toml: \[tool\.binwheel\.upstream\] checksums "http:\/\/downloads\.example\.com\/SHA256SUMS" must be an https URL template/,
    );
  });

  it("refuses an oversized checksum file, declared or streamed", async () => {
    const site = await started(HttpStandIn.start());
    site.file(`/${ASSET}`, CONTENT).file("/SHA256SUMS", Buffer.alloc(2 << 20, 0x20));
    const root = project(`url = "${site.url}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"\nchecksums = "SHA256SUMS"`);
    expect(await errorOf(fetchFrom(root, {}))).toMatch(/^the checksum file SHA256SUMS in http:\/\/127\.0\.0\.1:\d+\/tool-1\.0\.0-x86_64-unknown-linux-gnu\.tar\.gz is larger than 1048576 bytes \(Content-Length: 2097152\)/);
    site.file("/SHA256SUMS", `${sha(CONTENT)}  ${ASSET}\n`);
    site.inject({ oversize: 8 << 20 });
    expect(await errorOf(fetchFrom(root, {}))).toMatch(/^127\.0\.0\.1:\d+ sent more than 1048576 bytes for SHA256SUMS .*did not retry/);
    expect(site.oversizeSent).toBeLessThan(4 << 20);
    expect(site.requestsFor(`/${ASSET}`)).toEqual([]);
  });
});

describe("netrc", () => {
  describe("a netrc file that is not a regular file never hangs a build: one error naming it and NETRC, nothing written", () => {
    const kinds: [string, (file: string) => void][] = [
      ["a FIFO", (file) => execFileSync("mkfifo", [file])],
      ["/dev/zero", (file) => symlinkSync("/dev/zero", file)],
      ["a folder", (file) => mkdirSync(file)],
      ["a file over 1 MiB", (file) => writeFileSync(file, `machine 127.0.0.1 login a password ${PASSWORD}\n`.padEnd(2 << 20, "#"), { mode: 0o600 })],
    ];
    it.each(kinds.flatMap(([kind, make]) => [["NETRC", kind, make], ["~/.netrc", kind, make]] as const))("%s is %s", async (variable, kind, make) => {
      const site = await started(HttpStandIn.start());
      site.file(`/${ASSET}`, CONTENT);
      const home = tempDir();
      const file = path.join(home, variable === "NETRC" ? "credentials" : ".netrc");
      make(file);
      const root = project(`url = "${site.url}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"\nsha256 = { "${TRIPLE}" = "${sha(CONTENT)}" }`);
      const result = await execa(NODE, [path.join(REPO, "python_shim/binwheel/_core.mjs"), "lock", root], {
        env: { HOME: home, BINWHEEL_CACHE_DIR: tempDir(), ...(variable === "NETRC" && { NETRC: file }) }, reject: false, timeout: 30_000,
      });
      expect(result.timedOut).toBe(false);
      expect(result.exitCode).toBe(1);
      const named = variable === "NETRC" ? `the netrc file NETRC names, ${file},` : `${file} (the netrc file binwheel reads when NETRC is not set)`;
      const why = kind === "a FIFO" ? "is a FIFO, not a file" : kind === "a folder" ? "is a folder, not a file" : kind === "/dev/zero" ? "is not a regular file" : "is 2097152 bytes, more than such a file ever holds";
      expect(result.stderr).toContain(`binwheel: error: ${named} ${why}`);
      expect(result.stderr).toMatch(/binwheel reads logins only from a regular file of at most 1048576 bytes\. (Set NETRC to your netrc file, or unset it|Replace it with a file, or set NETRC to one)\.$/);
      expect(result.stderr).not.toContain(PASSWORD);
      expect(readdirSync(root)).not.toContain("binwheel.lock");
      // Nothing was fetched: the login was needed before the first request left.
      expect(site.requests).toEqual([]);
    });
  });

  it("is read as Python's netrc reads it: machine, default, login/user, account, quotes, escapes, comments, macdef", () => {
    const netrc = parseNetrc(
      [
        "# a comment line",
        "machine files.example.com login alice password \"p a s s\" # trailing comment",
        "macdef init",
        "cd /pub",
        "machine inside.macro login x password y",
        "",
        "machine Other.Example.com",
        "\tuser bob",
        "\taccount acct",
        "\tpassword pa\\\"ss",
        "default login anon password guest",
      ].join("\r\n"),
    );
    expect(netrc.machines).toEqual(new Map([
      ["files.example.com", { login: "alice", account: "", password: "p a s s" }],
      ["other.example.com", { login: "bob", account: "acct", password: 'pa"ss' }],
    ]));
    expect(netrc.default).toEqual({ login: "anon", account: "", password: "guest" });
  });

  it("names the line of a syntax error but never its token, ignoring the file with one warning", () => {
    expect(() => parseNetrc("machine a login x password secret extra-token\n")).toThrow(/^line 1: expected login, password or account$/);
    expect(() => parseNetrc("machine a\n  login x\n  passwd secret\n")).toThrow(/^line 3: expected login, password or account$/);
    const file = path.join(tempDir(), "netrc");
    writeFileSync(file, `machine 127.0.0.1 login x password ${PASSWORD} ${PASSWORD}-again\n`);
    const lines = quiet();
    expect(netrcReader({ NETRC: file })("127.0.0.1", true)).toBeUndefined();
    expect(lines.join("")).toMatch(/^binwheel: warning: binwheel ignores the netrc file .*netrc: line 1: expected login, password or account\. Fix the file\.\n$/);
    expect(lines.join("")).not.toContain(PASSWORD);
  });

  it("gives a machine's entry, or the default only where allowed; the login falls back to the account", () => {
    const file = path.join(tempDir(), "netrc");
    writeFileSync(file, "machine a.example account acct password one\ndefault login d password two\n");
    const read = netrcReader({ NETRC: file });
    expect(read("A.EXAMPLE", false)).toEqual({ login: "acct", password: "one", file });
    expect(read("b.example", false)).toBeUndefined();
    expect(read("b.example", true)).toEqual({ login: "d", password: "two", file });
    expect(netrcReader({ NETRC: path.join(tempDir(), "missing") })("a.example", true)).toBeUndefined();
  });

  it("refuses a password with a control character inside (a quoted line break), naming the machine and the file, never the password", () => {
    const file = path.join(tempDir(), "netrc");
    writeFileSync(file, `machine a.example login me password "${PASSWORD}\n-second-line"\n`);
    let message = "";
    try {
      netrcReader({ NETRC: file })("a.example", false);
    } catch (e) {
      message = redact((e as Error).message);
    }
    expect(message).toBe(
      `the password for a.example in the netrc file ${file} holds a control character (a line break or tab inside it); a token or password is one line of printable characters, ` +
        "so binwheel will not use or show it. Set it again without it (check how it was copied there).",
    );
  });
});

describe("path", () => {
  it("reads a cargo-like folder as the layout itself, never cached", async () => {
    const root = project('path = "target/{target}/release"', { [`target/${TRIPLE}/release/tool`]: "#!/bin/sh\n" });
    const fetched = await fetchFrom(root, { BINWHEEL_ASSET_DIR: "/nonexistent" });
    expect(fetched).toEqual({ file: path.join(root, "target", TRIPLE, "release"), sha256: "", cached: false, folder: true });
  });

  it("reads a folder named with a trailing slash as that folder", async () => {
    const root = project('path = "target/{target}/release/"', { [`target/${TRIPLE}/release/tool`]: "#!/bin/sh\n" });
    expect(await fetchFrom(root, {})).toEqual({ file: path.join(root, "target", TRIPLE, "release"), sha256: "", cached: false, folder: true });
  });

  it("refuses require-checksum with a folder, which has no hash to check, in one paragraph", async () => {
    const root = project('path = "target/{target}/release"\nrequire-checksum = true', { [`target/${TRIPLE}/release/tool`]: "#!/bin/sh\n" });
    expect(await errorOf(fetchFrom(root, {}))).toBe(
      `[tool.binwheel.upstream] path = "target/{target}/release" gives the folder "target/${TRIPLE}/release" for ${TRIPLE}, and [tool.binwheel.upstream] require-checksum is on, ` +
        "but a folder has no one hash to check, so the build stops here. Point path at an archive and pin its sha256, or turn require-checksum off for binaries the project builds itself.",
    );
  });

  it("reads a file like a downloaded asset, checked against a pin", async () => {
    const root = project(`path = "dist/tool-{target}.tar.gz"\nsha256 = { "${TRIPLE}" = "${sha("archive")}" }`, { [`dist/tool-${TRIPLE}.tar.gz`]: "archive" });
    expect(await fetchFrom(root, {})).toEqual({ file: path.join(root, "dist", `tool-${TRIPLE}.tar.gz`), sha256: sha("archive"), cached: false });
    writeFileSync(path.join(root, "dist", `tool-${TRIPLE}.tar.gz`), "rebuilt");
    expect(await errorOf(fetchFrom(root, {}))).toMatch(new RegExp(`^tool-${TRIPLE}\\.tar\\.gz from dist/tool-${TRIPLE}\\.tar\\.gz has sha256 ${sha("rebuilt")}, but the pin in \\[tool\\.binwheel\\.upstream\\] sha256 says`));
    const strict = project('path = "dist/tool.tar.gz"\nrequire-checksum = true', { "dist/tool.tar.gz": "archive" });
    expect(await errorOf(fetchFrom(strict, {}))).toMatch(/^no sha256 is known for dist\/tool\.tar\.gz: \[tool\.binwheel\.upstream\] require-checksum is on/);
  });

  it("says what was looked for when the path is missing, and suggests building it", async () => {
    const root = project('path = "target/{target}/release"');
    expect(await errorOf(fetchFrom(root, {}))).toBe(
      `[tool.binwheel.upstream] path = "target/{target}/release" gives "target/${TRIPLE}/release" for ${TRIPLE}, and ${path.join(root, "target", TRIPLE, "release")} does not exist. ` +
        `Build the binaries first (for a Rust project: cargo build --release --target ${TRIPLE}), or fix the path.`,
    );
  });

  it("refuses a path that a link leads out of the project", async () => {
    const outside = tempDir();
    mkdirSync(path.join(outside, "release"));
    const root = project('path = "target/{target}/release"');
    mkdirSync(path.join(root, "target"));
    symlinkSync(outside, path.join(root, "target", TRIPLE));
    expect(await errorOf(fetchFrom(root, {}))).toMatch(
      new RegExp(`^\\[tool\\.binwheel\\.upstream\\] path = "target/\\{target\\}/release" gives "target/${TRIPLE}/release" for ${TRIPLE}, which leads to ${path.join(outside, "release").replace(/[/.]/g, "\\$&")}, outside the project`),
    );
  });
});
