// Builds against an unreliable, untrusted network: concurrent builds sharing one cache, offline
// builds, a proxy, injected faults, and a token that must never show.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toondbRelease } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { NODE, REPO, assembleExampleProject } from "../support/project.js";
import { onlyWheel, pipWheel } from "../support/python.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const TOKEN = "ghp_networkTestSecretToken789";

let github: GitHubStandIn;
let work: string;
let project: string;
let runs = 0;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-network-"));
  github = await GitHubStandIn.start();
  github.addRelease(await toondbRelease("0.3.2"));
  project = assembleExampleProject(path.join(work, "toondb-client"));
});

afterAll(async () => {
  await github?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Asset downloads (requests to the storage host) since request number `from`. */
const downloadsOf = (from: number) => github.requests.slice(from).filter((r) => r.origin === "storage").length;

function build(env: Record<string, string>, args: string[] = []) {
  const out = path.join(work, `out-${runs++}`);
  return execa(NODE, [CORE, "build", project, "--out-dir", out, ...args], {
    env: { GITHUB_API_URL: github.apiUrl, GH_TOKEN: TOKEN, ...env },
    reject: false,
    all: true,
  }).then((r) => ({ ...r, out }));
}

describe("eight concurrent builds sharing one empty cache", () => {
  it("all succeed, download the asset once and write identical wheels", async () => {
    const cache = path.join(work, "shared-cache");
    const before = github.requests.length;
    const results = await Promise.all(Array.from({ length: 8 }, () => build({ BINWHEEL_CACHE_DIR: cache })));
    for (const r of results) {
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).not.toContain(TOKEN);
    }
    expect(downloadsOf(before)).toBe(1);
    const wheels = results.map((r) => readFileSync(onlyWheel(r.out)));
    expect(wheels.every((w) => w.equals(wheels[0]!))).toBe(true);
    expect(readdirSync(path.join(cache, "sha256")).filter((f) => f.endsWith("tmp"))).toEqual([]);
    expect(readFileSync(path.join(cache, "CACHEDIR.TAG"), "utf8")).toMatch(/^Signature: 8a477f597d28d172789f06886806bc55\n# .*binwheel/);
    expect(readdirSync(path.join(cache, "locks"))).toEqual([]);
  });
});

describe("offline builds", () => {
  it("work from the cache with no network at all, and say what is missing otherwise", async () => {
    const cache = path.join(work, "offline-cache");
    const online = await pipWheel("python3", project, path.join(work, "online"), { env: { GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: cache } });
    expect(online.exitCode, online.all).toBe(0);
    const before = github.requests.length;
    const offline = await pipWheel("python3", project, path.join(work, "offline"), {
      env: { GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: cache },
      args: ["-C", "offline=true"],
    });
    expect(offline.exitCode, offline.all).toBe(0);
    expect(github.requests.length).toBe(before);
    expect(readFileSync(onlyWheel(path.join(work, "offline"))).equals(readFileSync(onlyWheel(path.join(work, "online"))))).toBe(true);
    const miss = await build({ BINWHEEL_CACHE_DIR: path.join(work, "empty-cache"), BINWHEEL_OFFLINE: "1" });
    expect(miss.exitCode).toBe(1);
    expect(miss.stderr).toMatch(/offline mode is on .* toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz \(toondb\/toondb v0\.3\.2\) is not in the download cache/);
  });
});

describe("faults on the way", () => {
  it("are retried through a whole pip build, and the token never shows", async () => {
    github.inject({ origin: "api", status: 502 }, { origin: "storage", cut: true }, { origin: "storage", reset: true });
    const built = await pipWheel("python3", project, path.join(work, "faulty"), {
      env: { GITHUB_API_URL: github.apiUrl, GH_TOKEN: TOKEN, BINWHEEL_CACHE_DIR: path.join(work, "faulty-cache") },
      args: ["-v"],
    });
    expect(built.exitCode, built.all).toBe(0);
    expect(built.all).toMatch(/retrying in/);
    expect(built.all).not.toContain(TOKEN);
  });
});

describe("HTTP(S)_PROXY and NO_PROXY", () => {
  let proxy: Server;
  const tunnels: string[] = [];
  beforeAll(async () => {
    // A CONNECT proxy, as corporate proxies are: it tunnels to whatever host:port is asked.
    proxy = createServer((_, res) => res.writeHead(405).end());
    proxy.on("connect", (req, client, head) => {
      tunnels.push(req.url ?? "");
      const [host, port] = (req.url ?? "").split(":");
      const upstream = connect(Number(port), host!, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", () => resolve()));
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it("sends every request through the proxy, unless NO_PROXY exempts the host", async () => {
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    const through = await build({ HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, BINWHEEL_CACHE_DIR: path.join(work, "proxy-cache") });
    expect(through.exitCode, through.all).toBe(0);
    const api = new URL(github.apiUrl).host;
    const storage = new URL(github.storageUrl).host;
    expect(tunnels).toContain(api);
    expect(tunnels).toContain(storage);
    tunnels.length = 0;
    const bypass = await build({ HTTP_PROXY: proxyUrl, NO_PROXY: "127.0.0.1", BINWHEEL_CACHE_DIR: path.join(work, "bypass-cache") });
    expect(bypass.exitCode, bypass.all).toBe(0);
    expect(tunnels).toEqual([]);
  });
});

describe("binwheel cache", () => {
  it("prints and cleans the cache folder", async () => {
    const cache = path.join(work, "shared-cache");
    const env = { BINWHEEL_CACHE_DIR: cache };
    expect((await execa(NODE, [CORE, "cache", "dir"], { env })).stdout).toBe(cache);
    expect((await execa(NODE, [CORE, "cache", "clean"], { env })).stdout).toBe(`removed ${cache}`);
    expect(existsSync(cache)).toBe(false);
    expect((await execa(NODE, [CORE, "cache", "dir"], { env: { XDG_CACHE_HOME: "/x/y", BINWHEEL_CACHE_DIR: "" } })).stdout).toBe("/x/y/binwheel");
  });

  it("cleans nothing in a folder that is not binwheel's, \".\" included", async () => {
    const folder = assembleExampleProject(path.join(work, "not-a-cache"));
    const before = listing(folder);
    for (const [cwd, dir] of [[work, folder], [folder, "."]] as const) {
      const r = await execa(NODE, [CORE, "cache", "clean"], { env: { BINWHEEL_CACHE_DIR: dir }, cwd, reject: false });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toBe(`binwheel: error: ${folder} is not marked as binwheel's download cache (it has no CACHEDIR.TAG written by binwheel), so binwheel cache clean deleted nothing. ` +
        "Check BINWHEEL_CACHE_DIR (binwheel cache dir prints the folder); delete the folder by hand if it really is a cache.");
    }
    expect(listing(folder)).toEqual(before);
  });

  it("a build never writes into a BINWHEEL_CACHE_DIR that is not binwheel's (the project itself)", async () => {
    const folder = assembleExampleProject(path.join(work, "cache-is-project"));
    const before = listing(folder);
    const r = await execa(NODE, [CORE, "build", ".", "--out-dir", path.join(work, "out-project-cache")], {
      env: { GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: "." },
      cwd: folder,
      reject: false,
      all: true,
    });
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(new RegExp(`binwheel: warning: BINWHEEL_CACHE_DIR=${folder} already holds files`));
    expect(listing(folder)).toEqual(before);
  });
});

/** Every path under `dir` (recursively), sorted. */
function listing(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}
