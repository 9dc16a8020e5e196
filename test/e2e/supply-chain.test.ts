// Issue 15, build side: the SBOM in every binary wheel (PEP 770, CycloneDX 1.6, checked against
// the official schema by the CycloneDX library's own validator) and binwheel.lock (written by
// `binwheel lock`, verified by every build, carried by the sdist), through the bundled CLI against
// stand-ins for GitHub, GitLab and a download site, and for a local file.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { execa } from "execa";
import JSZip from "jszip";
import toml from "toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packTarGz, toondbRelease, fixtureLibrary } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { GitLabStandIn } from "../support/gitlab-standin.js";
import { HttpStandIn } from "../support/http-standin.js";
import { NODE, REPO, assembleExampleProject } from "../support/project.js";
import { onlyWheel, validateWheel } from "../support/python.js";
import { rewriteWheel } from "../support/rewrite-wheel.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const LINUX = "x86_64-unknown-linux-gnu";
const TRIPLES = [LINUX, "aarch64-apple-darwin", "x86_64-pc-windows-msvc"];
const SBOM = "toondb_client-0.3.2.dist-info/sboms/binwheel.cdx.json";
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

let github: GitHubStandIn;
let work: string;
let runs = 0;
/** The stand-in's assets by name, as uploaded. */
const assets = new Map<string, Buffer>();

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-supply-"));
  github = await GitHubStandIn.start();
  for (const version of ["0.3.2", "0.3.3"]) {
    const release = await toondbRelease(version);
    github.addRelease(release);
    for (const a of release.assets) assets.set(a.name, a.data as Buffer);
  }
});

afterAll(async () => {
  await github?.close();
  rmSync(work, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string> = {}) =>
  execa(NODE, [CORE, ...args], { env: { GITHUB_API_URL: github.apiUrl, BINWHEEL_CACHE_DIR: path.join(work, `cache-${runs++}`), SOURCE_DATE_EPOCH: "1700000000", ...env }, reject: false, all: true });

async function build(project: string, env: Record<string, string> = {}, ...flags: string[]) {
  const out = path.join(work, `out-${runs++}`);
  const result = await run(["build", project, "--target", LINUX, "--out-dir", out, ...flags], env);
  const wheels = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith(".whl")) : [];
  return { ...result, out, wheel: wheels.length === 1 ? path.join(out, wheels[0]!) : "" };
}

const member = async (wheel: string, name: string) => (await JSZip.loadAsync(readFileSync(wheel))).file(name)?.async("nodebuffer");

function example(): string {
  return assembleExampleProject(path.join(work, `toondb-client-${runs++}`));
}

type Component = { name: string; type: string; purl?: string; version?: string; hashes?: { alg: string; content: string }[]; components?: Component[]; licenses?: { expression?: string }[]; externalReferences?: { type: string; url: string; hashes?: { alg: string; content: string }[] }[] };

describe("the SBOM in every binary wheel", () => {
  let wheel: string;
  let text: string;
  beforeAll(async () => {
    const built = await build(example());
    expect(built.exitCode, built.all).toBe(0);
    wheel = built.wheel;
    text = (await member(wheel, SBOM))!.toString("utf8");
  });

  it("is valid CycloneDX 1.6 by the official schema, listed in RECORD", async () => {
    expect(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text)).toBeNull();
    const record = (await member(wheel, "toondb_client-0.3.2.dist-info/RECORD"))!.toString("utf8");
    expect(record).toContain(`${SBOM},sha256=${createHash("sha256").update(text).digest("base64url")},${Buffer.byteLength(text)}`);
    await validateWheel(wheel); // installer's and packaging's own checks, RECORD hashes included
  });

  it("names the wheel, the upstream release with its asset's URL, sha256 and license, each bundled file with its sha256, and binwheel", async () => {
    const bom = JSON.parse(text) as { specVersion: string; serialNumber: string; metadata: { timestamp: string; component: Component; tools: { components: Component[] } }; components: Component[]; dependencies: { ref: string; dependsOn?: string[] }[] };
    expect(bom.specVersion).toBe("1.6");
    expect(bom.metadata.timestamp).toBe("2023-11-14T22:13:20.000Z");
    expect(bom.metadata.component).toMatchObject({ type: "library", name: "toondb-client", version: "0.3.2", purl: "pkg:pypi/toondb-client@0.3.2" });
    expect(bom.metadata.tools.components.map((c) => c.name)).toEqual(["binwheel"]);
    const asset = `toondb-0.3.2-${LINUX}.tar.gz`;
    const [release] = bom.components;
    expect(release).toMatchObject({ type: "application", name: "toondb", version: "0.3.2", purl: "pkg:github/toondb/toondb@v0.3.2", hashes: [{ alg: "SHA-256", content: sha(assets.get(asset)!) }], licenses: [{ expression: "Apache-2.0" }] });
    expect(release!.externalReferences).toContainEqual({ type: "distribution", url: `${github.apiUrl}/toondb/toondb/releases/download/v0.3.2/${asset}`, comment: asset, hashes: [{ alg: "SHA-256", content: sha(assets.get(asset)!) }] });
    // Every file the wheel took from the asset, with the sha256 of the bytes in the wheel.
    const zip = await JSZip.loadAsync(readFileSync(wheel));
    const fromUpstream = Object.keys(zip.files).filter((n) => /\/(_bin|lib)\//.test(n)).sort();
    expect(fromUpstream).toHaveLength(5);
    expect(release!.components!.map((c) => c.name).sort()).toEqual(fromUpstream);
    for (const file of release!.components!) {
      expect(file.type).toBe("file");
      expect(file.hashes).toEqual([{ alg: "SHA-256", content: sha((await zip.file(file.name)!.async("nodebuffer"))) }]);
    }
    expect(bom.dependencies).toContainEqual({ ref: "pypi:toondb-client", dependsOn: ["upstream"] });
  });

  it("is byte-identical when rebuilt, as is the whole wheel, cold or warm", async () => {
    const again = await build(example());
    expect(again.exitCode, again.all).toBe(0);
    expect((await member(again.wheel, SBOM))!.toString("utf8")).toBe(text);
    expect(readFileSync(again.wheel).equals(readFileSync(wheel))).toBe(true);
  });

  it("is checked by binwheel check: a file hash that differs from the wheel's file, or broken JSON, is reported", async () => {
    expect((await run(["check", wheel])).exitCode).toBe(0);
    const bom = JSON.parse(text);
    bom.components[0].components[0].hashes[0].content = "0".repeat(64);
    const lying = await rewritten(wheel, SBOM, JSON.stringify(bom));
    // Installers ignore SBOMs, so a lying one is a warning: it fails under --strict, as a release is.
    expect((await run(["check", lying])).exitCode).toBe(0);
    const checked = await run(["check", "--strict", lying]);
    expect(checked.exitCode).toBe(1);
    expect(checked.stdout).toMatch(/BW803 warning +\S+sboms\/binwheel\.cdx\.json: components\[0\]\.components\[0\] gives toondb\/.* the sha256 0{64}, but the wheel's file has [0-9a-f]{64}/);
    const broken = await run(["check", await rewritten(wheel, SBOM, text.slice(0, 100))]);
    expect(broken.stdout).toMatch(/BW801 warning +\S+sboms\/binwheel\.cdx\.json: is not valid JSON/);
  });
});

/** A copy of `wheel` whose member `name` holds `content`, RECORD updated to match (so only the SBOM is wrong). */
async function rewritten(wheel: string, name: string, content: string): Promise<string> {
  const out = path.join(work, `rewritten-${runs++}`, path.basename(wheel));
  mkdirSync(path.dirname(out));
  await rewriteWheel(wheel, out, { [name]: content });
  return out;
}

interface LockFile {
  "lock-version": number;
  "upstream-version": string;
  targets: Record<string, { source: string; tag?: string; commit?: string; asset: string; url?: string; size: number; sha256: string }>;
}
const readLockFile = (project: string) => toml.parse(readFileSync(path.join(project, "binwheel.lock"), "utf8")) as LockFile;

describe("binwheel.lock", () => {
  it("records every target's source, tag, commit, asset, URL, size and sha256, and builds verify against it", async () => {
    const project = example();
    const locked = await run(["lock", project]);
    expect(locked.exitCode, locked.all).toBe(0);
    const text = readFileSync(path.join(project, "binwheel.lock"), "utf8");
    expect(text).toMatch(/^# binwheel\.lock: the exact upstream assets/);
    const lock = readLockFile(project);
    expect(lock["lock-version"]).toBe(1);
    expect(lock["upstream-version"]).toBe("0.3.2");
    expect(Object.keys(lock.targets)).toEqual([...TRIPLES].sort());
    for (const triple of TRIPLES) {
      const name = `toondb-0.3.2-${triple}.${triple.includes("windows") ? "zip" : "tar.gz"}`;
      expect(lock.targets[triple]).toEqual({
        source: "github:toondb/toondb",
        tag: "v0.3.2",
        commit: GitHubStandIn.commitOf("toondb", "toondb", "v0.3.2"),
        asset: name,
        url: expect.stringMatching(new RegExp(`^${github.apiUrl}/repos/toondb/toondb/releases/assets/\\d+$`)),
        size: assets.get(name)!.length,
        sha256: sha(assets.get(name)!),
      });
    }
    // Writing it again changes nothing: sorted, one fixed order.
    expect((await run(["lock", project])).exitCode).toBe(0);
    expect(readFileSync(path.join(project, "binwheel.lock"), "utf8")).toBe(text);
    const built = await build(project, {}, "--locked");
    expect(built.exitCode, built.all).toBe(0);
  });

  it("stops a build whose asset differs from the lock, naming the target, the asset and the locked hash, before downloading it when the size says so", async () => {
    const project = example();
    expect((await run(["lock", project])).exitCode).toBe(0);
    const lock = readLockFile(project);
    // The upstream replaces the asset (and GitHub's digest with it): only the lock still knows.
    const gh = await GitHubStandIn.start();
    try {
      const release = await toondbRelease("0.3.2");
      const other = (await toondbRelease("0.3.2", { tools: { "toondb-bulk": "#!/bin/sh\necho replaced\n" } })).assets.find((a) => a.name.includes(LINUX))!;
      gh.addRelease({ ...release, assets: release.assets.map((a) => (a.name === other.name ? other : a)) });
      const built = await build(project, { GITHUB_API_URL: gh.apiUrl });
      expect(built.exitCode).toBe(1);
      expect(built.stderr).toContain(
        `binwheel.lock gives ${LINUX}'s asset toondb-0.3.2-${LINUX}.tar.gz as ${lock.targets[LINUX]!.size} bytes (sha256 ${lock.targets[LINUX]!.sha256}), but toondb/toondb v0.3.2 lists it at ${(other.data as Buffer).length} bytes: ` +
          "upstream changed the asset since it was locked. Nothing was downloaded.",
      );
      expect(gh.requests.filter((r) => r.origin === "storage")).toEqual([]);
      expect(built.wheel).toBe("");
    } finally {
      await gh.close();
    }
  });

  it("with --locked (or -C locked=true, BINWHEEL_LOCKED) refuses what the lock does not cover; without, warns", async () => {
    const project = example();
    const none = await build(project, {}, "--locked");
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/--locked \(-C locked=true\) builds only what binwheel\.lock covers, but .* has no binwheel\.lock\. Run binwheel lock/);
    expect((await run(["lock", project])).exitCode).toBe(0);
    // A lock without this target (hand-edited, or written before the target was added).
    const text = readFileSync(path.join(project, "binwheel.lock"), "utf8");
    writeFileSync(path.join(project, "binwheel.lock"), text.replace(/\n\[targets\."x86_64-unknown-linux-gnu"\][^[]*/, "\n"));
    const missing = await build(project, { BINWHEEL_LOCKED: "1" });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`binwheel.lock has no entry for ${LINUX}, and --locked (-C locked=true) builds only what it covers.`);
    const warned = await build(project);
    expect(warned.exitCode, warned.all).toBe(0);
    expect(warned.stderr).toContain(`warning: binwheel.lock has no entry for ${LINUX}, so it does not pin this build's asset`);
    // Another upstream version than the lock's, asked for on the command line.
    writeFileSync(path.join(project, "binwheel.lock"), text);
    const other = await build(project, {}, "--locked", "--upstream-version", "0.3.3");
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain("binwheel.lock is for upstream version 0.3.2, and this build takes 0.3.3");
  });

  it("moves to another release with binwheel lock --upstream-version, and builds follow it", async () => {
    const project = example();
    expect((await run(["lock", project])).exitCode).toBe(0);
    const moved = await run(["lock", project, "--upstream-version", "0.3.3"]);
    expect(moved.exitCode, moved.all).toBe(0);
    const lock = readLockFile(project);
    expect(lock["upstream-version"]).toBe("0.3.3");
    expect(lock.targets[LINUX]).toMatchObject({ tag: "v0.3.3", asset: `toondb-0.3.3-${LINUX}.tar.gz`, sha256: sha(assets.get(`toondb-0.3.3-${LINUX}.tar.gz`)!) });
    const built = await build(project, {}, "--locked");
    expect(built.exitCode, built.all).toBe(0);
    const bom = JSON.parse((await member(built.wheel, SBOM))!.toString("utf8"));
    expect(bom.components[0].purl).toBe("pkg:github/toondb/toondb@v0.3.3");
    // An explicit [tool.binwheel.upstream] version wins over the lock, which then does not cover the build.
    const pyproject = path.join(project, "pyproject.toml");
    writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace('# version = "0.3.2"', 'version = "0.3.2"'));
    const refused = await run(["lock", project, "--upstream-version", "0.3.3"]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('--upstream-version 0.3.3 differs from [tool.binwheel.upstream] version = "0.3.2"');
  });

  it("travels in the sdist: a wheel built from it offline takes the locked bytes, and a swapped asset is refused", async () => {
    const project = example();
    const cache = path.join(work, "sdist-cache");
    expect((await run(["lock", project], { BINWHEEL_CACHE_DIR: cache })).exitCode).toBe(0);
    const out = path.join(work, `sdist-${runs++}`);
    const sdist = await run(["build", project, "--sdist", "--target", LINUX, "--out-dir", out], { BINWHEEL_CACHE_DIR: cache });
    expect(sdist.exitCode, sdist.all).toBe(0);
    const tarball = readdirSync(out).find((f) => f.endsWith(".tar.gz"))!;
    const unpacked = path.join(work, `unpacked-${runs++}`);
    mkdirSync(unpacked);
    await execa("tar", ["-xzf", path.join(out, tarball), "-C", unpacked]);
    const root = path.join(unpacked, "toondb_client-0.3.2");
    expect(readFileSync(path.join(root, "binwheel.lock"), "utf8")).toBe(readFileSync(path.join(project, "binwheel.lock"), "utf8"));
    // Offline, from the cache `binwheel lock` filled, on a "new machine" with no network at all.
    const offline = await build(root, { BINWHEEL_CACHE_DIR: cache, BINWHEEL_OFFLINE: "1", GITHUB_API_URL: "http://127.0.0.1:9" }, "--locked");
    expect(offline.exitCode, offline.all).toBe(0);
    // An air-gapped build handed other bytes under the asset's name, with a checksum file that agrees with them.
    const swapped = path.join(work, `swapped-${runs++}`);
    mkdirSync(swapped);
    const fake = await packTarGz([{ path: `${LINUX}/toondb-bulk`, content: "#!/bin/sh\necho evil\n", mode: 0o755 }]);
    writeFileSync(path.join(swapped, `toondb-0.3.2-${LINUX}.tar.gz`), fake);
    writeFileSync(path.join(swapped, "SHA256SUMS"), `${sha(fake)}  toondb-0.3.2-${LINUX}.tar.gz\n`);
    const refused = await build(root, { BINWHEEL_ASSET_DIR: swapped });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`but binwheel.lock (for ${LINUX}) says ${sha(assets.get(`toondb-0.3.2-${LINUX}.tar.gz`)!)}`);
  });

  it("refuses a damaged lock with one clear paragraph, and binwheel lock writes a good one over it", async () => {
    const project = example();
    writeFileSync(path.join(project, "binwheel.lock"), 'lock-version = 1\nupstream-version = "0.3.2"\n[targets."x86_64-unknown-linux-gnu"]\nsource = "github:toondb/toondb"\nasset = "../../etc/passwd"\nsize = 1\nsha256 = "00"\n');
    const built = await build(project);
    expect(built.exitCode).toBe(1);
    expect(built.stderr).toContain('binwheel.lock: targets."x86_64-unknown-linux-gnu".asset must be a file name, but it is the string "../../etc/passwd". It is written by binwheel lock');
    const relocked = await run(["lock", project]);
    expect(relocked.exitCode, relocked.all).toBe(0);
    expect(relocked.stderr).toContain("writing a new one");
    expect((await build(project, {}, "--locked")).exitCode).toBe(0);
  });

  it("refuses a lock whose size disagrees with the bytes its sha256 names (edited by hand), even from a warm cache", async () => {
    const project = example();
    const cache = path.join(work, `size-cache-${runs++}`);
    expect((await run(["lock", project], { BINWHEEL_CACHE_DIR: cache })).exitCode).toBe(0);
    const file = path.join(project, "binwheel.lock");
    const size = readLockFile(project).targets[LINUX]!.size;
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace(`size = ${size}\nsha256 = "${readLockFile(project).targets[LINUX]!.sha256}"`, `size = ${size + 1}\nsha256 = "${readLockFile(project).targets[LINUX]!.sha256}"`));
    expect(readFileSync(file, "utf8")).not.toBe(text);
    const built = await build(project, { BINWHEEL_CACHE_DIR: cache, BINWHEEL_OFFLINE: "1" });
    expect(built.exitCode).toBe(1);
    expect(built.stderr).toContain(`and the size ${size + 1} bytes, but the bytes with that sha256 are ${size} bytes long. The lock was changed by hand; run binwheel lock to write it again.`);
  });

  it("and a [tool.binwheel.upstream] sha256 pin that disagrees with the lock is an error naming both", async () => {
    const project = example();
    expect((await run(["lock", project])).exitCode).toBe(0);
    const pyproject = path.join(project, "pyproject.toml");
    writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace('# sha256 = { "x86_64-unknown-linux-gnu" = "<64 hex digits>" }', `sha256 = { "${LINUX}" = "${"a".repeat(64)}" }`));
    const built = await build(project);
    expect(built.exitCode).toBe(1);
    expect(built.stderr).toContain(`[tool.binwheel.upstream] sha256 pins ${LINUX}'s asset toondb-0.3.2-${LINUX}.tar.gz to ${"a".repeat(64)}, but binwheel.lock says ${readLockFile(project).targets[LINUX]!.sha256}`);
  });
});

describe("binwheel.lock for every source", () => {
  const ASSET = `tool-1.0.0-${LINUX}.tar.gz`;
  let archive: Buffer;
  const servers: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    archive = await packTarGz([{ path: "tool-1.0.0/bin/tool", content: fixtureLibrary(LINUX), mode: 0o755 }]);
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  function toolProject(upstream: string, files: Record<string, Buffer> = {}): string {
    const dir = path.join(work, `tool-${runs++}`);
    mkdirSync(path.join(dir, "tool"), { recursive: true });
    writeFileSync(path.join(dir, "tool/__init__.py"), "");
    writeFileSync(path.join(dir, "pyproject.toml"), `[project]\nname = "tool-py"\nversion = "1.0.0"\n\n[tool.binwheel]\npackages = ["tool"]\n\n[tool.binwheel.upstream]\n${upstream}\n\n[tool.binwheel.targets]\n"${LINUX}" = "auto"\n\n[[tool.binwheel.include]]\nfrom = "bin/*"\nto = "tool/_bin"\n`);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    return dir;
  }

  it("gitlab: the commit from the release, the link's URL; the SBOM's purl is generic with the download URL", async () => {
    const gl = await GitLabStandIn.start();
    servers.push(gl);
    gl.addRelease({ project: "acme/cli/tool", tag: "v1.0.0", links: [{ name: ASSET, data: archive }, { name: "checksums.txt", data: Buffer.from(`${sha(archive)}  ${ASSET}\n`) }] });
    const dir = toolProject('gitlab = "acme/cli/tool"\nasset = "tool-{version}-{target}.tar.gz"');
    const env = { GITLAB_API_URL: gl.apiUrl };
    expect((await run(["lock", dir], env)).exitCode).toBe(0);
    const entry = readLockFile(dir).targets[LINUX]!;
    expect(entry).toMatchObject({ source: "gitlab:acme/cli/tool", tag: "v1.0.0", commit: GitLabStandIn.commitOf("acme/cli/tool", "v1.0.0"), asset: ASSET, size: archive.length, sha256: sha(archive) });
    expect(entry.url).toBe(`${gl.webUrl}/acme/cli/tool/-/releases/v1.0.0/downloads/${ASSET}`);
    const built = await build(dir, env, "--locked");
    expect(built.exitCode, built.all).toBe(0);
    const bom = JSON.parse((await member(built.wheel, "tool_py-1.0.0.dist-info/sboms/binwheel.cdx.json"))!.toString("utf8"));
    // Only pyproject.toml and the environment decide what the SBOM says: not the lock's URL, which a hand could edit.
    expect(bom.components[0].purl).toBe(`pkg:generic/tool@1.0.0?checksum=sha256%3A${sha(archive)}`);
    expect(bom.components[0].externalReferences).toEqual([{ type: "vcs", url: `${gl.webUrl}/acme/cli/tool` }]);
  });

  it("url: the filled URL, no tag or commit; a changed file on the site is refused", async () => {
    const site = await HttpStandIn.start();
    servers.push(site);
    site.file(`/dl/1.0.0/${ASSET}`, archive).file(`/dl/1.0.0/${ASSET}.sha256`, `${sha(archive)}\n`);
    const dir = toolProject(`url = "${site.url}/dl/{version}/{asset}"\nasset = "tool-{version}-{target}.tar.gz"\nchecksums = "{asset}.sha256"`);
    expect((await run(["lock", dir])).exitCode).toBe(0);
    expect(readLockFile(dir).targets[LINUX]).toEqual({ source: "url", asset: ASSET, url: `${site.url}/dl/1.0.0/${ASSET}`, size: archive.length, sha256: sha(archive) });
    const other = await packTarGz([{ path: "tool-1.0.0/bin/tool", content: fixtureLibrary(LINUX, "2.28"), mode: 0o755 }]);
    site.file(`/dl/1.0.0/${ASSET}`, other).file(`/dl/1.0.0/${ASSET}.sha256`, `${sha(other)}\n`);
    const built = await build(dir);
    expect(built.exitCode).toBe(1);
    // The site says how long the new file is, and the lock says how long the locked one was: not read.
    expect(built.stderr).toContain(`declared ${other.length} bytes for ${ASSET} (${site.url}/dl/1.0.0/${ASSET}), which binwheel.lock (for ${LINUX}) lists at ${archive.length} bytes (Content-Length: ${other.length}); binwheel stopped reading and did not retry. Either upstream changed the asset since it was locked (sha256 ${sha(archive)})`);
  });

  it("url: a signed URL's query reaches neither the lock nor the SBOM", async () => {
    const site = await HttpStandIn.start();
    servers.push(site);
    site.file(`/dl/1.0.0/${ASSET}`, archive);
    const dir = toolProject(`url = "${site.url}/dl/{version}/{asset}?X-Amz-Signature=s3cr3tSig"\nasset = "tool-{version}-{target}.tar.gz"\nsha256 = { "${LINUX}" = "${sha(archive)}" }`);
    expect((await run(["lock", dir])).exitCode).toBe(0);
    expect(readLockFile(dir).targets[LINUX]!.url).toBe(`${site.url}/dl/1.0.0/${ASSET}`);
    const built = await build(dir);
    expect(built.exitCode, built.all).toBe(0);
    const bom = (await member(built.wheel, "tool_py-1.0.0.dist-info/sboms/binwheel.cdx.json"))!.toString("utf8");
    expect(JSON.parse(bom).components[0].externalReferences).toContainEqual(expect.objectContaining({ type: "distribution", url: `${site.url}/dl/1.0.0/${ASSET}` }));
    expect(bom).not.toContain("s3cr3tSig");
    expect(built.all).not.toContain("s3cr3tSig");
  });

  it("path: a local archive by its hash (a folder cannot be locked and says so)", async () => {
    const dir = toolProject('path = "vendor/tool-{version}-{target}.tar.gz"', { [`vendor/${ASSET}`]: archive });
    expect((await run(["lock", dir])).exitCode).toBe(0);
    expect(readLockFile(dir).targets[LINUX]).toEqual({ source: "path", asset: ASSET, size: archive.length, sha256: sha(archive) });
    expect((await build(dir, {}, "--locked")).exitCode).toBe(0);
    writeFileSync(path.join(dir, "vendor", ASSET), Buffer.concat([archive, Buffer.alloc(1)]));
    const changed = await build(dir);
    expect(changed.exitCode).toBe(1);
    expect(changed.stderr).toContain(`but binwheel.lock (for ${LINUX}) says ${sha(archive)}`);
    const folder = toolProject('path = "target/{target}/release"', {});
    mkdirSync(path.join(folder, "target", LINUX, "release", "bin"), { recursive: true });
    writeFileSync(path.join(folder, "target", LINUX, "release", "bin", "tool"), fixtureLibrary(LINUX));
    const folderLock = await run(["lock", folder]);
    expect(folderLock.exitCode, folderLock.all).toBe(0);
    expect(folderLock.stderr).toContain(`${LINUX}'s upstream is the folder target/${LINUX}/release, which has no one hash to lock`);
    expect(readLockFile(folder).targets ?? {}).toEqual({});
  });
});
