// The tutorial (docs/tutorial/first-wheel.md), run as a reader would run it: its shell blocks in
// order, in one shell, against a stand-in for GitHub serving a release laid out as lefthook's
// (GoReleaser's bare executables with its own OS and arch words, .gz copies, packages, one
// checksum file) with lefthook's real executables from npm. What init prints and writes must be
// what the tutorial shows; every other command must succeed; the installed command must run.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { GitHubStandIn } from "../support/github-standin.js";
import { NODE, REPO, pipEnv } from "../support/project.js";
import { sha } from "../support/recipes.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const TUTORIAL = path.join(REPO, "docs/tutorial/first-wheel.md");
const VERSION = "2.2.2";
/** lefthook's npm package per GoReleaser name part (its .goreleaser.yml: darwin is "MacOS", amd64 "x86_64"). */
const PLATFORMS: Record<string, string> = {
  Linux_x86_64: "linux-x64", Linux_arm64: "linux-arm64", MacOS_x86_64: "darwin-x64", MacOS_arm64: "darwin-arm64",
  Windows_x86_64: "windows-x64", Windows_arm64: "windows-arm64",
};

let work: string;
let github: GitHubStandIn;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-tutorial-"));
  github = await GitHubStandIn.start();
});
afterAll(async () => {
  await github?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The tutorial's fenced blocks, in order: language and text. */
function blocks(): { lang: string; text: string }[] {
  return [...readFileSync(TUTORIAL, "utf8").matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1]!, text: m[2]! }));
}

/** Publishes lefthook's release on the stand-in, or says why it cannot (no npm registry). */
async function publishLefthook(): Promise<string | undefined> {
  const npm = path.join(work, "npm");
  mkdirSync(npm);
  const specs = Object.values(PLATFORMS).map((p) => `lefthook-${p}@${VERSION}`);
  const packed = await execa("npm", ["pack", "--silent", "--pack-destination", npm, ...specs], { reject: false, timeout: 300_000 });
  if (packed.exitCode !== 0) return `npm pack failed (no npm registry?): ${packed.stderr.split("\n")[0]}`;
  const assets: { name: string; data: Buffer }[] = [];
  for (const [words, pkg] of Object.entries(PLATFORMS)) {
    const windows = words.startsWith("Windows");
    const unpacked = path.join(npm, pkg);
    mkdirSync(unpacked);
    execFileSync("tar", ["-xzf", path.join(npm, `lefthook-${pkg}-${VERSION}.tgz`), "-C", unpacked]);
    const data = readFileSync(path.join(unpacked, "package/bin", windows ? "lefthook.exe" : "lefthook"));
    assets.push({ name: `lefthook_${VERSION}_${words}${windows ? ".exe" : ""}`, data });
    if (!windows) assets.push({ name: `lefthook_${VERSION}_${words}.gz`, data: execFileSync("gzip", ["-c", "-n"], { input: data, maxBuffer: 1 << 28 }) });
  }
  assets.push({ name: `lefthook_${VERSION}_Freebsd_x86_64`, data: Buffer.from("a FreeBSD build") });
  assets.push({ name: `lefthook_${VERSION}_amd64.deb`, data: Buffer.from("!<arch>\n") });
  assets.push({ name: `lefthook_${VERSION}_x86_64.rpm`, data: Buffer.from("\xed\xab\xee\xdb") });
  const sums = assets.map((a) => `${sha(a.data)}  ${a.name}\n`).join("");
  github.addRelease({ owner: "evilmartians", repo: "lefthook", tag: `v${VERSION}`, assets: [...assets, { name: "lefthook_checksums.txt", data: Buffer.from(sums) }].map((a) => ({ ...a, digest: null })) });
  return undefined;
}

describe("the tutorial", () => {
  it("runs as written, and init prints and writes what it shows", async (ctx) => {
    const missing = await publishLefthook();
    if (missing) return ctx.skip(missing);
    // `binwheel` on PATH is the bundled core; pip, python and its venv come from the tests' tools Python.
    const bin = path.join(work, "bin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, "binwheel"), `#!/bin/sh\nexec "${NODE}" "${CORE}" "$@"\n`);
    chmodSync(path.join(bin, "binwheel"), 0o755);
    const tools = path.dirname(inject("toolsPython"));
    const wheels = path.join(work, "wheels");
    execFileSync(path.join(tools, "python"), ["-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, path.join(REPO, "python_shim")], { env: pipEnv() });
    const env = {
      ...pipEnv({ PIP_FIND_LINKS: wheels }),
      PATH: `${bin}:${tools}:${process.env["PATH"]}`,
      HOME: work,
      GITHUB_API_URL: github.apiUrl,
      BINWHEEL_CACHE_DIR: path.join(work, "cache"),
      NO_COLOR: "1",
    };

    const all = blocks();
    const shell = all.filter((b) => b.lang === "console");
    const shownInit = all[all.findIndex((b) => b.lang === "console" && b.text.includes("binwheel init")) + 1]!;
    const shownToml = all.find((b) => b.lang === "toml")!;
    const home = path.join(work, "home");
    mkdirSync(home);
    let initOutput = "";
    for (const { text } of shell) {
      const commands = text.split("\n").filter((l) => l.startsWith("$ ")).map((l) => l.slice(2).replace(/\s+#.*$/, ""));
      for (const command of commands) {
        // One shell per command, from the folder the previous ones left (the tutorial's `cd`).
        const cwdFile = path.join(work, "cwd");
        const ran = await execa("sh", ["-c", `cd "$(cat ${cwdFile} 2>/dev/null || echo ${home})" && ${command} && pwd > ${cwdFile}`], { env, reject: false, all: true });
        expect(ran.exitCode, `$ ${command}\n${ran.all}`).toBe(0);
        if (command.startsWith("binwheel init ")) initOutput = ran.stdout;
      }
    }
    const project = path.join(home, "lefthook-bin");
    const written = readFileSync(path.join(project, "pyproject.toml"), "utf8");
    if (process.env["UPDATE_DOCS"] === "1") {
      // Writes what init printed and wrote into the tutorial, as a snapshot update would.
      const page = readFileSync(TUTORIAL, "utf8");
      writeFileSync(TUTORIAL, page.replace(shownInit.text, `${initOutput.trim()}\n`).replace(shownToml.text, `${written.trim()}\n`));
    } else {
      expect(initOutput.trim(), "what init prints (UPDATE_DOCS=1 writes it into the tutorial)").toBe(shownInit.text.trim());
      expect(written.trim(), "what init writes (UPDATE_DOCS=1 writes it into the tutorial)").toBe(shownToml.text.trim());
    }
    // Every target's wheel and the sdist, and the workflow; the installed command is lefthook's own.
    const dist = readdirSync(path.join(project, "dist")).sort();
    expect(dist.filter((f) => f.endsWith(".whl"))).toHaveLength(Object.keys(PLATFORMS).length);
    expect(dist.filter((f) => f.endsWith(".tar.gz"))).toEqual([`lefthook_bin-${VERSION}.tar.gz`]);
    expect(readdirSync(path.join(project, ".github/workflows"))).toEqual(["release.yml"]);
    expect(readFileSync(path.join(project, "binwheel.lock"), "utf8")).toContain(`lefthook_${VERSION}_Linux_x86_64`);
    const version = await execa(path.join(project, ".venv/bin/lefthook"), ["version"]);
    expect(version.stdout).toMatch(new RegExp(`^${VERSION.replace(/\./g, "\\.")}`));
  });
});
