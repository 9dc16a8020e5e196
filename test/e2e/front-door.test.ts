// The bundled command line as a user meets it: help for every command, usage errors (exit 2, with
// a "did you mean"), -q and -v, colour; two targets that would build one wheel name; unknown -C
// keys under a real pip; network failures with advice that fits; download progress on a real
// terminal (a pty from script(1)) and in a log.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packTarGz, packZip, toondbRelease } from "../support/fixtures.js";
import { EM, elf, pe } from "../support/binaries.js";
import { GitHubStandIn } from "../support/github-standin.js";
import { NODE, REPO, assembleExampleProject } from "../support/project.js";
import { pipWheel } from "../support/python.js";
import { screen } from "../support/terminal.js";
import { itNeeds } from "../support/tools.js";

const CORE = path.join(REPO, "python_shim/binwheel/_core.mjs");
const COMMANDS = ["build", "release", "check", "targets", "lock", "init-ci", "cache"];
let work: string;
let github: GitHubStandIn;
let example: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "binwheel-front-door-"));
  github = await GitHubStandIn.start();
  github.addRelease(await toondbRelease("0.3.2"));
  example = assembleExampleProject(path.join(work, "toondb-client"));
});
afterAll(async () => {
  await github?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A project `name` (package demo/) whose targets' assets, named by `upstream`, hold one executable tool (tool.exe on Windows). */
function toolProject(name: string, upstream: string, targets: string[]): string {
  const root = path.join(work, name);
  mkdirSync(path.join(root, "demo"), { recursive: true });
  writeFileSync(path.join(root, "demo/__init__.py"), "");
  writeFileSync(path.join(root, "pyproject.toml"), [
    "[project]", `name = "${name}"`, 'version = "1.0"', "",
    "[tool.binwheel]", 'packages = ["demo"]', "",
    "[tool.binwheel.upstream]", upstream, 'asset = "tool-{version}-{target}.{archive}"', "",
    "[tool.binwheel.targets]", ...targets.map((t) => `"${t}" = "auto"`), "",
    "[[tool.binwheel.include]]", 'from = "tool*"', 'to = "demo/_bin"', "",
  ].join("\n"));
  return root;
}

const binwheel = (args: string[], env: Record<string, string> = {}) =>
  execa(NODE, [CORE, ...args], { env: { GITHUB_API_URL: github.apiUrl, ...env }, reject: false, stdin: "ignore" });

describe("help", () => {
  it("answers --help, -h and help <command> for every command, on stdout, exit 0", async () => {
    const top = await binwheel(["--help"]);
    expect(top.exitCode).toBe(0);
    for (const name of COMMANDS) expect(top.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    for (const name of COMMANDS) {
      const [long, short, viaHelp] = await Promise.all([binwheel([name, "--help"]), binwheel([name, "-h"]), binwheel(["help", name])]);
      for (const r of [long, short, viaHelp]) {
        expect(r.exitCode, `${name}: ${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^usage: binwheel ${name}\\b`));
        expect(r.stdout).toContain("-q, --quiet");
        expect(r.stderr).toBe("");
      }
      expect(short.stdout).toBe(long.stdout);
      expect(viaHelp.stdout).toBe(long.stdout);
    }
    // --help wins over anything else on the line, even a mistake.
    expect((await binwheel(["check", "--help"])).stdout).toMatch(/^usage: binwheel check FILE\.\.\./);
    expect((await binwheel(["build", "--targt", "x", "--help"])).exitCode).toBe(0);
  });
});

describe("usage errors", () => {
  it.each([
    [["biuld"], /^binwheel: error: unknown command "biuld"; did you mean "build"\? Run "binwheel --help" for the list of commands\.$/],
    [["build", "--targt", "x86_64-pc-windows-msvc"], /^binwheel: error: unknown option --targt; did you mean --target\? Run "binwheel build --help" for its options\.$/],
    [["build", "--target", "x86_64-linux-gnu"], /^binwheel: error: --target "x86_64-linux-gnu" is not one of the values it takes; did you mean "x86_64-unknown-linux-gnu"\? It takes: x86_64-unknown-linux-gnu, /],
    [["build", "--out-dir"], /^binwheel: error: --out-dir needs a value: --out-dir <dir>\./],
    [["cache", "clen"], /did you mean "clean"\?/],
    [["check"], /^binwheel: error: binwheel check needs FILE\.\.\./],
    [["-q", "build", "-v"], /ask for opposite things/],
    [["build", "--all-targets", "--target", "x86_64-pc-windows-msvc"], /give it or --target, not both/],
  ])("binwheel %j exits 2 with one paragraph", async (args, message) => {
    const r = await binwheel(args[0] === "build" ? ["build", example, ...args.slice(1)] : args);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });

  it("keeps exit code 1 for a failure that is not the command line's", async () => {
    const r = await binwheel(["build", example, "--upstream-version", "9.9.9", "--out-dir", path.join(work, "none")]);
    expect(r.exitCode).toBe(1);
  });
});

describe("-q, -v and colour", () => {
  it("-q prints only the files; -v also every file copied; the default the steps", async () => {
    const run = (flag: string[]) => binwheel(["build", example, "--target", "x86_64-pc-windows-msvc", "--out-dir", path.join(work, `out${flag.join("")}`), ...flag]);
    const [quiet, normal, verbose] = await Promise.all([run(["-q"]), run([]), run(["--verbose"])]);
    for (const r of [quiet, normal, verbose]) {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout.trim()).toMatch(/toondb_client-0\.3\.2-py3-none-win_amd64\.whl$/);
    }
    expect(quiet.stderr).toBe("");
    expect(normal.stderr).toMatch(/^binwheel: built toondb_client/m);
    expect(normal.stderr).not.toContain(" -> ");
    expect(verbose.stderr).toContain(" -> toondb/_bin/windows-x86_64/toondb-bulk.exe");
    // -q before the command counts too.
    expect((await binwheel(["-q", "build", example, "--target", "x86_64-pc-windows-msvc", "--out-dir", path.join(work, "out-q2")])).stderr).toBe("");
  });

  it("colours error: only when asked, forced, or on a terminal; NO_COLOR and --color=never turn it off", async () => {
    const red = "binwheel: \x1b[1;31merror:\x1b[0m unknown command";
    expect((await binwheel(["nope"])).stderr).toMatch(/^binwheel: error: unknown command/);
    expect((await binwheel(["--color=always", "nope"])).stderr).toContain(red);
    expect((await binwheel(["build", path.join(work, "nowhere"), "--color", "always"])).stderr).toMatch(/^binwheel: \x1b\[1;31merror:\x1b\[0m no pyproject\.toml/);
    expect((await binwheel(["nope"], { FORCE_COLOR: "1" })).stderr).toContain(red);
    expect((await binwheel(["--color=never", "nope"], { FORCE_COLOR: "1" })).stderr).not.toContain("\x1b");
    expect((await binwheel(["nope"], { FORCE_COLOR: "0" })).stderr).not.toContain("\x1b");
  });

  itNeeds(["script"])("colours error: and warning: on a terminal unless NO_COLOR", async () => {
    const onTerminal = (env: Record<string, string>) =>
      execa("script", ["-qec", `${NODE} ${CORE} nope`, "/dev/null"], { env: { TERM: "xterm", ...env }, reject: false, stdin: "ignore" });
    expect((await onTerminal({})).stdout).toContain("\x1b[1;31merror:\x1b[0m");
    expect((await onTerminal({ NO_COLOR: "1" })).stdout).not.toContain("\x1b[");
  });
});

describe("two targets, one wheel name", () => {
  /** A project whose gnu and musl targets hold the same static executable: both wheels get the same tags. */
  async function staticProject(): Promise<{ root: string; assets: string }> {
    const root = toolProject("static-tool", 'github = "up/tool"', ["x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl"]);
    const assets = path.join(work, "static-assets");
    mkdirSync(assets, { recursive: true });
    const tar = await packTarGz([{ path: "tool", content: elf({ machine: EM.X86_64, padding: 4096 }), mode: 0o755 }]);
    for (const t of ["x86_64-unknown-linux-gnu", "x86_64-unknown-linux-musl"]) writeFileSync(path.join(assets, `tool-1.0-${t}.tar.gz`), tar);
    return { root, assets };
  }

  it("stops build --all-targets with both targets named and how to keep one, leaving no file; targets --fetch flags them", async () => {
    const { root, assets } = await staticProject();
    const out = path.join(work, "static-out");
    const r = await binwheel(["build", root, "--all-targets", "--out-dir", out], { BINWHEEL_ASSET_DIR: assets });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /binwheel: error: x86_64-unknown-linux-(gnu|musl) and x86_64-unknown-linux-(gnu|musl) both build static_tool-1\.0-py3-none-manylinux1_x86_64\.manylinux_2_5_x86_64\.musllinux_1_1_x86_64\.whl: .*remove the other from \[tool\.binwheel\.targets\]/,
    );
    expect(readdirSync(out)).toEqual([]);
    const both = await binwheel(["build", root, "--target", "x86_64-unknown-linux-gnu", "--target", "x86_64-unknown-linux-musl", "--out-dir", out], { BINWHEEL_ASSET_DIR: assets });
    expect(both.exitCode).toBe(1);
    expect(both.stderr).toContain("both build static_tool-1.0-");
    expect(readdirSync(out)).toEqual([]);

    const listed = await binwheel(["targets", root], { BINWHEEL_ASSET_DIR: assets });
    expect(listed.stdout).toContain("x86_64-unknown-linux-gnu and x86_64-unknown-linux-musl get the same tags if their binaries are static");
    const fetched = await binwheel(["targets", root, "--fetch"], { BINWHEEL_ASSET_DIR: assets });
    expect(fetched.exitCode, fetched.stderr).toBe(0);
    expect(fetched.stdout).toMatch(/overlapping tags\n  x86_64-unknown-linux-gnu and x86_64-unknown-linux-musl have the same tags \(manylinux1_x86_64\.manylinux_2_5_x86_64\.musllinux_1_1_x86_64\)/);
  });
});

describe("-C settings under pip", () => {
  it("refuses an unknown key with a did-you-mean instead of building the host's wheel", async () => {
    const out = path.join(work, "pip-unknown");
    const r = await pipWheel("python3", example, out, { env: { GITHUB_API_URL: github.apiUrl }, args: ["-C", "targt=x86_64-pc-windows-msvc"] });
    expect(r.exitCode).not.toBe(0);
    expect(r.all).toContain('binwheel: error: unknown config setting -C targt; did you mean "target"?');
    expect(existsSync(out) ? readdirSync(out).filter((f) => f.endsWith(".whl")) : []).toEqual([]);
  });
});

describe("network failures", () => {
  it("advise BINWHEEL_ASSET_DIR when the asset is not cached, --offline when it is", async () => {
    // A GitHub that answers once, then is gone (its port closed): the same host, so the same cache entry.
    const once = await GitHubStandIn.start();
    once.addRelease(await toondbRelease("0.3.2"));
    const env = { GITHUB_API_URL: once.apiUrl, BINWHEEL_CACHE_DIR: path.join(work, "net-cache") };
    const out = path.join(work, "net-out");
    expect((await binwheel(["build", example, "--out-dir", out], env)).exitCode).toBe(0);
    await once.close();
    const cached = await binwheel(["build", example, "--out-dir", out], env);
    expect(cached.exitCode).toBe(1);
    expect(cached.stderr).toMatch(/could not reach 127\.0\.0\.1:\d+: the connection was refused \(ECONNREFUSED\)\. Check the address \(GITHUB_API_URL/);
    expect(cached.stderr).toMatch(/The download cache has toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz from an earlier build: --offline \(-C offline=true, BINWHEEL_OFFLINE=1\) builds with it/);
    const offline = await binwheel(["build", example, "--out-dir", out, "--offline"], env);
    expect(offline.exitCode, offline.stderr).toBe(0);
    const empty = await binwheel(["build", example, "--out-dir", out], { ...env, BINWHEEL_CACHE_DIR: path.join(work, "net-cache-empty") });
    expect(empty.exitCode).toBe(1);
    expect(empty.stderr).toMatch(/To build without the network, download toondb-0\.3\.2-x86_64-unknown-linux-gnu\.tar\.gz another way into a folder and point BINWHEEL_ASSET_DIR at it\.$/m);
  });
});

describe("download progress", () => {
  const TARGETS = ["x86_64-unknown-linux-gnu", "x86_64-pc-windows-msvc"];
  let server: Server;
  let root: string;

  beforeAll(async () => {
    // Two 8 MiB assets served at about 4 MiB/s each: two downloads of two seconds, side by side.
    const assets = new Map<string, Buffer>();
    for (const t of TARGETS) {
      const name = `tool-1.0-${t}.${t.includes("windows") ? "zip" : "tar.gz"}`;
      const exe = t.includes("windows") ? "tool.exe" : "tool";
      const binary = t.includes("windows") ? pe(0x8664) : elf({ machine: EM.X86_64 });
      const files = [{ path: exe, content: Buffer.concat([binary, randomBytes(8 << 20)]), mode: 0o755 }];
      assets.set(`/${name}`, t.includes("windows") ? await packZip(files) : await packTarGz(files));
    }
    server = createServer(async (req, res) => {
      const body = assets.get(req.url ?? "");
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { "content-length": body.length });
      for (let at = 0; at < body.length && !res.destroyed; at += 128 << 10) {
        res.write(body.subarray(at, at + (128 << 10)));
        await new Promise((r) => setTimeout(r, 30));
      }
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    root = toolProject("slow-tool", `url = "http://127.0.0.1:${(server.address() as AddressInfo).port}/{asset}"`, TARGETS);
  });
  afterAll(() => server?.close());

  itNeeds(["script"])("on a terminal: a live line per download, then only the last lines, nothing left over", async () => {
    const out = path.join(work, "progress-tty");
    const cmd = `stty cols 120; ${NODE} ${CORE} build ${root} --all-targets --out-dir ${out}`;
    const r = await execa("script", ["-qec", cmd, "/dev/null"], { env: { BINWHEEL_CACHE_DIR: path.join(work, "progress-cache-tty"), TERM: "xterm" }, reject: false, stdin: "ignore" });
    expect(r.exitCode, r.stdout).toBe(0);
    // Live lines were drawn (bytes of the total, a rate, time left) ...
    expect(r.stdout).toMatch(/binwheel: tool-1\.0-x86_64-unknown-linux-gnu\.tar\.gz  \d+\.\d MiB of 8\.0 MiB \(\d+%\), [\d.]+ (K|M)iB\/s, [\d.]+ s left/);
    expect(r.stdout).toMatch(/binwheel: tool-1\.0-x86_64-pc-windows-msvc\.zip  \d+\.\d MiB of 8\.0 MiB/);
    // ... and what stays on screen is the messages, each whole, no live line and no debris.
    const rows = screen(r.stdout).filter((l) => l.startsWith("binwheel:"));
    expect(rows.filter((l) => /^binwheel: downloaded tool-1\.0-.* 8\.0 MiB in [\d.]+ s \([\d.]+ (K|M)iB\/s\)$/.test(l))).toHaveLength(2);
    expect(rows.filter((l) => /s left/.test(l))).toEqual([]);
    for (const row of rows) expect(row).toMatch(/^binwheel: (downloading|downloaded|built|warning: no sha256)/);
  });

  it("in a log: plain lines as the download goes, then the size and time; none with -q", async () => {
    const run = (extra: string[], cache: string) =>
      binwheel(["build", root, "--target", TARGETS[0]!, "--out-dir", path.join(work, `progress-log-${cache}`), ...extra], { BINWHEEL_CACHE_DIR: path.join(work, `progress-cache-${cache}`) });
    const [plain, quiet] = await Promise.all([run([], "plain"), run(["-q"], "quiet")]);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stderr).not.toContain("\x1b");
    expect(plain.stderr).toMatch(/^binwheel: tool-1\.0-x86_64-unknown-linux-gnu\.tar\.gz: \d+\.\d MiB of 8\.0 MiB \(\d0%\), [\d.]+ (K|M)iB\/s, [\d.]+ s left$/m);
    expect(plain.stderr).toMatch(/^binwheel: downloaded tool-1\.0-x86_64-unknown-linux-gnu\.tar\.gz: 8\.0 MiB in [\d.]+ s/m);
    expect(quiet.exitCode).toBe(0);
    // -q: the warning (the asset is not pinned) and nothing else.
    expect(quiet.stderr.split("\n").filter((l) => !l.startsWith("binwheel: warning: no sha256"))).toEqual([]);
  });
});
