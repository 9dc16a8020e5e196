// `binwheel init` against the releases the documentation's recipes describe (test/support/recipes.ts:
// GitHub, GitLab and download-site stand-ins, archives made by the real tools), and against two real
// tools the recipes do not cover, with their real executables from npm: lefthook (GoReleaser's
// own OS/arch spellings, bare executables) and dprint (a one-space SHASUMS256.txt, tags without
// "v"). Each time the configuration init writes must build every target, into wheels byte for
// byte equal to the hand-written configuration's (the same [project], so only [tool.binwheel]
// differs); the real ones are installed and run.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubStandIn } from "../support/github-standin.js";
import { GitLabStandIn } from "../support/gitlab-standin.js";
import { HttpStandIn } from "../support/http-standin.js";
import { NODE, REPO, pipEnv } from "../support/project.js";
import { validateWheel } from "../support/python.js";
import { fixtureLibrary, rawTarGz } from "../support/fixtures.js";
import { RECIPES, TARGETS, pack, sha, type Hosts } from "../support/recipes.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
let work: string;
let hosts: Hosts;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-init-"));
  const [github, site, gitlab] = await Promise.all([GitHubStandIn.start(), HttpStandIn.start(), GitLabStandIn.start()]);
  hosts = { work, github, site, gitlab };
});
afterAll(async () => {
  await Promise.all([hosts?.github.close(), hosts?.site.close(), hosts?.gitlab.close()]);
  rmSync(work, { recursive: true, force: true });
});

const cache = () => path.join(work, "cache");
const core = (args: string[], env: Record<string, string> = {}) => execa(NODE, [CORE, ...args], { env: { BINWHEEL_CACHE_DIR: cache(), ...env }, reject: false });

/** Every target's wheel of `project`, built into `dist`: file name -> bytes. */
async function buildAll(project: string, triples: readonly string[], env: Record<string, string>, dist: string): Promise<Map<string, Buffer>> {
  const wheels = new Map<string, Buffer>();
  for (const triple of triples) {
    const out = path.join(dist, triple);
    const built = await core(["build", project, "--target", triple, "--out-dir", out], { SOURCE_DATE_EPOCH: "1700000000", ...env });
    expect(built.exitCode, `${triple}: ${built.stderr}`).toBe(0);
    expect(built.stderr, triple).not.toMatch(/warning/);
    const [wheel] = readdirSync(out);
    await validateWheel(path.join(out, wheel!));
    wheels.set(wheel!, readFileSync(path.join(out, wheel!)));
  }
  return wheels;
}

/**
 * Runs init into a new folder, builds every target it configured, then builds the same project
 * with `handWritten` as its [tool.binwheel] tables; the wheels must be equal. Returns init's output
 * and the folder.
 */
async function initAndCompare(label: string, init: string[], handWritten: string, env: Record<string, string>): Promise<{ stdout: string; project: string; wheels: Map<string, Buffer> }> {
  const project = path.join(work, `init-${label}`);
  const ran = await core(["init", project, ...init], env);
  expect(ran.exitCode, ran.stderr).toBe(0);
  const written = readFileSync(path.join(project, "pyproject.toml"), "utf8");
  const triplesOf = (toml: string) => [...new Set([...toml.matchAll(/^"([^"]+)" = /gm)].map((m) => m[1]!).filter((t) => t.includes("-")))];
  const fromInit = await buildAll(project, triplesOf(written), env, path.join(work, `dist-init-${label}`));
  const hand = path.join(work, `hand-${label}`);
  cpSync(project, hand, { recursive: true });
  writeFileSync(path.join(hand, "pyproject.toml"), `${written.slice(0, written.indexOf("[tool.binwheel"))}${handWritten}`);
  const fromHand = await buildAll(hand, triplesOf(handWritten).length ? triplesOf(handWritten) : TARGETS, env, path.join(work, `dist-hand-${label}`));
  expect([...fromInit.keys()].sort()).toEqual([...fromHand.keys()].sort());
  for (const [name, bytes] of fromHand) expect(fromInit.get(name)!.equals(bytes), name).toBe(true);
  return { stdout: ran.stdout, project, wheels: fromInit };
}

describe("binwheel init writes, for each recipe's release, a configuration that builds the hand-written recipe's wheels", () => {
  it.each(Object.keys(RECIPES))("%s", async (name) => {
    const published = RECIPES[name]!.publish(hosts);
    const pkg = /to = "(\w+)\//.exec(published.toml)![1]!;
    // The GitLab recipe keeps each platform in its own folder; init sends every target's files to one.
    const handWritten = published.toml.replace("/_bin/{platform}", "/_bin");
    const { stdout } = await initAndCompare(name, [...published.init, "--name", pkg.replace(/_/g, "-")], handWritten, published.env);
    expect(stdout).toContain(`wrote ${path.join(work, `init-${name}`, "pyproject.toml")}`);
    expect(stdout).toContain("next: binwheel targets");
  });
});

/** npm packages unpacked into `dir` (`npm pack`), or the reason they could not be fetched. */
async function npmPackages(dir: string, specs: string[]): Promise<string | undefined> {
  mkdirSync(dir, { recursive: true });
  const packed = await execa("npm", ["pack", "--silent", "--pack-destination", dir, ...specs], { reject: false, timeout: 300_000 });
  if (packed.exitCode !== 0) return `npm pack ${specs.join(" ")} failed (no npm registry?): ${packed.stderr.split("\n")[0]}`;
  for (const tgz of readdirSync(dir).filter((f) => f.endsWith(".tgz"))) {
    const to = path.join(dir, tgz.replace(/\.tgz$/, ""));
    mkdirSync(to);
    execFileSync("tar", ["-xzf", path.join(dir, tgz), "-C", to]);
  }
  return undefined;
}

/** Installs the Linux wheel of `wheels` into a new venv and runs its command `command` with `args`. */
async function runInstalled(wheels: Map<string, Buffer>, command: string, args: string[]): Promise<string> {
  const name = [...wheels.keys()].find((w) => w.includes("manylinux"))!;
  const wheel = path.join(work, `${command}-wheel`, name);
  mkdirSync(path.dirname(wheel), { recursive: true });
  writeFileSync(wheel, wheels.get(name)!);
  const venv = path.join(work, `venv-${command}`);
  await execa("python3", ["-m", "venv", venv]);
  await execa(path.join(venv, "bin/python"), ["-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel], { env: pipEnv() });
  return (await execa(path.join(venv, "bin", command), args)).stdout;
}

describe("binwheel init for real tools the recipes do not show, with their real executables (from npm)", () => {
  it("lefthook: GoReleaser's MacOS/Linux/Windows and x86_64 spellings, bare executables, a .gz twin of each", async (ctx) => {
    const npm = path.join(work, "npm-lefthook");
    const missing = await npmPackages(npm, ["lefthook-linux-x64@2.2.2", "lefthook-darwin-arm64@2.2.2", "lefthook-windows-x64@2.2.2"]);
    if (missing) return ctx.skip(missing);
    const binaryOf = (pkg: string, file: string) => readFileSync(path.join(npm, pkg, "package/bin", file));
    // As its GoReleaser config names them: {{.ProjectName}}_{{.Version}}_{{title .Os, with darwin as MacOS}}_{{.Arch, amd64 as x86_64}}.
    const bare = [
      { name: "lefthook_2.2.2_Linux_x86_64", data: binaryOf("lefthook-linux-x64-2.2.2", "lefthook") },
      { name: "lefthook_2.2.2_MacOS_arm64", data: binaryOf("lefthook-darwin-arm64-2.2.2", "lefthook") },
      { name: "lefthook_2.2.2_Windows_x86_64.exe", data: binaryOf("lefthook-windows-x64-2.2.2", "lefthook.exe") },
    ];
    const gz = bare.filter((a) => !a.name.endsWith(".exe")).map((a) => ({ name: `${a.name}.gz`, data: execFileSync("gzip", ["-c", "-n"], { input: a.data, maxBuffer: 1 << 28 }) }));
    const others = [
      { name: "lefthook_2.2.2_Freebsd_x86_64", data: Buffer.from("freebsd") },
      { name: "lefthook_2.2.2_amd64.deb", data: Buffer.from("!<arch>\n") },
      { name: "lefthook_2.2.2_x86_64.rpm", data: Buffer.from("rpm") },
    ];
    const all = [...bare, ...gz, ...others];
    const sums = all.map((a) => `${sha(a.data)}  ${a.name}\n`).join("");
    hosts.github.addRelease({ owner: "evilmartians", repo: "lefthook", tag: "v2.2.2", assets: [...all, { name: "lefthook_checksums.txt", data: Buffer.from(sums) }].map((a) => ({ ...a, digest: null })) });
    const handWritten = `[tool.binwheel.upstream]
github = "evilmartians/lefthook"
asset = "lefthook_{version}_{plat}{exe}"
checksums = "lefthook_checksums.txt"

[tool.binwheel.targets]
"x86_64-unknown-linux-gnu" = { vars = { plat = "Linux_x86_64" } }
"aarch64-apple-darwin" = { vars = { plat = "MacOS_arm64" } }
"x86_64-pc-windows-msvc" = { vars = { plat = "Windows_x86_64" } }

[[tool.binwheel.include]]
from = "lefthook_*"
to = "lefthook/_bin"
as = "lefthook{exe}"

[tool.binwheel.scripts]
lefthook = "lefthook"
`;
    const env = { GITHUB_API_URL: hosts.github.apiUrl };
    const { stdout, project, wheels } = await initAndCompare("lefthook", ["--github", "evilmartians/lefthook"], handWritten, env);
    const written = readFileSync(path.join(project, "pyproject.toml"), "utf8");
    expect(written).toContain('asset = "lefthook_{version}_{plat}{exe}"');
    expect(written).toContain('"aarch64-apple-darwin" = { vars = { plat = "MacOS_arm64" } }');
    expect(written).toContain('checksums = "lefthook_checksums.txt"');
    expect(stdout).toContain("lefthook_2.2.2_Freebsd_x86_64: names no platform binwheel builds wheels for");
    expect(stdout).toMatch(/lefthook_2\.2\.2_Linux_x86_64\.gz: another naming pattern/);
    expect(await runInstalled(wheels, "lefthook", ["version"])).toMatch(/^2\.2\.2/);
  });

  it("dprint: Rust triples in .zip files, an installer beside them, a one-space SHASUMS256.txt, tags without v; its gnu build is refused as auditwheel would", async (ctx) => {
    const npm = path.join(work, "npm-dprint");
    const missing = await npmPackages(npm, ["@dprint/linux-x64-musl@0.54.0", "@dprint/linux-x64-glibc@0.54.0", "@dprint/darwin-arm64@0.54.0", "@dprint/win32-x64@0.54.0"]);
    if (missing) return ctx.skip(missing);
    const zipOf = (pkg: string, file: string) => {
      const dir = path.join(npm, pkg, "package");
      const out = path.join(npm, `${pkg}.zip`);
      execFileSync("zip", ["-qX", out, file], { cwd: dir });
      return readFileSync(out);
    };
    const assets = [
      // dprint's gnu build loads liblzma.so.5, which no manylinux policy allows (see the end); its musl build is static.
      { name: "dprint-x86_64-unknown-linux-musl.zip", data: zipOf("dprint-linux-x64-musl-0.54.0", "dprint") },
      { name: "dprint-aarch64-apple-darwin.zip", data: zipOf("dprint-darwin-arm64-0.54.0", "dprint") },
      { name: "dprint-x86_64-pc-windows-msvc.zip", data: zipOf("dprint-win32-x64-0.54.0", "dprint.exe") },
      { name: "dprint-x86_64-pc-windows-msvc-installer.exe", data: Buffer.from("MZ installer") },
    ];
    // One space between hash and name, as dprint writes it.
    const sums = assets.map((a) => `${sha(a.data)} ${a.name}\n`).join("");
    hosts.github.addRelease({ owner: "dprint", repo: "dprint", tag: "0.54.0", assets: [...assets, { name: "SHASUMS256.txt", data: Buffer.from(sums) }].map((a) => ({ ...a, digest: null })) });
    const handWritten = `[tool.binwheel.upstream]
github = "dprint/dprint"
tag = "{version}"
asset = "dprint-{target}.zip"
checksums = "SHASUMS256.txt"

[tool.binwheel.targets]
"x86_64-unknown-linux-musl" = "auto"
"aarch64-apple-darwin" = "auto"
"x86_64-pc-windows-msvc" = "auto"

[[tool.binwheel.include]]
from = "dprint{exe}"
to = "dprint/_bin"

[tool.binwheel.scripts]
dprint = "dprint"
`;
    const { stdout, project, wheels } = await initAndCompare("dprint", ["--github", "dprint/dprint", "--tag", "0.54.0"], handWritten, { GITHUB_API_URL: hosts.github.apiUrl });
    const written = readFileSync(path.join(project, "pyproject.toml"), "utf8");
    expect(written).toContain('tag = "{version}"');
    expect(written).toContain('asset = "dprint-{target}.zip"');
    expect(stdout).toMatch(/dprint-x86_64-pc-windows-msvc-installer\.exe: another naming pattern/);
    expect(await runInstalled(wheels, "dprint", ["--version"])).toBe("dprint 0.54.0");

    // auditwheel refuses a manylinux wheel whose binary loads a library outside its policy; so does the build.
    const gnuAssets = path.join(work, "dprint-gnu");
    mkdirSync(gnuAssets, { recursive: true });
    const gnuZip = zipOf("dprint-linux-x64-glibc-0.54.0", "dprint");
    writeFileSync(path.join(gnuAssets, "dprint-x86_64-unknown-linux-gnu.zip"), gnuZip);
    writeFileSync(path.join(gnuAssets, "SHASUMS256.txt"), `${sha(gnuZip)} dprint-x86_64-unknown-linux-gnu.zip\n`);
    const gnu = path.join(work, "dprint-gnu-project");
    cpSync(project, gnu, { recursive: true });
    writeFileSync(path.join(gnu, "pyproject.toml"), readFileSync(path.join(gnu, "pyproject.toml"), "utf8").replace("x86_64-unknown-linux-musl", "x86_64-unknown-linux-gnu"));
    const refused = await core(["build", gnu, "--target", "x86_64-unknown-linux-gnu", "--out-dir", path.join(work, "dprint-gnu-out")], { BINWHEEL_ASSET_DIR: gnuAssets });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/dprint\/_bin\/dprint needs liblzma\.so\.5, which is not one of the system libraries a manylinux wheel may load/);
    expect(existsSync(path.join(work, "dprint-gnu-out")) ? readdirSync(path.join(work, "dprint-gnu-out")) : []).toEqual([]);
  });
});

describe("what binwheel init refuses, and what it keeps", () => {
  /** A small GitHub release acme/<repo> of `tool` for Linux and Windows, with a checksums file. */
  function release(repo: string, tag: string, linux?: Buffer) {
    const assets = [
      { name: `tool-${tag.slice(1)}-linux-amd64.tar.gz`, data: linux ?? pack(work, "tar.gz", { "tool": fixtureLibrary("x86_64-unknown-linux-gnu") }) },
      // Bigger than the Linux one (incompressible docs), so that init looks into the Linux asset.
      { name: `tool-${tag.slice(1)}-windows-amd64.zip`, data: pack(work, "zip", { "tool.exe": fixtureLibrary("x86_64-pc-windows-msvc"), "README.html": randomBytes(65536).toString("base64") }) },
    ];
    const sums = assets.map((a) => `${sha(a.data)}  ${a.name}\n`).join("");
    hosts.github.addRelease({ owner: "acme", repo, tag, assets: [...assets, { name: "checksums.txt", data: Buffer.from(sums) }].map((a) => ({ ...a, digest: null })) });
  }
  const github = () => ({ GITHUB_API_URL: hosts.github.apiUrl });

  it("takes the latest release without --tag, never writes over pyproject.toml without --force, and keeps an existing package", async () => {
    release("latest", "v1.0.0");
    release("latest", "v1.1.0");
    const project = path.join(work, "keep");
    mkdirSync(path.join(project, "tool"), { recursive: true });
    writeFileSync(path.join(project, "tool/__init__.py"), "MINE = 1\n");
    writeFileSync(path.join(project, "pyproject.toml"), "# mine\n");
    const refused = await core(["init", project, "--github", "acme/latest"], github());
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`${path.join(project, "pyproject.toml")} exists; binwheel init writes a new one only with --force`);
    expect(readFileSync(path.join(project, "pyproject.toml"), "utf8")).toBe("# mine\n");
    const forced = await core(["init", project, "--github", "acme/latest", "--force"], github());
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toContain("version    1.1.0 (from the tag v1.1.0)");
    expect(forced.stdout).toContain(`wrote ${path.join(project, "pyproject.toml")} (project "tool")`);
    expect(readFileSync(path.join(project, "tool/__init__.py"), "utf8")).toBe("MINE = 1\n");
    expect(readFileSync(path.join(project, "pyproject.toml"), "utf8")).toContain('asset = "tool-{version}-{goos}-{goarch}.{archive}"');
  });

  it.each([
    [["--url", "https://example.com/x/"], /--url needs --from-dir/, 2],
    [[], /binwheel init needs a release to read/, 2],
    [["--github", "nope"], /--github "nope" must be "owner\/name"/, 2],
    [["--github", "a/b", "--gitlab", "c/d"], /takes one of --github, --gitlab and --url, not --github and --gitlab/, 2],
    [["--from-dir", "/"], /--from-dir \/ is outside the project, so it cannot be a path source/, 2],
    [["--github", "acme/none"], /GitHub has no published release in acme\/none/, 1],
  ] as const)("refuses %j", async (args, message, code) => {
    const project = path.join(work, `refused-${Math.random().toString(36).slice(2)}`);
    const ran = await core(["init", project, ...args], github());
    // Mistakes in the command line exit 2, as every usage error; a release that is not there, 1.
    expect(ran.exitCode).toBe(code);
    expect(ran.stderr).toMatch(message);
    expect(existsSync(path.join(project, "pyproject.toml"))).toBe(false);
  });

  it("refuses a release whose smallest asset is hostile or not the bytes its checksums name, and writes nothing", async () => {
    release("hostile", "v1.0.0", await rawTarGz([{ name: "../escape", content: "x" }, { name: "tool", content: fixtureLibrary("x86_64-unknown-linux-gnu"), mode: 0o755 }]));
    const hostile = await core(["init", path.join(work, "hostile"), "--github", "acme/hostile"], github());
    expect(hostile.exitCode).toBe(1);
    expect(hostile.stderr).toMatch(/tool-1\.0\.0-linux-amd64\.tar\.gz holds an entry with an unsafe path \("\.\.\/escape"\)/);
    expect(existsSync(path.join(work, "hostile"))).toBe(false);
    // A checksums file that lists other bytes for the asset: the download is refused as a build refuses it.
    const data = pack(work, "tar.gz", { tool: fixtureLibrary("x86_64-unknown-linux-gnu") });
    hosts.github.addRelease({ owner: "acme", repo: "swapped", tag: "v1.0.0", assets: [
      { name: "tool-1.0.0-linux-amd64.tar.gz", data, digest: null },
      { name: "checksums.txt", data: Buffer.from(`${"0".repeat(64)}  tool-1.0.0-linux-amd64.tar.gz\n`), digest: null },
    ] });
    const swapped = await core(["init", path.join(work, "swapped"), "--github", "acme/swapped"], github());
    expect(swapped.exitCode).toBe(1);
    expect(swapped.stderr).toMatch(/tool-1\.0\.0-linux-amd64\.tar\.gz .*sha256/);
    expect(existsSync(path.join(work, "swapped"))).toBe(false);
  });

  it("makes a folder inside the project a path source, its files pinned, and the configuration builds", async () => {
    const project = path.join(work, "local");
    const files = path.join(project, "vendor");
    mkdirSync(files, { recursive: true });
    for (const triple of TARGETS) {
      const [os, arch] = { "x86_64-unknown-linux-gnu": ["linux", "x64"], "aarch64-apple-darwin": ["darwin", "arm64"], "x86_64-pc-windows-msvc": ["win32", "x64"] }[triple];
      writeFileSync(path.join(files, `tool-2.0.0-${os}-${arch}.tar.gz`), pack(work, "tar.gz", { [`tool${triple.includes("windows") ? ".exe" : ""}`]: fixtureLibrary(triple), "share/tool/data.txt": "d\n" }, "tool"));
    }
    const ran = await core(["init", project, "--from-dir", "vendor"]);
    expect(ran.exitCode, ran.stderr).toBe(0);
    const written = readFileSync(path.join(project, "pyproject.toml"), "utf8");
    expect(written).toContain('path = "vendor/tool-{version}-{plat}.tar.gz"');
    expect(written).toMatch(/\[tool\.binwheel\.upstream\.sha256\]\n"x86_64-unknown-linux-gnu" = "[0-9a-f]{64}"/);
    // The program's data folder is kept beside it: the layout, not just the executable.
    expect(written).toContain('from = "share/**"\nto = "tool/_bin/share"');
    expect(ran.stdout).toContain("version    2.0.0 (from the files' names)");
    await buildAll(project, TARGETS, {}, path.join(work, "dist-local"));
  });
});
