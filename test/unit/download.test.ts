// Downloads are bounded by what was promised, and disk failures are not network failures: a body
// longer than the release or the lock says, a lying Content-Length, an endless API answer, an
// oversized checksum file, an answer compressed though binwheel asked for plain bytes, a full or
// read-only cache disk. No request follows https to plain http, nor a link an https API names to
// it. After each, no temporary file is left.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorOf } from "../support/errors.js";
import { loadProject } from "../../src/config/pyproject.js";
import { renderLock, type LockedAsset } from "../../src/config/lock.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { readIndex } from "../../src/release/pypi.js";
import { fetchUpstreamAsset } from "../../src/upstream/asset.js";
import { followRedirects } from "../../src/upstream/http/fetch.js";
import { GitHubStandIn, type StandInAsset } from "../support/github-standin.js";
import { GitLabStandIn } from "../support/gitlab-standin.js";
import { HttpStandIn } from "../support/http-standin.js";
import { TOONDB_PYPROJECT, tempDir, tempProject } from "../support/tmp.js";

const ASSET = "toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz";
const CONTENT = Buffer.from("the x86_64 asset ".repeat(5000)); // 85,000 bytes
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

let github: GitHubStandIn | undefined;
const mounts: string[] = [];
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await github?.close();
  github = undefined;
  for (const server of servers.splice(0)) await server.close();
  vi.restoreAllMocks();
  for (const dir of mounts.splice(0)) {
    execFileSync("umount", [dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

async function standIn(assets: StandInAsset[] = [{ name: ASSET, data: CONTENT }]) {
  github = await GitHubStandIn.start();
  github.addRelease({ owner: "toondb", repo: "toondb", tag: "v0.3.2", assets });
  return github;
}

async function fetchAsset(env: Record<string, string>, options: { offline?: boolean } = {}) {
  const root = tempProject({ "pyproject.toml": TOONDB_PYPROJECT, "toondb/__init__.py": "" });
  const plan = planTarget(loadProject(root), { target: "x86_64-unknown-linux-gnu", offline: false, locked: false, verbose: false }, undefined, {});
  return fetchUpstreamAsset(plan, tempDir(), env, { offline: options.offline ?? false }, root);
}

const requestsTo = (origin: "api" | "storage") => github!.requests.filter((r) => r.origin === origin).length;
/** Every file under `dir`, relative. */
const filesUnder = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
const temporaries = (cache: string) => filesUnder(cache).filter((f) => /tmp$/.test(f));

/** A tmpfs of `size` mounted for this test (needs root); undefined where mounting is not allowed. */
function tmpfs(size: string): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), "binwheel-tmpfs-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  mounts.push(dir);
  return dir;
}
const canMount = (() => {
  const dir = mkdtempSync(path.join(tmpdir(), "binwheel-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir], { stdio: "ignore" });
    execFileSync("umount", [dir]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

describe("bodies longer than promised", () => {
  it("stop being read as soon as they pass the release's size: one request, no retry, nothing cached", async () => {
    const gh = await standIn();
    gh.inject({ origin: "storage", oversize: 50 << 20 });
    const cache = tempDir();
    const message = await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache }));
    expect(message).toContain(`${new URL(gh.storageUrl).host} sent more than 85000 bytes for ${ASSET} (toondb/toondb v0.3.2), which the release lists at 85000 bytes`);
    expect(message).toMatch(/did not retry/);
    expect(requestsTo("storage")).toBe(1);
    expect(gh.oversizeSent).toBeLessThan(20 << 20);
    expect(filesUnder(cache)).toEqual(["CACHEDIR.TAG"]);
  });

  it("are refused before reading when the Content-Length disagrees with the release", async () => {
    const gh = await standIn();
    gh.inject({ origin: "storage", contentLength: 50 << 20 });
    const cache = tempDir();
    const message = await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache }));
    expect(message).toContain(`${new URL(gh.storageUrl).host} declared 52428800 bytes for ${ASSET} (toondb/toondb v0.3.2), which the release lists at 85000 bytes (Content-Length: 52428800)`);
    expect(requestsTo("storage")).toBe(1);
    expect(temporaries(cache)).toEqual([]);
  });

  it("an API answer is read up to 16 MiB, then refused without retrying", async () => {
    const gh = await standIn();
    gh.inject({ origin: "api", oversize: 64 << 20 });
    const message = await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() }));
    expect(message).toMatch(new RegExp(`^${new URL(gh.apiUrl).host.replace(/\./g, "\\.")} sent an answer larger than 16 MiB to GET /repos/toondb/toondb/releases/tags/v0\\.3\\.2; binwheel stopped reading it`));
    expect(requestsTo("api")).toBe(1);
    expect(gh.oversizeSent).toBeLessThan(40 << 20);
  });

  it("a checksum file is bounded while it is read, not only by its declared size", async () => {
    const sums = Buffer.from(`${sha(CONTENT)}  ${ASSET}\n`);
    const gh = await standIn([{ name: ASSET, data: CONTENT, digest: null }, { name: "SHA256SUMS", data: sums, digest: null }]);
    gh.inject({ origin: "storage", oversize: 8 << 20 });
    const cache = tempDir();
    const message = await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache }));
    expect(message).toContain(`sent more than ${sums.length} bytes for SHA256SUMS (toondb/toondb v0.3.2)`);
    expect(requestsTo("storage")).toBe(1);
    expect(temporaries(cache)).toEqual([]);
  });
});

describe("a body longer than the lock's size", () => {
  const LOCKED = Buffer.from("the locked 134-byte asset ".repeat(6)).subarray(0, 134);
  /** A project whose binwheel.lock pins the x86_64 asset to LOCKED (134 bytes); `upstream` is its [tool.binwheel.upstream] source. */
  const lockedProject = (upstream: string, entry: Partial<LockedAsset>) => {
    const root = tempProject({ "pyproject.toml": TOONDB_PYPROJECT.replace('github = "toondb/toondb"', upstream), "toondb/__init__.py": "" });
    const locked: LockedAsset = { source: "url", asset: ASSET, size: LOCKED.length, sha256: sha(LOCKED), ...entry };
    writeFileSync(path.join(root, "binwheel.lock"), renderLock({ upstreamVersion: "0.3.2", targets: new Map([["x86_64-unknown-linux-gnu", locked]]) }));
    return root;
  };
  const fetchLocked = (root: string, env: Record<string, string>) =>
    fetchUpstreamAsset(planTarget(loadProject(root), { target: "x86_64-unknown-linux-gnu", offline: false, locked: false, verbose: false }, undefined, {}), tempDir(), env, { offline: false }, root);

  it.each(["url", "gitlab"] as const)("stops one chunk past it (%s source, a chunked body with no length), without a retry, naming who promised what", async (kind) => {
    let site: HttpStandIn;
    let root: string;
    let env: Record<string, string> = {};
    if (kind === "url") {
      site = await HttpStandIn.start();
      site.file(`/dl/${ASSET}`, LOCKED);
      root = lockedProject(`url = "${site.url}/dl/{asset}"`, { url: `${site.url}/dl/${ASSET}` });
    } else {
      const gl = await GitLabStandIn.start();
      servers.push(gl);
      gl.addRelease({ project: "toondb/toondb", tag: "v0.3.2", links: [{ name: ASSET, data: LOCKED, on: "external", direct: false }] });
      site = gl.external;
      root = lockedProject('gitlab = "toondb/toondb"', { source: "gitlab:toondb/toondb", tag: "v0.3.2" });
      env = { GITLAB_API_URL: gl.apiUrl };
    }
    if (kind === "url") servers.push(site);
    site.inject({ oversize: 2 ** 31 });
    const cache = tempDir();
    const message = await errorOf(fetchLocked(root, { ...env, BINWHEEL_CACHE_DIR: cache }));
    expect(message).toMatch(new RegExp(`^(127\\.0\\.0\\.1|localhost):\\d+ sent more than 134 bytes for ${ASSET.replace(/\./g, "\\.")} \\(.*\\), which binwheel\\.lock \\(for x86_64-unknown-linux-gnu\\) lists at 134 bytes; binwheel stopped reading and did not retry\\. Either upstream changed the asset since it was locked \\(sha256 ${sha(LOCKED)}\\), or the server`));
    expect(site.requests.filter((r) => r.url.endsWith(ASSET))).toHaveLength(1);
    // One 64 KiB chunk of filler, a few more in flight: not the 2 GiB it offered.
    expect(site.oversizeSent).toBeLessThan(8 << 20);
    expect(filesUnder(cache)).toEqual(["CACHEDIR.TAG"]);
  });

  it("is refused before downloading when the host lists another size than the lock", async () => {
    const gh = await standIn();
    const root = lockedProject('github = "toondb/toondb"', { source: "github:toondb/toondb", tag: "v0.3.2" });
    const message = await errorOf(fetchLocked(root, { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() }));
    expect(message).toBe(
      `binwheel.lock gives x86_64-unknown-linux-gnu's asset ${ASSET} as 134 bytes (sha256 ${sha(LOCKED)}), but toondb/toondb v0.3.2 lists it at 85000 bytes: upstream changed the asset since it was locked. ` +
        "Nothing was downloaded. Find out why it changed; to accept the new bytes, run binwheel lock again.",
    );
    expect(requestsTo("storage")).toBe(0);
  });
});

const projectWith = (upstream: string) => tempProject({ "pyproject.toml": TOONDB_PYPROJECT.replace('github = "toondb/toondb"', upstream), "toondb/__init__.py": "" });
const fetchFrom = (root: string, env: Record<string, string>) =>
  fetchUpstreamAsset(planTarget(loadProject(root), { target: "x86_64-unknown-linux-gnu", offline: false, locked: false, verbose: false }, undefined, {}), tempDir(), env, { offline: false }, root);

describe("an answer in an encoding binwheel did not ask for is refused before a byte is decoded", () => {
  it("a download with no size promised (a url source, no lock): 32 KiB sent must not become 32 MiB", async () => {
    const site = await HttpStandIn.start();
    servers.push(site);
    site.file(`/${ASSET}`, Buffer.alloc(32 << 20));
    site.inject({ gzip: true });
    const cache = tempDir();
    const message = await errorOf(fetchFrom(projectWith(`url = "${site.url}/{asset}"`), { BINWHEEL_CACHE_DIR: cache }));
    expect(message).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${ASSET.replace(/\./g, "\\.")} answered with Content-Encoding: gzip, though binwheel asked for the bytes as they are \\(Accept-Encoding: identity\\); .*The request was refused and not retried`),
    );
    expect(site.requests.map((r) => r.acceptEncoding)).toEqual(["identity"]);
    expect(filesUnder(cache)).toEqual(["CACHEDIR.TAG"]);
  });

  it("an API answer (GitHub's, through Octokit)", async () => {
    const gh = await standIn();
    gh.inject({ origin: "api", gzip: { size: 64 << 20 } });
    const message = await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() }));
    expect(message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/repos\/toondb\/toondb\/releases\/tags\/v0\.3\.2 answered with Content-Encoding: gzip, though binwheel asked for the bytes as they are/);
    expect(gh.requests.map((r) => [r.origin, r.acceptEncoding])).toEqual([["api", "identity"]]);
  });
});

describe("https never leads to plain http, on any hop", () => {
  /**
   * A remote https server (fetch answers for *.example.test itself) that redirects every request to
   * `local`, a plain-http service on this machine: it must never be asked.
   */
  const remoteRedirectingTo = (local: string) => {
    const asked: string[] = [];
    const real = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (!url.hostname.endsWith(".example.test")) return real(input, init);
      asked.push(url.href);
      return new Response(null, { status: 302, headers: { location: `${local}${url.pathname}` } });
    });
    return asked;
  };
  it.each([
    ["a download (a url source), with a netrc login for this machine", (home: string) => fetchFrom(projectWith('url = "https://downloads.example.test/{asset}"'), { HOME: home, BINWHEEL_CACHE_DIR: tempDir() })],
    ["GitHub's API (GITHUB_API_URL)", () => fetchFrom(projectWith('github = "toondb/toondb"'), { GITHUB_API_URL: "https://api.example.test", GH_TOKEN: "ghp_s3cr3tToken", BINWHEEL_CACHE_DIR: tempDir() })],
    ["the package index's JSON API (the release pre-flight)", () => readIndex("https://pypi.example.test", "toondb-client", "0.3.2", {})],
  ])("refuses the hop at once: %s", async (_, request) => {
    const local = await HttpStandIn.start();
    servers.push(local);
    const home = tempDir();
    writeFileSync(path.join(home, ".netrc"), "machine 127.0.0.1 login admin password s3cr3t\n", { mode: 0o600 });
    const asked = remoteRedirectingTo(local.url);
    const message = await errorOf(request(home));
    expect(message).toMatch(/^https:\/\/[a-z]+\.example\.test\/\S* redirected binwheel to http:\/\/127\.0\.0\.1:\d+\/\S*: from https to plain http, which binwheel refuses on every hop .*The request was refused and not retried/);
    expect(asked).toHaveLength(1);
    expect(local.requests).toEqual([]);
    expect(message).not.toMatch(/s3cr3t/);
  });

  it("a chain that starts on plain http on this machine may stay there (as local mirrors and the test stand-ins do)", async () => {
    const local = await HttpStandIn.start();
    servers.push(local);
    local.file(`/files/${ASSET}`, CONTENT).redirect(`/dl/${ASSET}`, `/files/${ASSET}`);
    const fetched = await fetchFrom(projectWith(`url = "${local.url}/dl/{asset}"\nsha256 = { "x86_64-unknown-linux-gnu" = "${sha(CONTENT)}" }`), { BINWHEEL_CACHE_DIR: tempDir() });
    expect(readFileSync(fetched.file).equals(CONTENT)).toBe(true);
  });

  it("a link an https API names is a hop from it: an https GitLab's release link to plain http on this machine is never asked", async () => {
    const local = await HttpStandIn.start();
    servers.push(local);
    local.file(`/v1.43/${ASSET}`, '{"secret":"LOOPBACK-ONLY-ADMIN-DATA"}');
    const real = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.hostname !== "gitlab.example.test") return real(input, init);
      return Response.json({ tag_name: "v0.3.2", assets: { links: [{ name: ASSET, url: `${local.url}/v1.43/${ASSET}` }] } });
    });
    const message = await errorOf(fetchFrom(projectWith('gitlab = "toondb/toondb"'), { GITLAB_API_URL: "https://gitlab.example.test/api/v4", BINWHEEL_CACHE_DIR: tempDir() }));
    expect(message).toMatch(/^the answer of https:\/\/gitlab\.example\.test\/api\/v4 sent binwheel to http:\/\/127\.0\.0\.1:\d+\/v1\.43\/\S+: from https to plain http, which binwheel refuses on every hop .*not retried/);
    expect(local.requests).toEqual([]);
  });

  it.each([
    ["to this machine's loopback", "http://127.0.0.1:6379/", /redirected binwheel to http:\/\/127\.0\.0\.1:6379\/: binwheel fetches over https only \(plain http only from this machine's loopback addresses to themselves, and to http:\/\/gitlab\.internal as configured\)/],
    ["to another plain-http host", "http://10.0.0.5/x", /redirected binwheel to http:\/\/10\.0\.0\.5\/x: binwheel fetches over https only/],
    ["to itself", "http://gitlab.internal/api/v4/y", undefined],
  ])("a plain-http origin the user configured (an API URL) may lead only %s", async (_, location, refusal) => {
    const asked: string[] = [];
    const fake = (async (input: string | URL) => {
      asked.push(String(input));
      return asked.length === 1 ? new Response(null, { status: 302, headers: { location } }) : new Response("ok");
    }) as typeof fetch;
    const following = followRedirects(fake, new URL("http://gitlab.internal/api/v4/x"), { httpOrigins: ["http://gitlab.internal"] }, () => ({}));
    if (refusal) {
      expect(await errorOf(following)).toMatch(refusal);
      expect(asked).toHaveLength(1);
    } else {
      expect((await following).url.href).toBe(location);
    }
  });
});

describe("no temporary file survives a failure", () => {
  it.each([
    ["four failed attempts", [503, 503, 503, 503].map((status) => ({ origin: "storage" as const, status })), /failed 4 times/],
    ["bodies cut short four times", Array.from({ length: 4 }, () => ({ origin: "storage" as const, cut: true as const })), /the download stopped at 42500 of 85000 bytes|connection broke/],
  ])("%s", async (_, faults, error) => {
    const gh = await standIn();
    gh.inject(...faults);
    const cache = tempDir();
    expect(await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache }))).toMatch(error);
    expect(filesUnder(cache)).toEqual(["CACHEDIR.TAG"]);
  });

  it("a download whose hash does not match", async () => {
    const gh = await standIn([{ name: ASSET, data: CONTENT, digest: `sha256:${"0".repeat(64)}` }]);
    const cache = tempDir();
    expect(await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache }))).toMatch(/has sha256/);
    expect(filesUnder(cache)).toEqual(["CACHEDIR.TAG"]);
  });
});

describe.skipIf(!canMount)("a cache on a full or read-only disk", () => {
  it("a full disk is said as such, names the cache, is not retried, and leaves no temporary file", async () => {
    const disk = tmpfs("64k")!;
    const cache = path.join(disk, "cache");
    const gh = await standIn();
    const message = await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache }));
    expect(message).toMatch(new RegExp(`^binwheel cannot write to the download cache ${cache}: there is no space left on the device\\b.*Or set BINWHEEL_CACHE_DIR to a folder on another disk`));
    expect(message).not.toMatch(/connection|network error|failed 4 times/);
    expect(requestsTo("storage")).toBe(1);
    expect(temporaries(cache)).toEqual([]);
  });

  it("a read-only cache serves what it holds, and a miss says the disk is read-only", async () => {
    const disk = tmpfs("1m")!;
    const cache = path.join(disk, "cache");
    const gh = await standIn();
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache };
    await fetchAsset(env);
    execFileSync("mount", ["-o", "remount,ro", disk]);
    const hit = await fetchAsset(env, { offline: true });
    expect(readFileSync(hit.file).equals(CONTENT)).toBe(true);
    expect(hit.cached).toBe(true);
    gh.replaceAsset("v0.3.2", ASSET, Buffer.from("a new build"));
    expect(await errorOf(fetchAsset(env))).toMatch(new RegExp(`^binwheel cannot write to the download cache ${cache}: the file system is read-only`));
  });
});

describe("without a cache", () => {
  it("downloads into the build's scratch folder, and a full scratch disk is named as such", async () => {
    const disk = canMount ? tmpfs("64k") : undefined;
    const gh = await standIn();
    const project = tempProject({ "pyproject.toml": TOONDB_PYPROJECT, "toondb/__init__.py": "", "notes.txt": "mine" });
    const plan = planTarget(loadProject(project), { target: "x86_64-unknown-linux-gnu", offline: false, locked: false, verbose: false }, undefined, {});
    // BINWHEEL_CACHE_DIR at a non-empty unmarked folder: no cache is used.
    const scratch = tempDir();
    const fetched = await fetchUpstreamAsset(plan, scratch, { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: project }, { offline: false }, project);
    expect(path.dirname(fetched.file)).toBe(scratch);
    expect(fetched.cached).toBe(false);
    if (!disk) return;
    mkdirSync(path.join(disk, "scratch"));
    const message = await errorOf(fetchUpstreamAsset(plan, path.join(disk, "scratch"), { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: project }, { offline: false }, project));
    expect(message).toMatch(new RegExp(`^binwheel cannot write to the build's temporary folder ${disk}/scratch: there is no space left on the device\\b.*Or set TMPDIR`));
  });
});
