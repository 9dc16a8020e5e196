// binwheel release against the GitHub stand-in: the request order immutable releases need, dry
// runs that only read, reruns that change nothing or finish what a crash left, notes and summary;
// and the package index's rules, checked against a PyPI stand-in before anything is written.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { toondbRelease } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { NODE, REPO, assembleExampleProject } from "../support/project.js";
import { PyPIStandIn } from "../support/pypi-standin.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const TOKEN = "ghp_releaseTestSecretToken000";
let github: GitHubStandIn;
/** The index every release run asks (a missing project: a first release), unless a test names another. */
let pypi: PyPIStandIn;
let work: string;
let project: string;
let dist: string;
let files: string[];

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-release-"));
  github = await GitHubStandIn.start();
  pypi = await PyPIStandIn.start();
  github.addRelease(await toondbRelease("0.3.2"));
  project = assembleExampleProject(path.join(work, "toondb-client"));
  dist = path.join(work, "dist");
  const built = await binwheel(["build", project, "--all-targets", "--sdist", "--out-dir", dist]);
  expect(built.exitCode, built.all).toBe(0);
  files = readdirSync(dist).sort();
});

afterAll(async () => {
  await github?.close();
  await pypi?.close();
  rmSync(work, { recursive: true, force: true });
});

function binwheel(args: string[], env: Record<string, string> = {}) {
  // GITHUB_SERVER_URL as GitHub Actions sets it: the web links in notes and summaries.
  return execa(NODE, [CORE, ...args], { env: { GITHUB_API_URL: github.apiUrl, GITHUB_SERVER_URL: "https://github.com", GH_TOKEN: TOKEN, BINWHEEL_INDEX_URL: pypi.url, ...env }, reject: false, all: true });
}

const writes = (from: number) => github.requests.slice(from).filter((r) => r.origin !== "storage" && r.method !== "GET");
const sdkRelease = (repo: string) => github.releases.find((r) => r.owner === "toondb" && r.repo === repo);

describe("binwheel build --all-targets --sdist", () => {
  it("builds every configured target's wheel and the sdist", () => {
    expect(files).toEqual([
      "toondb_client-0.3.2-py3-none-macosx_11_0_arm64.whl",
      "toondb_client-0.3.2-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
      "toondb_client-0.3.2-py3-none-win_amd64.whl",
      "toondb_client-0.3.2.tar.gz",
    ]);
  });
});

describe("binwheel release", () => {
  it("plans with GET requests only in a dry run", async () => {
    const before = github.requests.length;
    const dry = await binwheel(["release", project, "--repo", "toondb/toondb-python-sdk", "--from", dist, "--dry-run"]);
    expect(dry.exitCode, dry.all).toBe(0);
    expect(writes(before)).toEqual([]);
    expect(dry.all).toContain("would create the draft release toondb/toondb-python-sdk v0.3.2");
    for (const f of [...files, "SHA256SUMS"]) expect(dry.all).toContain(`would upload ${f}`);
    expect(dry.all).toContain("would publish toondb/toondb-python-sdk v0.3.2");
    expect(dry.stdout).toMatch(/### toondb-client 0\.3\.2: dry run/);
    expect(sdkRelease("toondb-python-sdk")).toBeUndefined();
    // The index was asked first: a 404 project is a first release, not a problem.
    expect(dry.all).toContain(`${pypi.url} (toondb-client 0.3.2): no such project yet; this is its first release`);
    expect(pypi.requests.slice(-2)).toEqual(["/pypi/toondb-client/0.3.2/json", "/pypi/toondb-client/json"]);
  });

  it("creates a draft, uploads every file, then publishes, with notes and a summary", async () => {
    const before = github.requests.length;
    const summaryFile = path.join(work, "step-summary.md");
    const result = await binwheel(["release", project, "--repo", "toondb/toondb-python-sdk", "--from", dist], { GITHUB_STEP_SUMMARY: summaryFile });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).not.toContain(TOKEN);
    const order = writes(before).map((r) => `${r.method} ${r.url.split("?")[0]!.replace(/\d+/g, "N")}`);
    expect(order).toEqual([
      "POST /repos/toondb/toondb-python-sdk/releases",
      ...Array.from({ length: 5 }, () => "POST /api/uploads/repos/toondb/toondb-python-sdk/releases/N/assets"),
      "PATCH /repos/toondb/toondb-python-sdk/releases/N",
    ]);
    const release = sdkRelease("toondb-python-sdk")!;
    expect(release.draft).toBe(false);
    expect(release.stored.map((a) => a.name).sort()).toEqual([...files, "SHA256SUMS"].sort());
    expect(release.stored.every((a) => a.state === "uploaded")).toBe(true);
    expect(release.body).toContain("pip install toondb-client==0.3.2");
    expect(release.body).toContain("[toondb/toondb v0.3.2](https://github.com/toondb/toondb/releases/tag/v0.3.2)");
    for (const f of files) {
      const sha = (await execa("sha256sum", [path.join(dist, f)])).stdout.split(" ")[0]!;
      expect(release.body).toContain(`| ${f} |`);
      expect(release.body).toContain(sha);
    }
    const summary = readFileSync(summaryFile, "utf8");
    expect(summary).toMatch(/### toondb-client 0\.3\.2: released/);
    expect(summary).toContain("| toondb_client-0.3.2-py3-none-win_amd64.whl |");
    expect(summary).toContain("https://pypi.org/project/toondb-client/0.3.2/");
    expect(summary).toContain("[toondb/toondb-python-sdk v0.3.2](https://github.com/toondb/toondb-python-sdk/releases/tag/v0.3.2)");
  });

  it("changes nothing when run again", async () => {
    const before = github.requests.length;
    const again = await binwheel(["release", project, "--repo", "toondb/toondb-python-sdk", "--from", dist]);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toContain("already released; nothing to do");
    expect(writes(before)).toEqual([]);
  });

  it("refuses to replace a published file that differs", async () => {
    const other = path.join(work, "dist-other");
    const rebuilt = await binwheel(["build", project, "--all-targets", "--sdist", "--out-dir", other], { SOURCE_DATE_EPOCH: "1700000000" });
    expect(rebuilt.exitCode, rebuilt.all).toBe(0);
    const before = github.requests.length;
    const result = await binwheel(["release", project, "--repo", "toondb/toondb-python-sdk", "--from", other]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/the published release toondb\/toondb-python-sdk v0\.3\.2 already has a different toondb_client-0\.3\.2-py3-none-macosx_11_0_arm64\.whl/);
    expect(writes(before)).toEqual([]);
  });

  it("finishes a release that broke off after two uploads", async () => {
    // The third upload fails every time (leaving a broken asset, as GitHub's 502s can).
    github.inject(...Array.from({ length: 4 }, (_, i) => ({ origin: "uploads" as const, skip: i === 0 ? 2 : 0, brokenUpload: true as const })));
    const crashed = await binwheel(["release", project, "--repo", "toondb/crashed-sdk", "--from", dist]);
    expect(crashed.exitCode).toBe(1);
    expect(crashed.stderr).toMatch(/uploading .* failed 4 times/);
    const draft = sdkRelease("crashed-sdk")!;
    expect(draft.draft).toBe(true);
    expect(draft.stored.filter((a) => a.state === "uploaded")).toHaveLength(2);
    // A process killed mid-upload leaves a broken asset behind; the rerun must clear it.
    const missing = [...files, "SHA256SUMS"].find((f) => !draft.stored.some((a) => a.name === f))!;
    github.addBrokenAsset(draft.id, missing);

    const before = github.requests.length;
    const rerun = await binwheel(["release", project, "--repo", "toondb/crashed-sdk", "--from", dist]);
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect(rerun.all).toMatch(/delete the broken/);
    const order = writes(before).map((r) => r.method);
    expect(order[order.length - 1]).toBe("PATCH");
    expect(order.filter((m) => m === "POST")).toHaveLength(3); // the three files not uploaded yet
    expect(draft.draft).toBe(false);
    expect(draft.stored.map((a) => a.name).sort()).toEqual([...files, "SHA256SUMS"].sort());
    expect(draft.stored.every((a) => a.state === "uploaded")).toBe(true);
  });

  it("can stop at a draft and publish in a later run, as the workflow does around PyPI", async () => {
    const drafted = await binwheel(["release", project, "--repo", "toondb/staged-sdk", "--from", dist, "--draft"]);
    expect(drafted.exitCode, drafted.all).toBe(0);
    expect(drafted.stdout).toContain("draft release ready (not published)");
    expect(sdkRelease("staged-sdk")!.draft).toBe(true);
    const published = await binwheel(["release", project, "--repo", "toondb/staged-sdk", "--from", dist]);
    expect(published.exitCode, published.all).toBe(0);
    expect(sdkRelease("staged-sdk")!.draft).toBe(false);
  });

  it("builds and checks everything itself when not given --from, and needs a token to write", async () => {
    const result = await binwheel(["release", project, "--repo", "toondb/built-sdk", "--out-dir", path.join(work, "dist-built")]);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout).toMatch(/ok {6}.*toondb_client-0\.3\.2\.tar\.gz/);
    const noToken = await binwheel(["release", project, "--repo", "toondb/other", "--from", dist], { GH_TOKEN: "" });
    expect(noToken.exitCode).toBe(1);
    expect(noToken.stderr).toMatch(/needs a token that can write to toondb\/other/);
  });
  it("refuses a GITHUB_SERVER_URL with a login before anything is built or written, never showing it", async () => {
    const before = github.requests.length;
    const out = path.join(work, "dist-server");
    const result = await binwheel(["release", project, "--repo", "toondb/server-sdk", "--out-dir", out], { GITHUB_SERVER_URL: "https://me:s3cr3tPw@ghe.example.org" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^binwheel: error: GITHUB_SERVER_URL "https:\/\/ghe\.example\.org" carries a login, a query or a fragment;/);
    expect(result.all).not.toContain("s3cr3tPw");
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(writes(before)).toEqual([]);
  });
});

describe("binwheel release and the package index", () => {
  const sha = (file: string) => createHash("sha256").update(readFileSync(path.join(dist, file))).digest("hex");
  const wheel = () => files.find((f) => f.endsWith(".whl"))!;
  const sdist = () => files.find((f) => f.endsWith(".tar.gz"))!;
  /** A fresh index holding `listed` (file name -> sha256, upload time) as toondb-client 0.3.2. */
  async function index(listed: { file: string; sha256: string; uploaded?: Date }[]): Promise<PyPIStandIn> {
    const standIn = await PyPIStandIn.start();
    standIn.add("toondb-client", "0.3.2", listed.map((l) => ({ filename: l.file, size: statSync(path.join(dist, l.file)).size, sha256: l.sha256, ...(l.uploaded && { uploaded: l.uploaded }) })));
    return standIn;
  }
  async function refused(args: string[], env: Record<string, string>, reason: RegExp) {
    const before = github.requests.length;
    const result = await binwheel(["release", project, "--from", dist, ...args], env);
    expect(result.exitCode, result.all).toBe(1);
    expect(result.stderr).toMatch(/the package index would refuse this release, so nothing was uploaded: http:\/\/127\.0\.0\.1:\d+ \(toondb-client 0\.3\.2\): /);
    expect(result.stderr).toMatch(reason);
    expect(writes(before)).toEqual([]);
    return result;
  }

  it("stops before writing when a file name is on the index with other bytes, in a dry run too", async () => {
    const other = await index([{ file: wheel(), sha256: "0".repeat(64) }]);
    try {
      for (const dry of [["--dry-run"], []]) {
        const result = await refused(["--repo", "toondb/index-conflict", ...dry], { BINWHEEL_INDEX_URL: other.url }, new RegExp(`${wheel().replace(/\./g, "\\.")} is already on the index with other bytes \\(sha256 0{64}, .*a file name is uploaded only once`));
        expect(result.stderr).not.toMatch(/would create the draft/);
      }
      expect(sdkRelease("index-conflict")).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it("stops when the version was first uploaded more than 14 days ago and a file would be new, naming the date", async () => {
    const uploaded = new Date(Date.now() - 20 * 86_400_000);
    const old = await index([{ file: sdist(), sha256: sha(sdist()), uploaded }]);
    try {
      await refused(["--repo", "toondb/index-closed", "--index-url", old.url], {}, new RegExp(`first uploaded on ${uploaded.toISOString()}, so it stopped taking new files on ${new Date(uploaded.getTime() + 14 * 86_400_000).toISOString()} \\(14 days later\\)`));
    } finally {
      await old.close();
    }
  });

  it("stops when a file is over the index's size limit", async () => {
    await refused(["--repo", "toondb/index-too-big", "--max-file-size", "1KiB"], {}, new RegExp(`${sdist().replace(/\./g, "\\.")} is \\d+ bytes, over the index's limit of 1024 bytes per file: ask PyPI for a larger limit`));
    expect((await binwheel(["release", project, "--from", dist, "--repo", "x/y", "--max-file-size", "lots"])).stderr).toMatch(/--max-file-size "lots" is not a size/);
  });

  it("releases when the index already has the same files (the run after the PyPI upload), and reports it in a dry run", async () => {
    const same = await index(files.map((f) => ({ file: f, sha256: sha(f), uploaded: new Date(Date.now() - 30 * 86_400_000) })));
    try {
      const dry = await binwheel(["release", project, "--repo", "toondb/index-same", "--from", dist, "--dry-run", "--index-url", same.url]);
      expect(dry.exitCode, dry.all).toBe(0);
      expect(dry.stderr).toContain(`${same.url} (toondb-client 0.3.2): ${files.length} files there; 0 of this release's ${files.length} are new`);
      expect(dry.stderr).toContain(`${wheel()} is already on the index with the same bytes; its upload is a no-op`);
      const result = await binwheel(["release", project, "--repo", "toondb/index-same", "--from", dist, "--index-url", same.url]);
      expect(result.exitCode, result.all).toBe(0);
      expect(sdkRelease("index-same")!.draft).toBe(false);
    } finally {
      await same.close();
    }
  });

  it("asks no index with --index-url none, and refuses an index URL that is not http(s)", async () => {
    const before = pypi.requests.length;
    const result = await binwheel(["release", project, "--repo", "toondb/index-none", "--from", dist, "--dry-run", "--index-url", "none"]);
    expect(result.exitCode, result.all).toBe(0);
    expect(pypi.requests.length).toBe(before);
    expect((await binwheel(["release", project, "--repo", "x/y", "--from", dist], { BINWHEEL_INDEX_URL: "ftp://pypi.example" })).stderr).toMatch(/BINWHEEL_INDEX_URL "ftp:\/\/pypi\.example" is not an http\(s\) URL/);
  });
});

describe("binwheel init-ci", () => {
  it("writes a release workflow with the expected jobs, triggers and permissions", async () => {
    const result = await binwheel(["init-ci", project]);
    expect(result.exitCode, result.all).toBe(0);
    const file = path.join(project, ".github/workflows/release.yml");
    const workflow = YAML.parse(readFileSync(file, "utf8"));
    expect(Object.keys(workflow.jobs)).toEqual(["build", "smoke", "github-draft", "pypi", "github-publish"]);
    expect(Object.keys(workflow.on.workflow_dispatch.inputs)).toEqual(["version", "upstream_version", "dry_run"]);
    expect(workflow.on.push.tags).toEqual(["v*"]);
    expect(workflow.permissions).toEqual({});
    expect(workflow.jobs.pypi.environment.name).toBe("pypi");
    expect(workflow.jobs.pypi.permissions).toEqual({ "id-token": "write" });
    expect(workflow.jobs.pypi.steps.map((s: { uses?: string }) => s.uses)).toContainEqual(expect.stringMatching(/^pypa\/gh-action-pypi-publish@[0-9a-f]{40}$/));
    expect(workflow.jobs.build.permissions).toMatchObject({ "id-token": "write", attestations: "write" });
    expect(workflow.jobs.smoke.strategy.matrix.os).toEqual(["ubuntu-latest", "macos-latest", "windows-latest"]);
    expect(workflow.jobs["github-publish"].needs).toBe("pypi");
    expect(JSON.stringify(workflow)).not.toMatch(/SHA256SUMS|dist\/\*\.sha256/);
    expect((await binwheel(["init-ci", project])).stderr).toMatch(/exists; pass --force to replace it/);
    expect(existsSync(file)).toBe(true);
  });
});
