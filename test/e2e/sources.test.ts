// Wheels from every source, built through the bundled CLI (run `npm run build` first): a GitHub
// release, a GitLab release (generic packages, a link on another host), a download site with a
// netrc login, a local folder laid out as cargo leaves it and a local archive; offline from the
// cache after a first build, BINWHEEL_ASSET_DIR, a checksum mismatch, and credentials that never
// show, not even with BINWHEEL_DEBUG=1, nor reach another host.
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureLibrary, packTarGz } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { GitLabStandIn } from "../support/gitlab-standin.js";
import { HttpStandIn } from "../support/http-standin.js";
import { NODE, REPO } from "../support/project.js";
import { onlyWheel } from "../support/python.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const TRIPLE = "x86_64-unknown-linux-gnu";
const ASSET = `tool-1.0.0-${TRIPLE}.tar.gz`;
const TOKEN = "glpat-e2eSecretToken0123";
const GH_TOKEN = "ghp_e2eSecretToken4567";
const PASSWORD = "e2e-n3trc-Passw0rd";
const TOOL = fixtureLibrary(TRIPLE);
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

let work: string;
let archive: Buffer;
let runs = 0;
const servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-sources-"));
  archive = await packTarGz([{ path: "tool-1.0.0/bin/tool", content: TOOL, mode: 0o755 }, { path: "tool-1.0.0/README", content: "the tool\n" }]);
});

afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(work, { recursive: true, force: true });
});

/** A project (in a fresh folder) whose upstream table is `upstream`; `files` are added to it. */
function project(upstream: string, files: Record<string, Buffer | string> = {}): string {
  const dir = path.join(work, `project-${runs++}`);
  mkdirSync(path.join(dir, "tool"), { recursive: true });
  writeFileSync(path.join(dir, "tool", "__init__.py"), "");
  writeFileSync(
    path.join(dir, "pyproject.toml"),
    `[build-system]\nrequires = ["binwheel"]\nbuild-backend = "binwheel"\n\n[project]\nname = "tool-py"\nversion = "1.0.0"\n\n[tool.binwheel]\npackages = ["tool"]\n\n` +
      `[tool.binwheel.upstream]\n${upstream}\n\n[tool.binwheel.targets]\n"${TRIPLE}" = "auto"\n\n[[tool.binwheel.include]]\nfrom = "bin/*"\nto = "tool/_bin"\n`,
  );
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

async function build(dir: string, env: Record<string, string> = {}) {
  const out = path.join(work, `out-${runs++}`);
  const result = await execa(NODE, [CORE, "build", dir, "--out-dir", out, "--target", TRIPLE], {
    env: { BINWHEEL_CACHE_DIR: path.join(work, `cache-${runs++}`), ...env },
    reject: false,
    all: true,
  });
  return { ...result, out };
}

/** The wheel's file names, and the bundled tool's bytes. */
async function wheelOf(out: string): Promise<{ names: string[]; tool: Buffer | undefined }> {
  const zip = await JSZip.loadAsync(readFileSync(onlyWheel(out)));
  return { names: Object.keys(zip.files).sort(), tool: await zip.file("tool/_bin/tool")?.async("nodebuffer") };
}

async function started<T extends { close(): Promise<void> }>(server: Promise<T>): Promise<T> {
  const s = await server;
  servers.push(s);
  return s;
}

describe("github", () => {
  it("builds from a GitHub release, verified by GitHub's digest", async () => {
    const gh = await started(GitHubStandIn.start());
    gh.addRelease({ owner: "acme", repo: "tool", tag: "v1.0.0", assets: [{ name: ASSET, data: archive }] });
    const r = await build(project('github = "acme/tool"\nasset = "tool-{version}-{target}.tar.gz"'), { GITHUB_API_URL: gh.apiUrl, GH_TOKEN, BINWHEEL_DEBUG: "1" });
    expect(r.exitCode, r.all).toBe(0);
    expect((await wheelOf(r.out)).tool?.equals(TOOL)).toBe(true);
    expect(r.all).not.toContain(GH_TOKEN);
    expect(gh.requests.filter((q) => q.origin === "storage").map((q) => q.authorization)).toEqual([undefined]);
  });
});

describe("gitlab", () => {
  let gl: GitLabStandIn;
  beforeAll(async () => {
    gl = await started(GitLabStandIn.start({ requireToken: TOKEN }));
    gl.addRelease({ project: "acme/cli/tool", tag: "v1.0.0", links: [{ name: ASSET, data: archive }, { name: "checksums.txt", data: Buffer.from(`${sha(archive)}  ${ASSET}\n`) }] });
    gl.addRelease({ project: "acme/cli/tool", tag: "v1.1.0", links: [{ name: "Linux x86_64", fileName: ASSET.replace("1.0.0", "1.1.0"), data: archive, on: "external" }] });
  });

  it("builds from the generic package registry with GITLAB_TOKEN, which never shows, even with BINWHEEL_DEBUG=1", async () => {
    const r = await build(project('gitlab = "acme/cli/tool"\nasset = "tool-{version}-{target}.tar.gz"'), { GITLAB_API_URL: gl.apiUrl, GITLAB_TOKEN: TOKEN, BINWHEEL_DEBUG: "1", BINWHEEL_VERBOSE: "1" });
    expect(r.exitCode, r.all).toBe(0);
    expect((await wheelOf(r.out)).names).toContain("tool/_bin/tool");
    expect(r.all).not.toContain(TOKEN);
  });

  it("refuses a GITLAB_TOKEN with a line break inside, showing neither line, even with BINWHEEL_DEBUG=1", async () => {
    const r = await build(project('gitlab = "acme/cli/tool"\nasset = "tool-{version}-{target}.tar.gz"'), { GITLAB_API_URL: gl.apiUrl, GITLAB_TOKEN: "glpat-SECRETA\nSECRETB", BINWHEEL_DEBUG: "1" });
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(/binwheel: error: GITLAB_TOKEN holds a control character \(a line break or tab inside it\)/);
    expect(r.all).not.toMatch(/SECRETA|SECRETB/);
  });

  it("sends CI_JOB_TOKEN to GitLab only, never to the host a link leads to", async () => {
    const r = await build(project(`gitlab = "acme/cli/tool"\nversion = "1.1.0"\nasset = "tool-{version}-{target}.tar.gz"\nsha256 = { "${TRIPLE}" = "${sha(archive)}" }`), { CI_API_V4_URL: gl.apiUrl, CI_JOB_TOKEN: TOKEN });
    expect(r.exitCode, r.all).toBe(0);
    expect(gl.external.requests.length).toBe(1);
    expect(gl.external.requests.every((q) => !q.jobToken && !q.privateToken && !q.authorization)).toBe(true);
  });
});

describe("url", () => {
  let site: HttpStandIn;
  let netrc: string;
  beforeAll(async () => {
    site = await started(HttpStandIn.start({ login: { user: "builder", password: PASSWORD } }));
    site.file(`/releases/1.0.0/${ASSET}`, archive).file("/releases/1.0.0/SHA256SUMS", `${sha(archive)}  ${ASSET}\n`);
    site.file(`/releases/6.6.6/${ASSET.replace("1.0.0", "6.6.6")}`, archive).file("/releases/6.6.6/SHA256SUMS", `${sha("other")}  ${ASSET.replace("1.0.0", "6.6.6")}\n`);
    netrc = path.join(work, "netrc");
    writeFileSync(netrc, `machine 127.0.0.1\n  login builder\n  password ${PASSWORD}\n`);
    chmodSync(netrc, 0o600);
  });
  const upstream = () => `url = "${site.url}/releases/{version}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"\nchecksums = "SHA256SUMS"`;

  it("builds with a netrc login, then offline from the cache; the password never shows, even with BINWHEEL_DEBUG=1", async () => {
    const dir = project(upstream());
    const cache = path.join(work, "url-cache");
    const online = await build(dir, { NETRC: netrc, BINWHEEL_CACHE_DIR: cache, BINWHEEL_DEBUG: "1", BINWHEEL_VERBOSE: "1" });
    expect(online.exitCode, online.all).toBe(0);
    const before = site.requests.length;
    const offline = await build(dir, { NETRC: netrc, BINWHEEL_CACHE_DIR: cache, BINWHEEL_OFFLINE: "1" });
    expect(offline.exitCode, offline.all).toBe(0);
    expect(site.requests.length).toBe(before);
    expect(readFileSync(onlyWheel(offline.out)).equals(readFileSync(onlyWheel(online.out)))).toBe(true);
    for (const output of [online.all, offline.all]) {
      expect(output).not.toContain(PASSWORD);
      expect(output).not.toContain(Buffer.from(`builder:${PASSWORD}`).toString("base64"));
    }
  });

  it("fails on a checksum mismatch, writes no wheel, and shows no credential in the trace", async () => {
    const r = await build(project(`${upstream()}\nversion = "6.6.6"`), { NETRC: netrc, BINWHEEL_DEBUG: "1" });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/tool-6\.6\.6-x86_64-unknown-linux-gnu\.tar\.gz from http:\/\/127\.0\.0\.1:\d+\/releases\/6\.6\.6\/tool-6\.6\.6-x86_64-unknown-linux-gnu\.tar\.gz has sha256 [0-9a-f]{64}, but http:\/\/127\.0\.0\.1:\d+\/releases\/6\.6\.6\/SHA256SUMS says/);
    expect(r.all).not.toContain(PASSWORD);
    expect(readdirSync(r.out).filter((f) => f.endsWith(".whl"))).toEqual([]);
  });

  it("builds from BINWHEEL_ASSET_DIR without any network, checked by the checksum file of that name there", async () => {
    const assets = path.join(work, "assets");
    mkdirSync(assets);
    writeFileSync(path.join(assets, ASSET), archive);
    writeFileSync(path.join(assets, "SHA256SUMS"), `${sha(archive)}  ${ASSET}\n`);
    const dir = project('url = "https://downloads.invalid/releases/{version}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"\nchecksums = "SHA256SUMS"');
    const r = await build(dir, { BINWHEEL_ASSET_DIR: assets });
    expect(r.exitCode, r.all).toBe(0);
    expect((await wheelOf(r.out)).tool?.equals(TOOL)).toBe(true);
    writeFileSync(path.join(assets, "SHA256SUMS"), `${sha("other")}  ${ASSET}\n`);
    const bad = await build(dir, { BINWHEEL_ASSET_DIR: assets });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/but SHA256SUMS in BINWHEEL_ASSET_DIR says/);
  });
});

describe("path", () => {
  it("builds from a folder laid out as cargo leaves it (target/<triple>/release/tool)", async () => {
    const dir = project('path = "target/{target}/release"', { [`target/${TRIPLE}/release/tool`]: TOOL, [`target/${TRIPLE}/release/tool.d`]: "deps\n" });
    chmodSync(path.join(dir, "target", TRIPLE, "release", "tool"), 0o755);
    // The layout is the folder itself: the rule names the file at its top.
    writeFileSync(path.join(dir, "pyproject.toml"), readFileSync(path.join(dir, "pyproject.toml"), "utf8").replace('from = "bin/*"', 'from = "tool"'));
    const r = await build(dir, { BINWHEEL_OFFLINE: "1" });
    expect(r.exitCode, r.all).toBe(0);
    const wheel = await wheelOf(r.out);
    expect(wheel.tool?.equals(TOOL)).toBe(true);
    expect(wheel.names.filter((n) => n.startsWith("tool/"))).toEqual(["tool/__init__.py", "tool/_bin/tool"]);
    expect(onlyWheel(r.out)).toMatch(/-py3-none-manylinux2014_x86_64\.manylinux_2_17_x86_64\.whl$/);
  });

  it("builds from a local archive pinned by sha256, and says what to build when it is missing", async () => {
    const upstream = `path = "dist/tool-{target}.tar.gz"\nsha256 = { "${TRIPLE}" = "${sha(archive)}" }`;
    const r = await build(project(upstream, { [`dist/tool-${TRIPLE}.tar.gz`]: archive }));
    expect(r.exitCode, r.all).toBe(0);
    expect((await wheelOf(r.out)).tool?.equals(TOOL)).toBe(true);
    const missing = await build(project(upstream));
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(new RegExp(`gives "dist/tool-${TRIPLE}\\.tar\\.gz" for ${TRIPLE}, and .* does not exist\\. Build the binaries first`));
  });
});
