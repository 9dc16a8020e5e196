// The main job, as a user runs it: pip builds the ToonDB SDK's wheel with binwheel from a
// (stand-in) GitHub release, the wheel passes strict validation, installs, and its commands run.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BLOCK } from "../../src/codec/libdeflate.js";
import { auditwheelTags } from "../support/auditwheel-oracle.js";
import { fixtureLibrary, toondbRelease } from "../support/fixtures.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { assembleExampleProject, pipEnv } from "../support/project.js";
import { installInVenv, onlyWheel, pipWheel, pyenvPython, validateWheel } from "../support/python.js";
import { itNeeds, skipAllUnless } from "../support/tools.js";

const TOOL_SOURCE = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--help") == 0) { puts("usage: toondb-bulk [--exit CODE] (compiled test build)"); return 0; }
  if (argc > 2 && strcmp(argv[1], "--exit") == 0) return atoi(argv[2]);
  printf("argv0=%s args=%d\\n", argv[0], argc - 1);
  return 0;
}
`;

let github: GitHubStandIn;
let work: string;
let project: string;
let wheel: string;
/** The manylinux tags auditwheel would give the compiled tool and the fixture libraries on this machine. */
let hostTags: string[];
/**
 * toondb-grpc-server: the compiled tool with 3.3 MiB of random and repetitive bytes appended (an
 * ELF still runs), so that it spans several deflate blocks compressed on worker threads.
 */
let largeTool: Buffer;

const why = skipAllUnless("the ToonDB SDK's pip builds (they compile a tool)", ["cc", "readelf"]);

beforeAll(async () => {
  if (why) return;
  work = mkdtempSync(path.join(tmpdir(), "binwheel-e2e-"));
  writeFileSync(path.join(work, "tool.c"), TOOL_SOURCE);
  await execa("cc", ["-O2", "-o", path.join(work, "toondb-bulk"), path.join(work, "tool.c")]);
  writeFileSync(path.join(work, "libtoondb_storage.so"), fixtureLibrary("x86_64-unknown-linux-gnu"));
  hostTags = auditwheelTags([path.join(work, "toondb-bulk"), path.join(work, "libtoondb_storage.so")], "x86_64");
  github = await GitHubStandIn.start();
  const tool = readFileSync(path.join(work, "toondb-bulk"));
  largeTool = Buffer.concat([tool, randomBytes(1_500_000), Buffer.from("toondb grpc ".repeat(150_000))]);
  github.addRelease(await toondbRelease("0.3.2", { tools: { "toondb-bulk": tool, "toondb-grpc-server": largeTool } }));
  project = assembleExampleProject(path.join(work, "toondb-client"));
  const dist = path.join(work, "dist");
  const built = await pipWheel("python3", project, dist, { env: { GITHUB_API_URL: github.apiUrl } });
  expect(built.exitCode, built.all).toBe(0);
  wheel = onlyWheel(dist);
});

afterAll(async () => {
  await github?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("pip wheel of the ToonDB SDK", () => {
  it("writes a wheel that passes strict validation, tagged from the compiled tool's glibc needs", async () => {
    expect(path.basename(wheel)).toBe(`toondb_client-0.3.2-py3-none-${hostTags.join(".")}.whl`);
    const summary = await validateWheel(wheel);
    expect(summary.tags).toEqual(hostTags.map((t) => `py3-none-${t}`).sort());
    expect(summary.root_is_purelib).toBe("false");
    expect(summary.files).toEqual([
      "toondb/__init__.py",
      "toondb/_bin/linux-x86_64/toondb-bulk",
      "toondb/_bin/linux-x86_64/toondb-grpc-server",
      "toondb/_bin/linux-x86_64/toondb-server",
      "toondb/_binaries.py",
      "toondb/_binwheel_scripts.py",
      "toondb/lib/linux-x86_64/libtoondb_index.so",
      "toondb/lib/linux-x86_64/libtoondb_storage.so",
      // On POSIX the commands are sh launchers the installer puts on PATH (no Python start-up).
      "toondb_client-0.3.2.data/scripts/toondb-bulk",
      "toondb_client-0.3.2.data/scripts/toondb-grpc-server",
      "toondb_client-0.3.2.data/scripts/toondb-server",
      "toondb_client-0.3.2.dist-info/METADATA",
      "toondb_client-0.3.2.dist-info/WHEEL",
      "toondb_client-0.3.2.dist-info/licenses/LICENSE",
      "toondb_client-0.3.2.dist-info/sboms/binwheel.cdx.json",
      "toondb_client-0.3.2.dist-info/RECORD",
    ]);
    expect(summary.modes["toondb/_bin/linux-x86_64/toondb-bulk"]).toBe("0o755");
    expect(summary.modes["toondb_client-0.3.2.data/scripts/toondb-bulk"]).toBe("0o755");
    expect(summary.modes["toondb/lib/linux-x86_64/libtoondb_index.so"]).toBe("0o644");
    expect(summary.entry_points["console_scripts"] ?? {}).toEqual({});
  });

  it("carries every [project] field into METADATA", async () => {
    const { metadata, requires_dist, provides_extra } = await validateWheel(wheel);
    for (const line of [
      "Metadata-Version: 2.4",
      "Name: toondb-client",
      "Version: 0.3.2",
      "Summary: Python SDK for ToonDB, with the ToonDB server and command-line tools bundled",
      "Requires-Python: >=3.9",
      "License-Expression: Apache-2.0",
      "License-File: LICENSE",
      "Author-email: ToonDB Authors <dev@toondb.example>",
      "Keywords: database,toondb,sdk",
      "Classifier: Operating System :: MacOS",
      "Project-URL: Homepage, https://github.com/toondb/toondb-python-sdk",
      "Description-Content-Type: text/markdown",
    ]) {
      expect(metadata).toContain(`${line}\n`);
    }
    expect(metadata).toMatch(/\n\n# toondb-client\n/);
    expect(provides_extra).toEqual(["grpc"]);
    expect(requires_dist).toEqual(['grpcio>=1.60; python_version >= "3.9" and extra == "grpc"']);
  });

  it("installs, and its commands run the bundled executables with exit codes passed through", async () => {
    const bin = await installInVenv("python3", path.join(work, "venv"), wheel);
    const help = await execa(path.join(bin, "toondb-bulk"), ["--help"]);
    expect(help.stdout).toBe("usage: toondb-bulk [--exit CODE] (compiled test build)");
    const args = await execa(path.join(bin, "toondb-bulk"), ["a", "b c"]);
    // exec from sh: the program sees its own path as argv[0] (POSIX sh has no exec -a).
    expect(args.stdout).toMatch(/^argv0=.*\/site-packages\/toondb\/_bin\/linux-x86_64\/toondb-bulk args=2$/);
    const exit = await execa(path.join(bin, "toondb-bulk"), ["--exit", "3"], { reject: false });
    expect(exit.exitCode).toBe(3);
    const grpc = await execa(path.join(bin, "toondb-grpc-server"), ["--help"]);
    expect(grpc.stdout).toBe("usage: toondb-bulk [--exit CODE] (compiled test build)");
    const site = await execa(path.join(bin, "python"), ["-c", "import toondb, os; print(os.path.dirname(toondb.__file__))"]);
    expect(readFileSync(path.join(site.stdout, "_bin/linux-x86_64/toondb-grpc-server")).equals(largeTool)).toBe(true);
    const server = await execa(path.join(bin, "toondb-server"), ["--help"]);
    expect(server.stdout).toContain("toondb-server (ToonDB fixture build)");
    const sdk = await execa(path.join(bin, "python"), ["-c", "import toondb; print(toondb.Database.open(':memory:').path)"]);
    expect(sdk.stdout).toBe(":memory:");
  });

  itNeeds([], ["3.9", "3.13"])("builds the same bytes under Python 3.9 and 3.13", async () => {
    for (const version of ["3.9", "3.13"]) {
      const dist = path.join(work, `dist-${version}`);
      const built = await pipWheel(await pyenvPython(version), project, dist, { env: { GITHUB_API_URL: github.apiUrl } });
      expect(built.exitCode, built.all).toBe(0);
      expect(readFileSync(onlyWheel(dist)).equals(readFileSync(wheel)), `Python ${version}`).toBe(true);
    }
  });

  it("builds the same bytes through python -m build --wheel", async () => {
    const dist = path.join(work, "dist-build");
    const built = await execa(inject("toolsPython"), ["-m", "build", "--wheel", "--outdir", dist, project], {
      env: pipEnv({ GITHUB_API_URL: github.apiUrl, PIP_NO_INDEX: "1", PIP_FIND_LINKS: inject("shimWheels") }),
      reject: false,
      all: true,
    });
    expect(built.exitCode, built.all).toBe(0);
    expect(readFileSync(onlyWheel(dist)).equals(readFileSync(wheel))).toBe(true);
  });

  it("with BINWHEEL_PROFILE, writes where a cold build's time went, and the same bytes", async () => {
    const dist = path.join(work, "dist-profile");
    const profile = path.join(work, "profile.jsonl");
    const env = { GITHUB_API_URL: github.apiUrl, BINWHEEL_PROFILE: profile, BINWHEEL_CACHE_DIR: path.join(work, "cold-cache") };
    const built = await pipWheel("python3", project, dist, { env });
    expect(built.exitCode, built.all).toBe(0);
    expect(readFileSync(onlyWheel(dist)).equals(readFileSync(wheel))).toBe(true);
    // One line per hook's process; the build_wheel hook's holds the build's phases, each once, with the peak memory so far.
    const lines = readFileSync(profile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => l.command.startsWith("--pep517 "))).toBe(true);
    const build = lines.find((l) => l.stages["phase: zip"]);
    const phases = ["start-up (process start to build)", "project", "asset", "archive (read, deflate, inspect)", "package files", ".dist-info and SBOM", "zip"];
    expect(Object.keys(build.stages).filter((s) => s.startsWith("phase: "))).toEqual(phases.map((p) => `phase: ${p}`));
    for (const p of phases) expect(build.stages[`phase: ${p}`]).toMatchObject({ count: 1, maxRssMiB: expect.any(Number) });
    // toondb-grpc-server is the only file over a deflate block: each of its blocks compressed once, on a worker or on the main thread.
    const blocks = Math.floor(largeTool.length / BLOCK) + 1;
    expect((build.stages["deflate (workers)"]?.count ?? 0) + (build.stages["deflate (this thread)"]?.count ?? 0)).toBe(blocks);
    expect(build.stages["gunzip: inflate"].count).toBeGreaterThan(0);
  });

  it("never sends the token to the storage host", () => {
    expect(github.requests.some((r) => r.origin === "storage")).toBe(true);
    expect(github.requests.filter((r) => r.origin === "storage" && r.authorization)).toEqual([]);
  });
});

describe("pip wheel with bad input", () => {
  it("fails with binwheel's message, no traceback and nothing in the output folder", async () => {
    const bad = assembleExampleProject(path.join(work, "bad"));
    const pyproject = path.join(bad, "pyproject.toml");
    writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace('from = "*toondb_*"', 'from = "libs/*"'));
    const dist = path.join(work, "bad-dist");
    mkdirSync(dist);
    const built = await pipWheel("python3", bad, dist, { env: { GITHUB_API_URL: github.apiUrl } });
    expect(built.exitCode).not.toBe(0);
    expect(built.all).toMatch(/binwheel: error: \[\[tool\.binwheel\.include\]\] #2 \(from = "libs\/\*"\) matches nothing in toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz/);
    expect(built.all).toMatch(/inside its top folder x86_64-unknown-linux-gnu\/\): toondb-bulk, toondb-server, toondb-grpc-server, libtoondb_storage\.so, libtoondb_index\.so, LICENSE\./);
    expect(built.all).not.toMatch(/Traceback/);
    expect(readdirSync(dist)).toEqual([]);
  });
});
