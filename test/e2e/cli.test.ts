// The bundled executable's command line (`binwheel build`): cross-target builds, verbose output,
// and one clear paragraph (no stack trace, no partial wheel) for each way a build can fail.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toondbRelease } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { NODE, REPO, assembleExampleProject } from "../support/project.js";
import { validateWheel } from "../support/python.js";
import { tempDir, tempProject } from "../support/tmp.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const TOKEN = "ghp_cliTestSecretToken456";
let github: GitHubStandIn;
let work: string;
let project: string;
let runs = 0;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-cli-"));
  github = await GitHubStandIn.start();
  github.addRelease(await toondbRelease("0.3.2"));
  github.addRelease(await toondbRelease("0.3.1", { triples: ["x86_64-unknown-linux-gnu"] }));
  project = assembleExampleProject(path.join(work, "toondb-client"));
});

afterAll(async () => {
  await github?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Runs `binwheel build` into a fresh folder; returns the result and that folder. */
async function build(args: string[], env: Record<string, string> = {}) {
  const out = path.join(work, `out-${runs++}`);
  const result = await execa(NODE, [CORE, "build", project, "--out-dir", out, ...args], {
    env: { GITHUB_API_URL: github.apiUrl, GH_TOKEN: TOKEN, ...env },
    reject: false,
  });
  return { ...result, out, files: existsSync(out) ? readdirSync(out) : [] };
}

describe("binwheel build", () => {
  it("builds another target's wheel (nothing is compiled)", async () => {
    const { exitCode, stdout, stderr, files } = await build(["--target", "x86_64-pc-windows-msvc"]);
    expect(exitCode, stderr).toBe(0);
    expect(files).toEqual(["toondb_client-0.3.2-py3-none-win_amd64.whl"]);
    expect(stdout.trim()).toMatch(/toondb_client-0\.3\.2-py3-none-win_amd64\.whl$/);
    const summary = await validateWheel(stdout.trim());
    expect(summary.files).toContain("toondb/_bin/windows-x86_64/toondb-bulk.exe");
    expect(summary.modes["toondb/_bin/windows-x86_64/toondb-bulk.exe"]).toBe("0o755");
    expect(summary.files).toContain("toondb/lib/windows-x86_64/toondb_storage.dll");
  });

  it("builds for macOS with the upstream version overridden", async () => {
    const { exitCode, stderr, files } = await build(["--target", "aarch64-apple-darwin"]);
    expect(exitCode, stderr).toBe(0);
    expect(files).toEqual(["toondb_client-0.3.2-py3-none-macosx_11_0_arm64.whl"]);
    const older = await build(["--upstream-version", "0.3.1"]);
    expect(older.exitCode, older.stderr).toBe(0);
    expect(older.stderr).toMatch(/downloading toondb-0\.3\.1-x86_64-unknown-linux-gnu\.tar\.gz .* from toondb\/toondb v0\.3\.1/);
  });

  it("lists every file it copies with --verbose", async () => {
    const { exitCode, stderr } = await build(["--verbose"]);
    expect(exitCode).toBe(0);
    expect(stderr).toContain(
      "binwheel: toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz: x86_64-unknown-linux-gnu/toondb-bulk -> toondb/_bin/linux-x86_64/toondb-bulk",
    );
    expect(stderr.match(/ -> /g)).toHaveLength(5);
  });

  it.each([
    ["an unknown release", ["--upstream-version", "9.9.9"], {}, /GitHub has no published release tagged "v9\.9\.9" in toondb\/toondb\..*check that the token in GH_TOKEN can read its contents/],
    ["a missing asset", ["--upstream-version", "0.3.1", "--target", "aarch64-apple-darwin"], {},
      /release "v0\.3\.1" of toondb\/toondb has no asset named "toondb-0\.3\.1-aarch64-apple-darwin\.tar\.gz".*Its assets are: toondb-0\.3\.1-x86_64-unknown-linux-gnu\.tar\.gz\./],
    ["an unconfigured target", ["--target", "aarch64-unknown-linux-gnu"], {},
      /no upstream build is configured for the requested target aarch64-unknown-linux-gnu \(from -C target \/ BINWHEEL_TARGET\)\. \[tool\.binwheel\.targets\] lists: x86_64-unknown-linux-gnu, aarch64-apple-darwin, x86_64-pc-windows-msvc\./],
    // (--target takes known triples only, a usage error: front-door.test.ts; the variable reaches the plan.)
    ["an unknown target", [], { BINWHEEL_TARGET: "x86_64-linux-gnu" }, /"x86_64-linux-gnu" \(from -C target \/ BINWHEEL_TARGET\) is not a target binwheel knows; did you mean "x86_64-unknown-linux-gnu"\?/],
    ["a network failure", [], { GITHUB_API_URL: "http://127.0.0.1:9" }, /asking 127\.0\.0\.1:9 to find the release tagged "v0\.3\.2" in toondb\/toondb failed 4 times; the last time: could not reach 127\.0\.0\.1:9/],
  ])("reports %s in one paragraph, without a stack or a wheel", async (_, args, env, message) => {
    const { exitCode, stderr, files } = await build(args, env);
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split("\n").filter((l) => l.startsWith("binwheel: error:"))).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toContain(TOKEN);
    expect(files).toEqual([]);
  });

  it("rebuilds from the cached compressed members, reading nothing twice, and gets the same bytes", async () => {
    const cache = path.join(work, "member-cache");
    const first = await build(["--verbose"], { BINWHEEL_CACHE_DIR: cache });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stderr).not.toContain("using the compressed members cached");
    const second = await build(["--verbose"], { BINWHEEL_CACHE_DIR: cache });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toContain("using the compressed members cached from an earlier build");
    const wheel = (r: { out: string; files: string[] }) => readFileSync(path.join(r.out, r.files[0]!));
    expect(wheel(second).equals(wheel(first))).toBe(true);
    // A rule that needs a file the first build did not compress falls back to reading the archive.
    const pyproject = path.join(project, "pyproject.toml");
    const original = readFileSync(pyproject, "utf8");
    try {
      writeFileSync(pyproject, original.replace('to = "toondb/lib/{platform}"', 'to = "toondb/lib/{platform}"\n\n[[tool.binwheel.include]]\nfrom = "LICENSE"\nto = "toondb/_upstream"'));
      const third = await build(["--verbose"], { BINWHEEL_CACHE_DIR: cache });
      expect(third.exitCode, third.stderr).toBe(0);
      expect(third.stderr).not.toContain("using the compressed members cached");
      expect(third.stderr).toContain("-> toondb/_upstream/LICENSE");
    } finally {
      writeFileSync(pyproject, original);
    }
  });

  it("shows the stack with BINWHEEL_DEBUG=1", async () => {
    const { exitCode, stderr } = await build(["--upstream-version", "9.9.9"], { BINWHEEL_DEBUG: "1" });
    expect(exitCode).toBe(1);
    expect(stderr).toMatch(/\n\s+at /);
    expect(stderr).not.toContain(TOKEN);
  });

  it("answers --version and --help", async () => {
    expect((await execa(NODE, [CORE, "--version"])).stdout).toMatch(/^binwheel \d+\.\d+\.\d+$/);
    expect((await execa(NODE, [CORE, "--help"])).stdout).toMatch(/^  build +build this machine's wheel/m);
    expect((await execa(NODE, [CORE, "build", "--help"])).stdout).toMatch(/^usage: binwheel build \[DIR\] \[options\]/);
  });
});

describe("what binwheel prints of a URL the user wrote (attack round 2 on issue 22)", () => {
  const TRIPLE = "x86_64-unknown-linux-gnu";
  const pyproject = (upstream: string) =>
    `[project]\nname = "tool-py"\nversion = "1.0.0"\n\n[tool.binwheel]\npackages = ["tool"]\n\n[tool.binwheel.upstream]\n${upstream}\n\n` +
    `[tool.binwheel.targets]\n"${TRIPLE}" = "auto"\n\n[[tool.binwheel.include]]\nfrom = "bin/*"\nto = "tool/_bin"\n`;
  const run = (args: string[]) => execa(NODE, [CORE, ...args], { env: { BINWHEEL_CACHE_DIR: tempDir() }, reject: false, all: true });

  it("binwheel targets shows a url source without its query (a signature, a token), as the lock and messages do", async () => {
    const dir = tempProject({ "tool/__init__.py": "", "pyproject.toml": pyproject('url = "https://files.example.org/{version}/{asset}?X-Amz-Signature=SIGNATURE0123&token=SECRETQ"\nasset = "tool-{version}-{target}.tar.gz"') });
    const r = await run(["targets", dir]);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain("(https://files.example.org/1.0.0/tool-1.0.0-x86_64-unknown-linux-gnu.tar.gz)");
    expect(r.all).not.toMatch(/SECRETQ|SIGNATURE0123/);
  });

  it.each([
    ["a space", "https://me:se cret@files.example.org/{asset", "se cret"],
    ["a ?", "https://me:pa?ss@files.example.org/{asset}", "me:pa"],
  ])("refuses a url setting whose password holds %s without showing any of it", async (_, url, secret) => {
    const dir = tempProject({ "tool/__init__.py": "", "pyproject.toml": pyproject(`url = "${url}"\nasset = "tool-{version}-{target}"`) });
    const r = await run(["targets", dir]);
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(/^binwheel: error: /);
    expect(r.all).not.toContain(secret);
  });

  it.each([
    ["a ?token= query", "https://files.example.org/1.0.0/?token=SECRETQ", "SECRETQ"],
    ["a login URL parsers cannot read", "https://me:pa?ss@files.example.org/1.0.0/", "pa?ss"],
  ])("binwheel init --url with %s is a usage error that writes nothing and shows no secret", async (_, url, secret) => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "rel"));
    writeFileSync(path.join(dir, "rel", `tool-1.0.0-${TRIPLE}.tar.gz`), "");
    const r = await run(["init", "--from-dir", "rel", "--url", url, dir]);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all).toMatch(/^binwheel: error: --url https:\/\/files\.example\.org\/1\.0\.0\/ carries a login, a query or a fragment/);
    expect(r.all).not.toContain(secret);
    expect(existsSync(path.join(dir, "pyproject.toml"))).toBe(false);
  });
});
