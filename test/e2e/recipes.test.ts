// The recipes of docs/how-to/upstream-recipes.md (examples/recipes/*.toml), each end to end: an upstream shaped like the
// real project's releases (test/support/recipes.ts), served by a local stand-in for its host,
// built for Linux, macOS and Windows through the bundled CLI, and every wheel validated. The
// recipe text is used as written, only the host swapped for the stand-in's (and Zig's hash pins
// filled in).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubStandIn } from "../support/github-standin.js";
import { GitLabStandIn } from "../support/gitlab-standin.js";
import { HttpStandIn } from "../support/http-standin.js";
import { NODE, REPO } from "../support/project.js";
import { validateWheel } from "../support/python.js";
import { RECIPES, TARGETS, recipe, type Hosts, type Triple } from "../support/recipes.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const TAGS: Record<Triple, string> = {
  "x86_64-unknown-linux-gnu": "manylinux2014_x86_64.manylinux_2_17_x86_64",
  "aarch64-apple-darwin": "macosx_11_0_arm64",
  "x86_64-pc-windows-msvc": "win_amd64",
};

let work: string;
let hosts: Hosts;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-recipes-"));
  const [github, site, gitlab] = await Promise.all([GitHubStandIn.start(), HttpStandIn.start(), GitLabStandIn.start()]);
  hosts = { work, github, site, gitlab };
});
afterAll(async () => {
  await Promise.all([hosts?.github.close(), hosts?.site.close(), hosts?.gitlab.close()]);
  rmSync(work, { recursive: true, force: true });
});

/** Builds `name`'s wheel for each target from a project made of the recipe; returns their file lists. */
async function buildRecipe(name: string): Promise<Record<Triple, string[]>> {
  const { toml, env } = RECIPES[name]!.publish(hosts);
  const pkg = /to = "(\w+)\//.exec(toml)![1]!;
  const project = path.join(work, name);
  mkdirSync(path.join(project, pkg), { recursive: true });
  writeFileSync(path.join(project, pkg, "__init__.py"), "");
  writeFileSync(path.join(project, "pyproject.toml"), `[project]\nname = "${pkg.replace(/_/g, "-")}"\nversion = "${RECIPES[name]!.version}"\n\n[tool.binwheel]\npackages = ["${pkg}"]\n\n${toml}`);
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

describe("the upstream recipes", () => {
  it("the how-to shows every recipe as it is tested", () => {
    const page = readFileSync(path.join(REPO, "docs/how-to/upstream-recipes.md"), "utf8");
    for (const name of Object.keys(RECIPES)) expect(page, name).toContain(recipe(name).trim());
  });

  it("cargo-dist: .tar.xz with a top folder, a flat .zip on Windows, <asset>.sha256 beside each", async () => {
    const built = await buildRecipe("cargo-dist");
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["mytool_py/_bin/mytool.exe", "mytool = mytool_py._binwheel_scripts:run_mytool"]);
    expect(built["aarch64-apple-darwin"]).toEqual(["mytool_py/_bin/mytool", "script mytool"]);
  });

  it("GoReleaser (gh): vars for its own words, .zip on macOS only, one checksums.txt", async () => {
    const built = await buildRecipe("goreleaser");
    expect(built["aarch64-apple-darwin"]).toEqual(["gh_py/_bin/gh", "script gh"]);
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["gh_py/_bin/gh.exe", "gh = gh_py._binwheel_scripts:run_gh"]);
  });

  it("Node.js-style site: per-target words and archives, rules per OS, SHASUMS256.txt", async () => {
    const built = await buildRecipe("node");
    expect(built["x86_64-unknown-linux-gnu"]).toEqual(["nodejs_py/_bin/node", "script node"]);
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["nodejs_py/_bin/node.exe", "node = nodejs_py._binwheel_scripts:run_node"]);
  });

  it("Zig-style site: {arch}-{os} names, .tar.xz, the standard library beside the binary, pinned hashes", async () => {
    const built = await buildRecipe("zig");
    expect(built["x86_64-unknown-linux-gnu"]).toEqual(["ziglang_py/_bin/lib/std/std.zig", "ziglang_py/_bin/zig", "script zig"]);
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["ziglang_py/_bin/lib/std/std.zig", "ziglang_py/_bin/zig.exe", "zig = ziglang_py._binwheel_scripts:run_zig"]);
  });

  it("HashiCorp-style site: a flat .zip on every OS, Linux included, and one SHA256SUMS", async () => {
    const built = await buildRecipe("hashicorp");
    expect(built["x86_64-unknown-linux-gnu"]).toEqual(["terraform_py/_bin/terraform", "script terraform"]);
  });

  it("a bare executable in a GitHub release (jq), renamed with as", async () => {
    const built = await buildRecipe("jq");
    expect(built["aarch64-apple-darwin"]).toEqual(["jq_py/_bin/jq", "script jq"]);
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["jq_py/_bin/jq.exe", "jq = jq_py._binwheel_scripts:run_jq"]);
  });

  it("a bare executable on a download site (kubectl), its hash alone in <file>.sha256", async () => {
    const built = await buildRecipe("kubectl");
    expect(built["x86_64-unknown-linux-gnu"]).toEqual(["kubectl_py/_bin/kubectl", "script kubectl"]);
  });

  it("a GitLab release with generic package links and a SHA256SUMS link", async () => {
    const built = await buildRecipe("gitlab");
    expect(built["x86_64-unknown-linux-gnu"]).toEqual(["mytool_py/_bin/linux-x86_64/mytool", "script mytool"]);
    expect(built["x86_64-pc-windows-msvc"]).toEqual(["mytool_py/_bin/windows-x86_64/mytool.exe", "mytool = mytool_py._binwheel_scripts:run_mytool"]);
  });
});
