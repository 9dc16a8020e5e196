// The README's recipes (examples/recipes/*.toml), each end to end: an upstream shaped like the
// real project's releases (archives made by the real tar, xz, gzip and zip; checksum files in the
// project's own format), served by a local stand-in for its host, built for Linux, macOS and
// Windows through the bundled CLI, and every wheel validated. The recipe text is used as written,
// only the host swapped for the stand-in's (and Zig's hash pins filled in).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureLibrary } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { GitLabStandIn } from "../support/gitlab-standin.js";
import { HttpStandIn } from "../support/http-standin.js";
import { NODE, REPO } from "../support/project.js";
import { validateWheel } from "../support/python.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const TARGETS = ["x86_64-unknown-linux-gnu", "aarch64-apple-darwin", "x86_64-pc-windows-msvc"] as const;
type Triple = (typeof TARGETS)[number];
const TAGS: Record<Triple, string> = {
  "x86_64-unknown-linux-gnu": "manylinux2014_x86_64.manylinux_2_17_x86_64",
  "aarch64-apple-darwin": "macosx_11_0_arm64",
  "x86_64-pc-windows-msvc": "win_amd64",
};
const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const recipe = (name: string) => readFileSync(path.join(REPO, "examples/recipes", `${name}.toml`), "utf8");

let work: string;
let github: GitHubStandIn;
let site: HttpStandIn;
let gitlab: GitLabStandIn;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-recipes-"));
  [github, site, gitlab] = await Promise.all([GitHubStandIn.start(), HttpStandIn.start(), GitLabStandIn.start()]);
});
afterAll(async () => {
  await Promise.all([github?.close(), site?.close(), gitlab?.close()]);
  rmSync(work, { recursive: true, force: true });
});

/** The files `files` as an archive made by the real tools; `top` is the folder they sit in, if any. */
function pack(kind: "tar.xz" | "tar.gz" | "zip", files: Record<string, Buffer | string>, top?: string): Buffer {
  const stage = mkdtempSync(path.join(work, "stage-"));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(stage, top ?? "", name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    chmodSync(file, Buffer.isBuffer(content) ? 0o755 : 0o644);
  }
  const out = path.join(stage, `out.${kind}`);
  const what = top ? [top] : Object.keys(files);
  if (kind === "zip") execFileSync("zip", ["-qrX", out, ...what], { cwd: stage });
  else execFileSync("tar", [kind === "tar.xz" ? "-cJf" : "-czf", out, ...what], { cwd: stage, env: { ...process.env, XZ_OPT: "-6" } });
  return readFileSync(out);
}

const binary = (triple: Triple) => fixtureLibrary(triple);
const exe = (triple: Triple) => (triple.includes("windows") ? ".exe" : "");

/** Builds `name`'s wheel for each target from a project made of the recipe; returns their file lists. */
async function buildRecipe(name: string, toml: string, env: Record<string, string>): Promise<Record<Triple, string[]>> {
  const pkg = /to = "(\w+)\//.exec(toml)![1]!;
  const project = path.join(work, name);
  mkdirSync(path.join(project, pkg), { recursive: true });
  writeFileSync(path.join(project, pkg, "__init__.py"), "");
  writeFileSync(path.join(project, "pyproject.toml"), `[project]\nname = "${pkg.replace(/_/g, "-")}"\nversion = "${VERSIONS[name]}"\n\n[tool.binwheel]\npackages = ["${pkg}"]\n\n${toml}`);
  const out: Partial<Record<Triple, string[]>> = {};
  for (const triple of TARGETS) {
    const dist = path.join(work, `${name}-${triple}`);
    const result = await execa(NODE, [CORE, "build", project, "--target", triple, "--out-dir", dist], {
      env: { BINWHEEL_CACHE_DIR: path.join(work, "cache"), ...env },
      reject: false,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/warning/);
    const wheel = readdirSync(dist)[0]!;
    expect(wheel, triple).toMatch(new RegExp(`-py3-none-${TAGS[triple].replace(/\./g, "\\.")}\\.whl$`));
    const summary = await validateWheel(path.join(dist, wheel));
    // The command: a shell launcher in .data/scripts on POSIX, a console script on Windows.
    const entryPoints = await (await JSZip.loadAsync(readFileSync(path.join(dist, wheel)))).file(/entry_points\.txt$/)[0]?.async("string");
    const commands = [...summary.files.filter((f) => f.includes(".data/scripts/")).map((f) => `script ${f.split("/").pop()}`), ...(entryPoints ?? "").split("\n").filter((l) => l.includes(" = "))];
    out[triple] = [...summary.files.filter((f) => f.startsWith(`${pkg}/_bin/`)).sort(), ...commands];
  }
  return out as Record<Triple, string[]>;
}

const VERSIONS: Record<string, string> = {
  "cargo-dist": "0.9.0", goreleaser: "2.60.0", node: "20.18.0", zig: "0.14.0", hashicorp: "1.9.0", jq: "1.7.1", kubectl: "1.31.0", gitlab: "2.1.0",
};

describe("README recipes", () => {
  it("the README shows every recipe as it is tested", () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    for (const name of Object.keys(VERSIONS)) expect(readme, name).toContain(recipe(name).trim());
  });

  it("cargo-dist: .tar.xz with a top folder, a flat .zip on Windows, <asset>.sha256 beside each", async () => {
    const assets = TARGETS.map((triple) => {
      const files = { [`mytool${exe(triple)}`]: binary(triple), "LICENSE-MIT": "MIT\n", "README.md": "# mytool\n" };
      const name = `mytool-${triple}.${triple.includes("windows") ? "zip" : "tar.xz"}`;
      const data = triple.includes("windows") ? pack("zip", files) : pack("tar.xz", files, `mytool-${triple}`);
      // cargo-dist writes "<hex> *<name>" (binary mode).
      return [{ name, data, digest: null }, { name: `${name}.sha256`, data: Buffer.from(`${sha(data)} *${name}\n`), digest: null }];
    }).flat();
    github.addRelease({ owner: "acme", repo: "mytool", tag: "v0.9.0", assets });
    const built = await buildRecipe("cargo-dist", recipe("cargo-dist"), { GITHUB_API_URL: github.apiUrl });
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["mytool_py/_bin/mytool.exe", "mytool = mytool_py._binwheel_scripts:run_mytool"]);
    expect(built["aarch64-apple-darwin"]).toEqual(["mytool_py/_bin/mytool", "script mytool"]);
  });

  it("GoReleaser (gh): vars for its own words, .zip on macOS only, one checksums.txt", async () => {
    const plats: Record<Triple, [string, "tar.gz" | "zip"]> = {
      "x86_64-unknown-linux-gnu": ["linux_amd64", "tar.gz"], "aarch64-apple-darwin": ["macOS_arm64", "zip"], "x86_64-pc-windows-msvc": ["windows_amd64", "zip"],
    };
    const assets = TARGETS.map((triple) => {
      const [plat, kind] = plats[triple];
      const top = `gh_2.60.0_${plat}`;
      return { name: `${top}.${kind}`, data: pack(kind, { [`bin/gh${exe(triple)}`]: binary(triple), LICENSE: "MIT\n" }, triple.includes("windows") ? undefined : top), digest: null };
    });
    const sums = assets.map((a) => `${sha(a.data)}  ${a.name}\n`).join("");
    github.addRelease({ owner: "cli", repo: "cli", tag: "v2.60.0", assets: [...assets, { name: "gh_2.60.0_checksums.txt", data: Buffer.from(sums), digest: null }] });
    const built = await buildRecipe("goreleaser", recipe("goreleaser"), { GITHUB_API_URL: github.apiUrl });
    expect(built["aarch64-apple-darwin"]).toEqual(["gh_py/_bin/gh", "script gh"]);
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["gh_py/_bin/gh.exe", "gh = gh_py._binwheel_scripts:run_gh"]);
  });

  it("Node.js-style site: per-target words and archives, rules per OS, SHASUMS256.txt", async () => {
    const plats: Record<Triple, [string, "tar.xz" | "tar.gz" | "zip"]> = {
      "x86_64-unknown-linux-gnu": ["linux-x64", "tar.xz"], "aarch64-apple-darwin": ["darwin-arm64", "tar.gz"], "x86_64-pc-windows-msvc": ["win-x64", "zip"],
    };
    const lines: string[] = [];
    for (const triple of TARGETS) {
      const [plat, kind] = plats[triple];
      const top = `node-v20.18.0-${plat}`;
      const files: Record<string, Buffer | string> = triple.includes("windows") ? { "node.exe": binary(triple), "npm.cmd": "@echo off\n" } : { "bin/node": binary(triple), "include/node/node.h": "/* node */\n" };
      const data = pack(kind, files, top);
      site.file(`/dist/v20.18.0/${top}.${kind}`, data);
      lines.push(`${sha(data)}  ${top}.${kind}`);
    }
    site.file("/dist/v20.18.0/SHASUMS256.txt", `${lines.join("\n")}\n`);
    const built = await buildRecipe("node", recipe("node").replace("https://nodejs.org", site.url), {});
    expect(built["x86_64-unknown-linux-gnu"]).toEqual(["nodejs_py/_bin/node", "script node"]);
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["nodejs_py/_bin/node.exe", "node = nodejs_py._binwheel_scripts:run_node"]);
  });

  it("Zig-style site: {arch}-{os} names, .tar.xz, the standard library beside the binary, pinned hashes", async () => {
    let toml = recipe("zig").replace("https://ziglang.org", site.url);
    for (const triple of TARGETS) {
      const [arch, os] = [triple.split("-")[0], triple.includes("apple") ? "macos" : triple.includes("windows") ? "windows" : "linux"];
      const top = `zig-${arch}-${os}-0.14.0`;
      const kind = triple.includes("windows") ? "zip" : "tar.xz";
      const data = pack(kind, { [`zig${exe(triple)}`]: binary(triple), "lib/std/std.zig": "pub const std = 1;\n", LICENSE: "MIT\n" }, top);
      site.file(`/download/0.14.0/${top}.${kind}`, data);
      toml = toml.replace(new RegExp(`("${triple}" = )"<[^>]*>"`), `$1"${sha(data)}"`);
    }
    const built = await buildRecipe("zig", toml, {});
    expect(built["x86_64-unknown-linux-gnu"]).toEqual(["ziglang_py/_bin/lib/std/std.zig", "ziglang_py/_bin/zig", "script zig"]);
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["ziglang_py/_bin/lib/std/std.zig", "ziglang_py/_bin/zig.exe", "zig = ziglang_py._binwheel_scripts:run_zig"]);
  });

  it("HashiCorp-style site: a flat .zip on every OS, Linux included, and one SHA256SUMS", async () => {
    const lines: string[] = [];
    for (const triple of TARGETS) {
      const name = `terraform_1.9.0_${{ "x86_64-unknown-linux-gnu": "linux_amd64", "aarch64-apple-darwin": "darwin_arm64", "x86_64-pc-windows-msvc": "windows_amd64" }[triple]}.zip`;
      const data = pack("zip", { [`terraform${exe(triple)}`]: binary(triple), "LICENSE.txt": "BUSL\n" });
      site.file(`/terraform/1.9.0/${name}`, data);
      lines.push(`${sha(data)}  ${name}`);
    }
    site.file("/terraform/1.9.0/terraform_1.9.0_SHA256SUMS", `${lines.join("\n")}\n`);
    const built = await buildRecipe("hashicorp", recipe("hashicorp").replace("https://releases.hashicorp.com", site.url), {});
    expect(built["x86_64-unknown-linux-gnu"]).toEqual(["terraform_py/_bin/terraform", "script terraform"]);
  });

  it("a bare executable in a GitHub release (jq), renamed with as", async () => {
    const names: Record<Triple, string> = { "x86_64-unknown-linux-gnu": "jq-linux-amd64", "aarch64-apple-darwin": "jq-macos-arm64", "x86_64-pc-windows-msvc": "jq-windows-amd64.exe" };
    const assets = TARGETS.map((triple) => ({ name: names[triple], data: binary(triple), digest: null }));
    const sums = assets.map((a) => `${sha(a.data)}  ${a.name}\n`).join("");
    github.addRelease({ owner: "jqlang", repo: "jq", tag: "jq-1.7.1", assets: [...assets, { name: "sha256sum.txt", data: Buffer.from(sums), digest: null }] });
    const built = await buildRecipe("jq", recipe("jq"), { GITHUB_API_URL: github.apiUrl });
    expect(built["aarch64-apple-darwin"]).toEqual(["jq_py/_bin/jq", "script jq"]);
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["jq_py/_bin/jq.exe", "jq = jq_py._binwheel_scripts:run_jq"]);
  });

  it("a bare executable on a download site (kubectl), its hash alone in <file>.sha256", async () => {
    for (const triple of TARGETS) {
      const [goos, goarch] = [{ "x86_64-unknown-linux-gnu": "linux", "aarch64-apple-darwin": "darwin", "x86_64-pc-windows-msvc": "windows" }[triple], triple.startsWith("x86_64") ? "amd64" : "arm64"];
      const file = `/release/v1.31.0/bin/${goos}/${goarch}/kubectl${exe(triple)}`;
      site.file(file, binary(triple));
      site.file(`${file}.sha256`, sha(binary(triple)));
    }
    const built = await buildRecipe("kubectl", recipe("kubectl").replace("https://dl.k8s.io", site.url), {});
    expect(built["x86_64-unknown-linux-gnu"]).toEqual(["kubectl_py/_bin/kubectl", "script kubectl"]);
  });

  it("a GitLab release with generic package links and a SHA256SUMS link", async () => {
    const links = TARGETS.map((triple) => {
      const [goos, goarch] = [{ "x86_64-unknown-linux-gnu": "linux", "aarch64-apple-darwin": "darwin", "x86_64-pc-windows-msvc": "windows" }[triple], triple.startsWith("x86_64") ? "amd64" : "arm64"];
      const kind = triple.includes("windows") ? "zip" : "tar.gz";
      const name = `mytool-2.1.0-${goos}-${goarch}.${kind}`;
      return { name, data: pack(kind, { [`bin/mytool${exe(triple)}`]: binary(triple) }, triple.includes("windows") ? undefined : `mytool-2.1.0`) };
    });
    const sums = links.map((l) => `${sha(l.data)}  ${l.name}\n`).join("");
    gitlab.addRelease({ project: "acme/tools/mytool", tag: "v2.1.0", links: [...links, { name: "mytool-2.1.0-SHA256SUMS", data: Buffer.from(sums) }] });
    const built = await buildRecipe("gitlab", recipe("gitlab"), { GITLAB_API_URL: gitlab.apiUrl });
    expect(built["x86_64-unknown-linux-gnu"]).toEqual(["mytool_py/_bin/linux-x86_64/mytool", "script mytool"]);
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["mytool_py/_bin/windows-x86_64/mytool.exe", "mytool = mytool_py._binwheel_scripts:run_mytool"]);
  });
});
