// The release pre-flight against the package index: PyPI's rules applied to what its JSON API
// lists (pure), then read through a local stand-in of that API.
import path from "node:path";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { redact } from "../../src/errors.js";
import { DEFAULT_MAX_FILE_SIZE, checkAgainstIndex, checkedIndexUrl, indexPreflight, readIndex, type IndexFile, type LocalFile } from "../../src/release/pypi.js";
import { githubAccess, githubServer } from "../../src/upstream/http/github-api.js";
import { gitlabAccess } from "../../src/upstream/http/gitlab-api.js";
import { errorOf } from "../support/errors.js";
import { NODE, REPO } from "../support/project.js";
import { PyPIStandIn } from "../support/pypi-standin.js";
import { tempDir } from "../support/tmp.js";

const NOW = new Date("2026-08-01T12:00:00Z");
const days = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
const hex = (c: string) => c.repeat(64);
const WHEEL: LocalFile = { name: "toondb_client-0.3.2-py3-none-win_amd64.whl", kind: "wheel", size: 1000, sha256: hex("a") };
const LINUX: LocalFile = { name: "toondb_client-0.3.2-py3-none-manylinux_2_17_x86_64.whl", kind: "wheel", size: 2000, sha256: hex("b") };
const SDIST: LocalFile = { name: "toondb_client-0.3.2.tar.gz", kind: "sdist", size: 300, sha256: hex("c") };
const FILES = [WHEEL, LINUX, SDIST];
const there = (f: LocalFile, uploaded: Date, sha256 = f.sha256): IndexFile => ({ filename: f.name, size: f.size, sha256, uploaded, packagetype: f.kind === "sdist" ? "sdist" : "bdist_wheel" });
const check = (state: Parameters<typeof checkAgainstIndex>[1], files = FILES, maxFileSize = DEFAULT_MAX_FILE_SIZE) =>
  checkAgainstIndex(files, state, { where: "https://pypi.org (toondb-client 0.3.2)", maxFileSize, now: NOW });

describe("PyPI's rules", () => {
  it("lets a first release and a new version through", () => {
    expect(check({ project: false })).toEqual({ where: "https://pypi.org (toondb-client 0.3.2)", notes: ["https://pypi.org (toondb-client 0.3.2): no such project yet; this is its first release"], problems: [] });
    expect(check({ project: true }).problems).toEqual([]);
    expect(check({ project: true }).notes[0]).toMatch(/this version is not; all 3 files are new/);
  });

  it("takes identical files already there as no-ops, even after the 14 days", () => {
    const result = check({ project: true, files: FILES.map((f) => there(f, days(100))) });
    expect(result.problems).toEqual([]);
    expect(result.notes).toContain(`${WHEEL.name} is already on the index with the same bytes; its upload is a no-op`);
    expect(result.notes[0]).toMatch(/3 files there; 0 of this release's 3 are new/);
  });

  it("refuses a file name that is there with other bytes", () => {
    const { problems } = check({ project: true, files: [there(WHEEL, days(1), hex("f"))] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${WHEEL.name.replace(/\./g, "\\.")} is already on the index with other bytes \\(sha256 f{64}, uploaded ${days(1).toISOString()}; this one is a{64}\\), and a file name is uploaded only once: release a new version`));
  });

  it("refuses new files for a version first uploaded more than 14 days ago, naming the dates", () => {
    const { problems } = check({ project: true, files: [there(SDIST, days(15))] });
    expect(problems).toEqual([
      `the version was first uploaded on ${days(15).toISOString()}, so it stopped taking new files on ${days(1).toISOString()} (14 days later), and ${WHEEL.name}, ${LINUX.name} would be new: release a new version (or a post-release) for them`,
    ]);
    expect(check({ project: true, files: [there(SDIST, days(13))] }).problems).toEqual([]);
    // The window runs from the first upload, not the last.
    expect(check({ project: true, files: [there(SDIST, days(20)), there(WHEEL, days(2))] }).problems[0]).toMatch(/first uploaded on 2026-07-12/);
  });

  it("refuses a file over the size limit, whatever the index has", () => {
    const big = { ...LINUX, size: DEFAULT_MAX_FILE_SIZE + 1 };
    expect(check({ project: false }, [WHEEL, big]).problems).toEqual([
      `${LINUX.name} is 100.0 MiB (104857601 bytes), over the index's limit of 100.0 MiB (104857600 bytes) per file: ask PyPI for a larger limit for the project (then pass --max-file-size), or make the file smaller`,
    ]);
    expect(check({ project: false }, [WHEEL, big], 200 * 2 ** 20).problems).toEqual([]);
  });

  it("refuses a second sdist", () => {
    const old: IndexFile = { filename: "toondb-client-0.3.2.tar.gz", size: 1, sha256: hex("d"), uploaded: days(1), packagetype: "sdist" };
    expect(check({ project: true, files: [old] }).problems).toEqual([`the version already has an sdist, toondb-client-0.3.2.tar.gz, and takes only one: ${SDIST.name} would be refused; leave it out, or release a new version`]);
  });
});

describe("reading the index's JSON API", () => {
  let pypi: PyPIStandIn | undefined;
  afterEach(async () => {
    await pypi?.close();
    pypi = undefined;
  });

  it("tells a missing project, a missing version and a version's files apart", async () => {
    pypi = await PyPIStandIn.start();
    expect(await readIndex(pypi.url, "Toondb_Client", "0.3.2", {})).toEqual({ project: false });
    expect(pypi.requests).toEqual(["/pypi/toondb-client/0.3.2/json", "/pypi/toondb-client/json"]);
    pypi.add("toondb-client", "0.3.1", [{ filename: "toondb_client-0.3.1.tar.gz", data: Buffer.from("old") }]);
    expect(await readIndex(pypi.url, "toondb-client", "0.3.2", {})).toEqual({ project: true });
    const uploaded = days(3);
    pypi.add("toondb-client", "0.3.2", [{ filename: SDIST.name, size: 300, sha256: hex("C"), uploaded }]);
    expect(await readIndex(`${pypi.url}/`, "toondb-client", "0.3.2", {})).toEqual({ project: true, files: [{ filename: SDIST.name, size: 300, sha256: hex("c"), uploaded, packagetype: "sdist" }] });
  });

  it("retries a 5xx, and refuses plain http to a host that is not this machine", async () => {
    pypi = await PyPIStandIn.start();
    pypi.failNext(2);
    expect(await readIndex(pypi.url, "toondb-client", "0.3.2", {})).toEqual({ project: false });
    await expect(readIndex("http://example.com", "x", "1", {})).rejects.toThrow(/binwheel will not fetch http:\/\/example\.com\/pypi\/x\/1\/json: binwheel fetches over https only/);
  });

  it("fails with every problem in one paragraph before anything is uploaded", async () => {
    pypi = await PyPIStandIn.start();
    pypi.add("toondb-client", "0.3.2", [{ filename: WHEEL.name, size: 1, sha256: hex("e"), uploaded: days(30) }]);
    let message = "";
    try {
      await indexPreflight({ indexUrl: pypi.url, name: "toondb-client", version: "0.3.2", files: FILES, maxFileSize: 1500, env: {}, now: NOW });
    } catch (e) {
      message = redact((e as Error).message);
    }
    expect(message).toMatch(new RegExp(`^the package index would refuse this release, so nothing was uploaded: ${pypi.url.replace(/\./g, "\\.")} \\(toondb-client 0\\.3\\.2\\): `));
    expect(message).toContain(`${LINUX.name} is 2000 bytes, over the index's limit of 1500 bytes per file`);
    expect(message).toContain(`${WHEEL.name} is already on the index with other bytes`);
    expect(message).toContain(`stopped taking new files on ${days(16).toISOString()}`);
    expect(message).not.toContain("\n");
  });
});

describe("base URLs and tokens from the command line and the environment, where they enter", () => {
  it.each([
    ["a login", "https://__token__:pypi-s3cr3t@upload.example.org", /^--index-url "https:\/\/upload\.example\.org" carries a login, a query or a fragment; binwheel sends no credentials in a URL.* It must be the package index's root/],
    ["a query (which would swallow the API's path)", "https://pypi.example.org/simple/?token=s3cr3t", /^--index-url "https:\/\/pypi\.example\.org\/simple\/" carries a login, a query or a fragment; .*a query would swallow the paths it adds/],
    ["a fragment", "https://pypi.example.org/#s3cr3t", /carries a login, a query or a fragment/],
    ["an empty query", "https://pypi.example.org/?", /carries a login, a query or a fragment/],
    ["another scheme with a login", "ftp://me:s3cr3t@files.example.org/", /^--index-url "ftp:\/\/files\.example\.org\/" is not an http\(s\) URL/],
    ["a scheme-less login", "me:s3cr3t@pypi.example.org", /^--index-url "pypi\.example\.org" is not an http\(s\) URL/],
    ["a login after three slashes (a URL parser reads it as one)", "https:///__token__:pypi-s3cr3t@upload.example.org", /^--index-url "https:\/\/\/upload\.example\.org" carries a login/],
    ["a login after one slash", "https:/__token__:pypi-s3cr3t@upload.example.org", /^--index-url "https:\/upload\.example\.org" carries a login/],
  ])("refuses %s, without showing it", (_, value, message) => {
    let error = "";
    try {
      checkedIndexUrl(value, "--index-url");
    } catch (e) {
      error = redact((e as Error).message);
    }
    expect(error).toMatch(message);
    expect(error).not.toContain("s3cr3t");
    expect(error).not.toContain("\n");
  });

  it("is checked the same way for the API URLs that enter from the environment", () => {
    expect(() => githubAccess({ GITHUB_API_URL: "https://ghe.example.org/api/v3?access_token=s3cr3t" })).toThrow(/^GITHUB_API_URL "https:\/\/ghe\.example\.org\/api\/v3" carries a login, a query or a fragment/);
    expect(() => gitlabAccess({ GITLAB_API_URL: "https://me:s3cr3t@git.example.org/api/v4" })).toThrow(/^GITLAB_API_URL "https:\/\/git\.example\.org\/api\/v4" carries a login, a query or a fragment/);
    expect(() => gitlabAccess({ CI_API_V4_URL: "file:///etc/passwd" })).toThrow(/^CI_API_V4_URL "file:\/\/\/etc\/passwd" is not an http\(s\) URL/);
    expect(gitlabAccess({ GITLAB_API_URL: "https://git.example.org/api/v4/" }).apiUrl).toBe("https://git.example.org/api/v4");
    // The web server the release notes link to (GitHub Actions sets it), too.
    expect(() => githubServer({ GITHUB_SERVER_URL: "https://me:s3cr3t@ghe.example.org" }, "https://ghe.example.org/api/v3")).toThrow(/^GITHUB_SERVER_URL "https:\/\/ghe\.example\.org" carries a login, a query or a fragment/);
    expect(githubServer({ GITHUB_SERVER_URL: "https://ghe.example.org/" }, "https://ghe.example.org/api/v3")).toBe("https://ghe.example.org");
    expect(githubServer({}, "https://ghe.example.org/api/v3")).toBe("https://ghe.example.org");
  });

  it.each([
    ["GITLAB_TOKEN", () => gitlabAccess({ GITLAB_TOKEN: "glpat-s3cr3tA\ns3cr3tB" })],
    ["CI_JOB_TOKEN", () => gitlabAccess({ CI_API_V4_URL: "https://git.example.org/api/v4", CI_JOB_TOKEN: "s3cr3tA\ts3cr3tB" })],
    ["GH_TOKEN", () => githubAccess({ GH_TOKEN: "ghp_s3cr3tA\r\ns3cr3tB" })],
    ["GITHUB_TOKEN", () => githubAccess({ GITHUB_TOKEN: "ghp_s3cr3tA\u0000s3cr3tB" })],
  ])("refuses a token with a control character inside where it enters (%s), never showing it", (name, access) => {
    let message = "";
    try {
      access();
    } catch (e) {
      message = redact((e as Error).message);
    }
    expect(message).toMatch(new RegExp(`^${name} holds a control character \\(a line break or tab inside it\\); .*Set it again without it`));
    expect(message).not.toMatch(/s3cr3t/);
  });

  it("takes a root, with or without its last slash, and none", () => {
    expect(checkedIndexUrl(" https://test.pypi.org/ ", "BINWHEEL_INDEX_URL")).toBe("https://test.pypi.org");
    expect(checkedIndexUrl("http://127.0.0.1:8080/pypi-mirror", "BINWHEEL_INDEX_URL")).toBe("http://127.0.0.1:8080/pypi-mirror");
    expect(checkedIndexUrl("none", "--index-url")).toBeUndefined();
  });

  it("is checked by binwheel release before anything is built, from the flag or the environment, and never printed", async () => {
    const cli = (args: string[], env: Record<string, string> = {}) =>
      execa(NODE, [path.join(REPO, "python_shim/binwheel/_core.mjs"), "release", "--repo", "toondb/toondb-python-sdk", "--dry-run", ...args, tempDir()], { env, reject: false });
    const flag = await cli(["--index-url", "https://__token__:pypi-s3cr3t@pypi.example.org/?token=s3cr3t"]);
    expect(flag.exitCode).toBe(1);
    expect(flag.stderr).toMatch(/^binwheel: error: --index-url "https:\/\/pypi\.example\.org\/" carries a login, a query or a fragment/);
    const variable = await cli([], { BINWHEEL_INDEX_URL: "ssh://git:s3cr3t@pypi.example.org/" });
    expect(variable.exitCode).toBe(1);
    expect(variable.stderr).toMatch(/^binwheel: error: BINWHEEL_INDEX_URL "ssh:\/\/pypi\.example\.org\/" is not an http\(s\) URL/);
    expect(flag.stderr + flag.stdout + variable.stderr + variable.stdout).not.toContain("s3cr3t");
  });
});

describe("the index's redirects, checked hop by hop as downloads are", () => {
  let pypi: PyPIStandIn | undefined;
  afterEach(async () => {
    await pypi?.close();
    pypi = undefined;
  });

  it.each([
    ["to plain http on another host (a forged answer is never read)", "http://pypi.example.org/pypi/toondb-client/0.3.2/json", /redirected binwheel to http:\/\/pypi\.example\.org\/pypi\/toondb-client\/0\.3\.2\/json: binwheel fetches over https only/],
    ["to file:", "file:///etc/passwd", /redirected binwheel to a file: URL: binwheel fetches over https only/],
    ["to a URL with a login", "http://me:s3cr3t@127.0.0.1:1/pypi/toondb-client/0.3.2/json", /carries a user name or password in the URL; binwheel never sends credentials that way\. The request was refused and not retried/],
  ])("refuses a redirect %s at once, without retrying", async (_, location, message) => {
    pypi = await PyPIStandIn.start();
    pypi.redirect("/pypi/toondb-client/0.3.2/json", location);
    const error = await errorOf(indexPreflight({ indexUrl: pypi.url, name: "toondb-client", version: "0.3.2", files: FILES, maxFileSize: DEFAULT_MAX_FILE_SIZE, env: {}, now: NOW }));
    expect(error).toMatch(message);
    expect(error).not.toContain("s3cr3t");
    expect(pypi.requests).toEqual(["/pypi/toondb-client/0.3.2/json"]);
  });
});
