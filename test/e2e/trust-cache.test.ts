// Issue 12's classes about what a build leaves behind and what it takes from its own cache:
// damaged compressed members, manifests and cached assets are found, deleted, reported in one
// line and rebuilt (the wheel is the one a clean build makes); killed runs leave nothing that the
// next run does not sweep; a failed multi-target build or release leaves nothing in --out-dir;
// file-system failures and bad bytes in pyproject.toml are worded as such. Through the bundled
// executable against the GitHub stand-in, as a user runs it.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toondbRelease } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { NODE, REPO, assembleExampleProject } from "../support/project.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const LINUX_WHEEL = "toondb_client-0.3.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl";
let github: GitHubStandIn;
let work: string;
let project: string;
let runs = 0;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-trust-cache-"));
  github = await GitHubStandIn.start();
  github.addRelease(await toondbRelease("0.3.2"));
  // A release missing the macOS and Windows builds: multi-target builds of it fail part-way.
  github.addRelease(await toondbRelease("0.3.1", { triples: ["x86_64-unknown-linux-gnu"] }));
  project = assembleExampleProject(path.join(work, "toondb-client"));
});

afterAll(async () => {
  await github?.close();
  rmSync(work, { recursive: true, force: true });
});

function binwheel(args: string[], cache: string) {
  return execa(NODE, [CORE, ...args], { env: { GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: cache }, reject: false });
}

async function build(cache: string, args: string[] = []) {
  const out = path.join(work, `out-${runs++}`);
  const result = await binwheel(["build", project, "--out-dir", out, ...args], cache);
  return { ...result, out, files: existsSync(out) ? readdirSync(out).sort() : [] };
}

/** Every file below `dir`, relative, recursively. */
function filesBelow(dir: string): string[] {
  return existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(path.join(dir, f)).isFile()) : [];
}

function flipByte(file: string, at = Math.floor(statSync(file).size / 2)): void {
  const data = readFileSync(file);
  data[at] = data[at]! ^ 0xff;
  writeFileSync(file, data);
}

const memberFolder = (cache: string) => path.join(cache, readdirSync(cache).find((n) => n.startsWith("libdeflate"))!);
const downloads = () => github.requests.filter((r) => r.origin === "storage").length;

describe("the cache is checked, not trusted", () => {
  let cache: string;
  let clean: Buffer;
  beforeAll(async () => {
    cache = path.join(work, "cache-checked");
    const first = await build(cache);
    expect(first.exitCode, first.stderr).toBe(0);
    clean = readFileSync(path.join(first.out, LINUX_WHEEL));
  });

  it("rebuilds a compressed member with a flipped byte, and the wheel is the clean one", async () => {
    const folder = memberFolder(cache);
    const blobs = filesBelow(folder).filter((f) => !f.startsWith("manifests")).map((f) => path.join(folder, f));
    const largest = blobs.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    flipByte(largest);
    const again = await build(cache);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(new RegExp(`binwheel: warning: ${largest.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} in the download cache was damaged; deleted it and building again\\.`));
    expect(readFileSync(path.join(again.out, LINUX_WHEEL)).equals(clean)).toBe(true);
  });

  it("rebuilds a manifest with a changed CRC, and the wheel is the clean one", async () => {
    const manifests = path.join(memberFolder(cache), "manifests");
    const file = path.join(manifests, readdirSync(manifests)[0]!);
    writeFileSync(file, readFileSync(file, "utf8").replace(/"crc32":(\d)/, (_, d: string) => `"crc32":${(Number(d) + 1) % 10}`));
    const again = await build(cache);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/the member cache's manifest .* is damaged; deleted it, the asset is read again\./);
    expect(readFileSync(path.join(again.out, LINUX_WHEEL)).equals(clean)).toBe(true);
  });

  it("downloads again a cached asset changed by one byte, and ships only verified bytes", async () => {
    rmSync(memberFolder(cache), { recursive: true }); // so the asset itself is read
    const blobs = filesBelow(path.join(cache, "sha256")).map((f) => path.join(cache, "sha256", f));
    for (const blob of blobs) flipByte(blob);
    const before = downloads();
    const again = await build(cache);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/in the download cache was damaged; deleted it and building again\./);
    expect(downloads()).toBe(before + 1);
    expect(readFileSync(path.join(again.out, LINUX_WHEEL)).equals(clean)).toBe(true);
  });
});

describe("special files where binwheel expects its own files never hang a build", () => {
  // Run as a child with a time limit: a synchronous read of a FIFO would block past SIGTERM.
  function buildWith(cache: string, env: Record<string, string> = {}) {
    return execa(NODE, [CORE, "build", project, "--out-dir", path.join(work, `out-${runs++}`)], {
      env: { GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: cache, ...env },
      reject: false,
      timeout: 30_000,
      forceKillAfterDelay: 1000,
    });
  }

  it("a FIFO as a manifest, or as a compressed member, is reported, removed and rebuilt", async () => {
    const cache = path.join(work, "cache-fifo");
    expect((await buildWith(cache)).exitCode).toBe(0);
    const manifests = path.join(memberFolder(cache), "manifests");
    const manifest = path.join(manifests, readdirSync(manifests)[0]!);
    rmSync(manifest);
    execFileSync("mkfifo", [manifest]);
    const again = await buildWith(cache);
    expect(again.timedOut).toBe(false);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/the member cache's manifest .* is damaged; deleted it, the asset is read again/);
    const blobs = filesBelow(memberFolder(cache)).filter((f) => !f.startsWith("manifests")).map((f) => path.join(memberFolder(cache), f));
    rmSync(blobs[0]!);
    execFileSync("mkfifo", [blobs[0]!]);
    const third = await buildWith(cache);
    expect(third.timedOut).toBe(false);
    expect(third.exitCode, third.stderr).toBe(0);
  });

  it("an asset in BINWHEEL_ASSET_DIR that links to /dev/zero is refused at once", async () => {
    const assets = path.join(work, "assets-devzero");
    mkdirSync(assets, { recursive: true });
    symlinkSync("/dev/zero", path.join(assets, "toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz"));
    const result = await buildWith(path.join(work, "cache-devzero"), { BINWHEEL_ASSET_DIR: assets });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/BINWHEEL_ASSET_DIR=.*: toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz is not a regular file; binwheel reads only regular files there/);
  });
});

describe("temporary files", () => {
  const host = createHash("sha256").update(hostname()).digest("hex").slice(0, 8);

  it("left in the output folder by killed runs are swept by the next build; a live run's are kept", async () => {
    const out = path.join(work, "out-swept");
    mkdirSync(out, { recursive: true });
    const dead = `.${LINUX_WHEEL}.${host}-999999-deadbeef.binwheel-tmp`;
    const otherHostOld = `.${LINUX_WHEEL}.0badc0de-4242-deadbeef.binwheel-tmp`;
    const otherHostFresh = `.${LINUX_WHEEL}.0badc0de-4343-deadbeef.binwheel-tmp`;
    for (const name of [dead, otherHostOld, otherHostFresh]) writeFileSync(path.join(out, name), "partial wheel");
    const twoDaysAgo = Date.now() / 1000 - 2 * 86400;
    utimesSync(path.join(out, otherHostOld), twoDaysAgo, twoDaysAgo);
    const result = await binwheel(["build", project, "--out-dir", out], path.join(work, "cache-swept"));
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([otherHostFresh, LINUX_WHEEL].sort());
  });

  it("are removed when the build is stopped by SIGTERM mid-download", async () => {
    const cache = path.join(work, "cache-killed");
    github.inject({ origin: "storage", stall: true });
    const child = execa(NODE, [CORE, "build", project, "--out-dir", path.join(work, "out-killed")], {
      env: { GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: cache },
      reject: false,
    });
    const started = Date.now();
    while (!filesBelow(cache).some((f) => f.endsWith(".binwheel-tmp") && !f.includes("CACHEDIR"))) {
      if (Date.now() - started > 20_000) throw new Error("the download never started");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGTERM");
    const result = await child;
    expect(result.exitCode).toBe(143);
    expect(filesBelow(cache).filter((f) => f.includes("binwheel-tmp"))).toEqual([]);
    // Its scratch folder (spooled members, inspected binaries) went too.
    expect(readdirSync(tmpdir()).filter((f) => f.includes(`-${child.pid}-`) && f.endsWith(".binwheel-tmp"))).toEqual([]);
    expect(existsSync(path.join(work, "out-killed")) ? readdirSync(path.join(work, "out-killed")) : []).toEqual([]);
  });
});

describe("a failure leaves nothing", () => {
  it("a multi-target build that fails on one target removes the sdist and the wheels it wrote", async () => {
    const result = await build(path.join(work, "cache-partial"), ["--all-targets", "--sdist", "--upstream-version", "0.3.1"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/binwheel: error: release "v0\.3\.1" of toondb\/toondb has no asset named/);
    expect(result.files).toEqual([]);
  });

  it("so does a build of several --target with --sdist", async () => {
    const result = await build(path.join(work, "cache-targets"), ["--sdist", "--upstream-version", "0.3.1", "--target", "x86_64-unknown-linux-gnu", "--target", "aarch64-apple-darwin"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/has no asset named "toondb-0\.3\.1-aarch64-apple-darwin\.tar\.gz"/);
    expect(result.files).toEqual([]);
  });

  it("so does a release dry run", async () => {
    const out = path.join(work, "out-release");
    const result = await execa(NODE, [CORE, "release", project, "--repo", "toondb/toondb-python-sdk", "--dry-run", "--upstream-version", "0.3.1", "--out-dir", out], {
      env: { GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: path.join(work, "cache-release") },
      reject: false,
    });
    expect(result.exitCode).toBe(1);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});

describe("init-ci writes only inside the project", () => {
  it("refuses a workflow file or folder that is a link out of the project", async () => {
    const outside = mkdtempSync(path.join(work, "outside-"));
    const one = assembleExampleProject(path.join(work, "init-ci-link"));
    mkdirSync(path.join(one, ".github/workflows"), { recursive: true });
    symlinkSync(path.join(outside, "pwned.yml"), path.join(one, ".github/workflows/release.yml"));
    const dangling = await binwheel(["init-ci", one, "--force"], path.join(work, "cache-init"));
    expect(dangling.exitCode).toBe(1);
    expect(dangling.stderr).toMatch(/release\.yml is a symbolic link; binwheel replaces only a regular file/);
    const two = assembleExampleProject(path.join(work, "init-ci-folder"));
    symlinkSync(outside, path.join(two, ".github"));
    const folder = await binwheel(["init-ci", two], path.join(work, "cache-init"));
    expect(folder.exitCode).toBe(1);
    expect(folder.stderr).toMatch(/\.github leads to .*outside-.*, outside .*init-ci-folder \(through a link\); binwheel writes the workflow only inside the project/);
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe("failures are worded for people", () => {
  it("says a file name is too long for the file system, naming it", async () => {
    const long = assembleExampleProject(path.join(work, "long-name"));
    const pyproject = path.join(long, "pyproject.toml");
    writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace('name = "toondb-client"', `name = "toondb-${"x".repeat(250)}"`));
    const result = await binwheel(["build", long, "--sdist", "--out-dir", path.join(work, "out-long")], path.join(work, "cache-long"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^binwheel: error: a file name is too long for the file system \(.*toondb_x{250}-0\.3\.2\.tar\.gz\)\. Use a shorter output folder or shorter names in pyproject\.toml\.$/m);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readdirSync(path.join(work, "out-long"))).toEqual([]);
  });

  it("names the line of pyproject.toml that is not UTF-8", async () => {
    const broken = assembleExampleProject(path.join(work, "latin1"));
    const pyproject = path.join(broken, "pyproject.toml");
    const text = readFileSync(pyproject);
    writeFileSync(pyproject, Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from("\n"), text]));
    const result = await binwheel(["build", broken, "--out-dir", path.join(work, "out-latin1")], path.join(work, "cache-latin1"));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/binwheel: error: .*pyproject\.toml is not valid UTF-8: line 1 holds bytes that are not\. Save the file as UTF-8\./);
  });
});
