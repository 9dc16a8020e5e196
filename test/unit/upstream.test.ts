// Fetching upstream assets: the GitHub API through its stand-in (with injected faults), the
// integrity checks, the cache, offline mode and BINWHEEL_ASSET_DIR.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorOf } from "../support/errors.js";
import { loadProject } from "../../src/config/pyproject.js";
import { planTarget } from "../../src/plan/target-plan.js";
import { fetchUpstreamAsset } from "../../src/upstream/asset.js";
import { GitHubStandIn, type StandInAsset } from "../support/github-standin.js";
import { TOONDB_PYPROJECT, tempDir, tempProject } from "../support/tmp.js";

const TOKEN = "ghp_standInSecretToken123";
const ASSET = "toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz";
const CONTENT = Buffer.from("the x86_64 asset ".repeat(5000));
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

let github: GitHubStandIn | undefined;
afterEach(async () => {
  await github?.close();
  github = undefined;
  vi.restoreAllMocks();
});

async function standIn(assets: StandInAsset[] = [{ name: ASSET, data: CONTENT }], options: { requireToken?: string; immutable?: boolean } = {}) {
  github = await GitHubStandIn.start(options.requireToken ? { requireToken: options.requireToken } : {});
  github.addRelease({ owner: "toondb", repo: "toondb", tag: "v0.3.2", assets, ...(options.immutable && { immutable: true }) });
  return github;
}

/** Fetches the x86_64 asset of the ToonDB project (`upstream`: more keys for its upstream table) under `env`. */
async function fetchAsset(env: Record<string, string>, options: { upstream?: string; offline?: boolean; version?: string } = {}) {
  const pyproject = TOONDB_PYPROJECT.replace('asset = "toondb-{version}-{target}.{archive}"', `asset = "toondb-{version}-{target}.{archive}"\n${options.upstream ?? ""}`);
  const root = tempProject({ "pyproject.toml": pyproject, "toondb/__init__.py": "" });
  const project = loadProject(root, options.version);
  const plan = planTarget(project, { target: "x86_64-unknown-linux-gnu", offline: false, locked: false, verbose: false }, undefined, {});
  return (await fetchUpstreamAsset(plan, tempDir(), env, { offline: options.offline ?? false }, root)).file;
}

const storageRequests = () => github!.requests.filter((r) => r.origin === "storage").length;
const pins = (hex: string) => `sha256 = { "x86_64-unknown-linux-gnu" = "${hex}" }`;

describe("downloading from GitHub", () => {
  it("streams the asset through the redirect, without sending the token to the storage host", async () => {
    const gh = await standIn();
    const file = await fetchAsset({ GITHUB_API_URL: gh.apiUrl, GH_TOKEN: TOKEN, GITHUB_TOKEN: "other", BINWHEEL_CACHE_DIR: tempDir() });
    expect(readFileSync(file).equals(CONTENT)).toBe(true);
    expect(gh.requests.filter((r) => r.origin === "api").every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    expect(gh.requests.filter((r) => r.origin === "storage").map((r) => r.authorization)).toEqual([undefined]);
  });

  it("lists the assets when the release object does not embed them all", async () => {
    const assets = Array.from({ length: 250 }, (_, i) => ({ name: i === 249 ? ASSET : `other-${i}.tar.gz`, data: i === 249 ? CONTENT : Buffer.from("x") }));
    const gh = await standIn(assets);
    const file = await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() });
    expect(readFileSync(file).equals(CONTENT)).toBe(true);
    expect(gh.requests.filter((r) => r.url.includes("/assets?")).length).toBe(3); // 100 + 100 + 50
  });

  it("explains a missing release, a private repository and a missing asset", async () => {
    const gh = await standIn([{ name: "toondb-0.3.2-aarch64-apple-darwin.tar.gz", data: CONTENT }], { requireToken: TOKEN });
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() };
    expect(await errorOf(fetchAsset(env))).toMatch(/GitHub has no published release tagged "v0\.3\.2" in toondb\/toondb\..*-C upstream-version=.*set GH_TOKEN or GITHUB_TOKEN/);
    expect(await errorOf(fetchAsset({ ...env, GITHUB_TOKEN: TOKEN }, { version: "9.9.9" }))).toMatch(/tagged "v9\.9\.9".*check that the token in GITHUB_TOKEN can read its contents/);
    expect(await errorOf(fetchAsset({ ...env, GITHUB_TOKEN: TOKEN }))).toMatch(
      /release "v0\.3\.2" of toondb\/toondb has no asset named "toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz" \(from \[tool\.binwheel\.upstream\] asset = "toondb-\{version\}-\{target\}\.\{archive\}"\)\. Its assets are: toondb-0\.3\.2-aarch64-apple-darwin\.tar\.gz\./,
    );
  });

  it("names the host on network failure, after retrying, and never shows the token", async () => {
    const gh = await standIn();
    const dead = gh.apiUrl;
    await gh.close();
    github = undefined;
    const message = await errorOf(fetchAsset({ GITHUB_API_URL: dead, GH_TOKEN: TOKEN, BINWHEEL_CACHE_DIR: tempDir() }));
    expect(message).toMatch(new RegExp(`asking ${dead.slice(7).replace(/\./g, "\\.")} to find the release tagged "v0\\.3\\.2" in toondb/toondb failed 4 times; the last time: could not reach`));
    expect(message).not.toContain(TOKEN);
  });
});

describe("resilience", () => {
  it.each([
    ["two 502s from the API", [{ origin: "api" as const, status: 502 }, { origin: "api" as const, status: 502 }]],
    ["a 502 and a reset from the storage host", [{ origin: "storage" as const, status: 502 }, { origin: "storage" as const, reset: true as const }]],
    ["a body cut off half way", [{ origin: "storage" as const, cut: true as const }]],
    ["a rate limit with a short retry-after", [{ origin: "api" as const, rateLimit: { retryAfter: 1 } }]],
  ])("recovers from %s", async (_, faults) => {
    const gh = await standIn();
    gh.inject(...faults);
    const file = await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() });
    expect(readFileSync(file).equals(CONTENT)).toBe(true);
  });

  it("gives up after four attempts", async () => {
    const gh = await standIn();
    gh.inject(...Array.from({ length: 4 }, () => ({ origin: "storage" as const, status: 503 })));
    expect(await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() }))).toMatch(
      /downloading toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz failed 4 times; the last time: GitHub answered 503/,
    );
  });

  it("does not sleep through a long rate limit: it says when it resets and suggests a token", async () => {
    const gh = await standIn();
    const reset = Math.floor(Date.now() / 1000) + 3600;
    gh.inject({ origin: "api", rateLimit: { reset } });
    const message = await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() }));
    expect(message).toContain(`It resets at ${new Date(reset * 1000).toISOString()}`);
    expect(message).toMatch(/Set GH_TOKEN or GITHUB_TOKEN to raise the limit/);
  });
});

describe("integrity", () => {
  it("refuses an asset whose digest does not match, and caches nothing", async () => {
    const gh = await standIn([{ name: ASSET, data: CONTENT, digest: `sha256:${"0".repeat(64)}` }]);
    const cache = tempDir();
    const message = await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache }));
    expect(message).toContain(`${ASSET} from toondb/toondb v0.3.2 has sha256 ${sha(CONTENT)}, but GitHub's digest of the asset says ${"0".repeat(64)}`);
    expect(readdirSync(path.join(cache, "index"))).toEqual([]);
    expect(readdirSync(path.join(cache, "sha256"))).toEqual([]); // no blob, no temporary file
  });

  it.each([
    ["SHA256SUMS", `${sha(CONTENT)}  ${ASSET}\n${"1".repeat(64)}  other.zip\n`],
    ["toondb_0.3.2_checksums.txt", `${sha(CONTENT)} *./dist/${ASSET}\n`],
    [`${ASSET}.sha256`, `${sha(CONTENT)}\n`],
  ])("uses %s when GitHub gives no digest", async (name, text) => {
    const gh = await standIn([{ name: ASSET, data: CONTENT, digest: null }, { name, data: Buffer.from(text), digest: "omit" }]);
    expect(readFileSync(await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() })).equals(CONTENT)).toBe(true);
    const wrong = await standIn([{ name: ASSET, data: Buffer.from("tampered"), digest: null }, { name, data: Buffer.from(text), digest: null }]);
    expect(await errorOf(fetchAsset({ GITHUB_API_URL: wrong.apiUrl, BINWHEEL_CACHE_DIR: tempDir() }))).toMatch(new RegExp(`but the release's ${name.replace(/\./g, "\\.")} says ${sha(CONTENT)}`));
  });

  it("checks a SHA-512 (cargo-dist's <asset>.sha512), keeps the sha256 as the cache's identity, and downloads once", async () => {
    const sha512 = createHash("sha512").update(CONTENT).digest("hex");
    const gh = await standIn([{ name: ASSET, data: CONTENT, digest: null }, { name: `${ASSET}.sha512`, data: Buffer.from(`${sha512} *${ASSET}\n\n`), digest: null }]);
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() };
    expect(await fetchAsset(env)).toBe(path.join(env.BINWHEEL_CACHE_DIR, "sha256", sha(CONTENT).slice(0, 2), sha(CONTENT)));
    const [entry] = readdirSync(path.join(env.BINWHEEL_CACHE_DIR, "index"));
    expect(JSON.parse(readFileSync(path.join(env.BINWHEEL_CACHE_DIR, "index", entry!), "utf8"))).toMatchObject({ sha256: sha(CONTENT), sha512 });
    await fetchAsset(env);
    expect(storageRequests()).toBe(2); // the .sha512 and the asset, once
    const wrong = await standIn([{ name: ASSET, data: Buffer.from("tampered"), digest: null }, { name: `${ASSET}.sha512`, data: Buffer.from(`${sha512} *${ASSET}\n`), digest: null }]);
    expect(await errorOf(fetchAsset({ GITHUB_API_URL: wrong.apiUrl, BINWHEEL_CACHE_DIR: tempDir() }))).toMatch(new RegExp(`has sha512 [0-9a-f]{128}, but the release's ${ASSET.replace(/\./g, "\\.")}\\.sha512 says ${sha512}`));
  });

  it("uses the checksum file named by checksums, and says so when the release lacks it", async () => {
    const gh = await standIn([{ name: ASSET, data: CONTENT, digest: null }, { name: "toondb_0.3.2_checksums.txt", data: Buffer.from(`${sha(CONTENT)}  ${ASSET}\n`), digest: null }]);
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() };
    expect(readFileSync(await fetchAsset(env, { upstream: 'checksums = "toondb_{version}_checksums.txt"\nrequire-checksum = true' })).equals(CONTENT)).toBe(true);
    expect(await errorOf(fetchAsset({ ...env, BINWHEEL_CACHE_DIR: tempDir() }, { upstream: 'checksums = "SHA256SUMS"' }))).toMatch(
      /^release "v0\.3\.2" of toondb\/toondb has no file named "SHA256SUMS" \(from \[tool\.binwheel\.upstream\] checksums = "SHA256SUMS"\)\. Its assets are: toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz, toondb_0\.3\.2_checksums\.txt\./,
    );
  });

  it("prefers a pin over everything, and warns or fails when no hash is known", async () => {
    const gh = await standIn([{ name: ASSET, data: CONTENT, digest: null }]);
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() };
    expect(await errorOf(fetchAsset(env, { upstream: pins("a".repeat(64)) }))).toMatch(/but the pin in \[tool\.binwheel\.upstream\] sha256 says a{64}/);
    const warnings: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => { warnings.push(String(chunk)); return true; });
    await fetchAsset({ ...env, BINWHEEL_CACHE_DIR: tempDir() });
    expect(warnings.join("")).toMatch(/warning: no sha256 is known for toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz .* It is used unverified/);
    expect(await errorOf(fetchAsset({ ...env, BINWHEEL_CACHE_DIR: tempDir() }, { upstream: "require-checksum = true" }))).toMatch(/require-checksum is on, so the build stops here/);
  });
});

describe("the download cache", () => {
  it("downloads once: later builds only check the release's metadata", async () => {
    const gh = await standIn();
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() };
    const first = await fetchAsset(env);
    const second = await fetchAsset(env);
    expect(second).toBe(first);
    expect(first).toBe(path.join(env.BINWHEEL_CACHE_DIR, "sha256", sha(CONTENT).slice(0, 2), sha(CONTENT)));
    expect(storageRequests()).toBe(1);
  });

  it("asks nothing at all when the hash is pinned or the release is immutable", async () => {
    const gh = await standIn([{ name: ASSET, data: CONTENT }], { immutable: true });
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() };
    await fetchAsset(env);
    const before = gh.requests.length;
    await fetchAsset(env);
    await fetchAsset(env, { upstream: pins(sha(CONTENT)) });
    expect(gh.requests.length).toBe(before);
  });

  it("downloads again when upstream replaced the asset", async () => {
    const gh = await standIn();
    const env = { GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() };
    await fetchAsset(env);
    gh.replaceAsset("v0.3.2", ASSET, Buffer.from("a new build"));
    expect(readFileSync(await fetchAsset(env), "utf8")).toBe("a new build");
    expect(storageRequests()).toBe(2);
  });

  it("works offline from the cache, and says what is missing when it cannot", async () => {
    const gh = await standIn();
    const cache = tempDir();
    await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache });
    const before = gh.requests.length;
    expect(readFileSync(await fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: cache }, { offline: true })).equals(CONTENT)).toBe(true);
    expect(gh.requests.length).toBe(before);
    expect(await errorOf(fetchAsset({ GITHUB_API_URL: gh.apiUrl, BINWHEEL_CACHE_DIR: tempDir() }, { offline: true }))).toMatch(
      /offline mode is on \(-C offline \/ BINWHEEL_OFFLINE\) and toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz \(toondb\/toondb v0\.3\.2\) is not in the download cache/,
    );
  });
});

describe("BINWHEEL_ASSET_DIR", () => {
  it("reads the asset from the folder, verified by a checksum file there, without any network", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, ASSET), CONTENT);
    writeFileSync(path.join(dir, "SHA256SUMS"), `${sha(CONTENT)}  ${ASSET}\n`);
    const env = { GITHUB_API_URL: "http://127.0.0.1:9", BINWHEEL_ASSET_DIR: dir };
    expect(await fetchAsset(env)).toBe(path.join(dir, ASSET));
    writeFileSync(path.join(dir, ASSET), "tampered");
    expect(await errorOf(fetchAsset(env))).toMatch(/but SHA256SUMS in BINWHEEL_ASSET_DIR says/);
    expect(await errorOf(fetchAsset({ ...env, BINWHEEL_ASSET_DIR: path.join(dir, "sub") }))).toMatch(/is not a readable folder/);
    mkdirSync(path.join(dir, "empty"));
    expect(await errorOf(fetchAsset({ ...env, BINWHEEL_ASSET_DIR: path.join(dir, "empty") }))).toMatch(/has no toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz\. It holds: nothing/);
  });
});
