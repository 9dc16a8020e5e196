// The `commands` section of the benchmark: how long an installed command takes to start, for each
// way binwheel can install one, against the executable itself. The ToonDB example SDK is built
// twice from one asset (its toondb-bulk compiled here by cc): with the default launcher and with
// `commands = "direct"`; each wheel is installed by pip into its own venv. The contenders run
// `toondb-bulk --help` (which prints one line and exits):
//   - the bare executable, in site-packages/toondb/_bin/linux-x86_64/
//   - the direct command (the executable itself, installed from .data/scripts)
//   - the default POSIX launcher (an sh script that execs the executable)
//   - the Python launcher, as pip writes a console_scripts wrapper for it (the default before
//     issue 14, and still Windows' and editable installs' launcher), added to the launcher wheel
//   - `python -c pass` from the same venv, for reference
// Rounds are paired: each round runs every contender once, in an order rotated each round, and a
// contender's ratio is the median of its per-round ratios to the bare executable. Wall time is
// measured around spawnSync, so each figure includes the fork and exec that any caller pays.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { toondbRelease } from "../test/support/fixtures.js";
import { REPO, assembleExampleProject, pipEnv } from "../test/support/project.js";
import { rewriteWheel } from "../test/support/rewrite-wheel.js";

const TRIPLE = "x86_64-unknown-linux-gnu";
const TOOL_C = `#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--help") == 0) puts("usage: toondb-bulk [--exit CODE]");
  return 0;
}
`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Builds the example SDK's wheel with `commands` and installs it into a new venv; returns the venv. */
async function installed(work: string, assets: string, commands: "launcher" | "direct"): Promise<string> {
  const project = assembleExampleProject(path.join(work, `project-${commands}`));
  const pyproject = path.join(project, "pyproject.toml");
  writeFileSync(pyproject, readFileSync(pyproject, "utf8").replace(/^commands = "launcher"$/m, `commands = "${commands}"`));
  const out = path.join(work, `wheel-${commands}`);
  await execa(process.execPath, [path.join(REPO, "python_shim/binwheel/_core.mjs"), "build", project, "--target", TRIPLE, "--out-dir", out], {
    env: { BINWHEEL_ASSET_DIR: assets, BINWHEEL_CACHE_DIR: path.join(work, "cache") },
  });
  let wheel = path.join(out, readdirSync(out)[0]!);
  if (commands === "launcher") wheel = await withPythonLauncher(wheel, path.join(work, "python-launcher"));
  const venv = path.join(work, `venv-${commands}`);
  await execa("python3", ["-m", "venv", venv]);
  await execa(path.join(venv, "bin/python"), ["-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel], { env: pipEnv() });
  return venv;
}

/**
 * A copy of the launcher wheel with one console_scripts entry, toondb-bulk-py, into the generated
 * Python launcher, so that pip writes its own wrapper for it exactly as for any entry point.
 */
async function withPythonLauncher(wheel: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, path.basename(wheel));
  const distInfo = `${path.basename(wheel).split("-").slice(0, 2).join("-")}.dist-info`;
  await rewriteWheel(wheel, out, { [`${distInfo}/entry_points.txt`]: "[console_scripts]\ntoondb-bulk-py = toondb._binwheel_scripts:run_toondb_bulk\n" });
  return out;
}

/** The `commands` section's Markdown: medians per contender and paired ratios to the bare executable. */
export async function commandStartup(root: string, rounds: number, log: (text: string) => void): Promise<string[]> {
  const work = path.join(root, "commands");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log("commands: compiling toondb-bulk, building and installing the example SDK with each kind of command");
  writeFileSync(path.join(work, "tool.c"), TOOL_C);
  execFileSync("cc", ["-O2", "-o", path.join(work, "toondb-bulk"), path.join(work, "tool.c")]);
  const assets = path.join(work, "assets");
  mkdirSync(assets);
  for (const asset of (await toondbRelease("0.3.2", { triples: [TRIPLE], tools: { "toondb-bulk": readFileSync(path.join(work, "toondb-bulk")) } })).assets) {
    if (Buffer.isBuffer(asset.data)) writeFileSync(path.join(assets, asset.name), asset.data);
  }
  const launcherVenv = await installed(work, assets, "launcher");
  const directVenv = await installed(work, assets, "direct");
  const lib = path.join(launcherVenv, "lib");
  const site = path.join(lib, readdirSync(lib)[0]!, "site-packages");
  const contenders: [string, string[]][] = [
    ["bare executable (`_bin/linux-x86_64/toondb-bulk`)", [path.join(site, "toondb/_bin/linux-x86_64/toondb-bulk"), "--help"]],
    ['direct command (`commands = "direct"`)', [path.join(directVenv, "bin/toondb-bulk"), "--help"]],
    ["default launcher (sh, from `.data/scripts`)", [path.join(launcherVenv, "bin/toondb-bulk"), "--help"]],
    ["Python launcher (pip's console_scripts wrapper)", [path.join(launcherVenv, "bin/toondb-bulk-py"), "--help"]],
    ["`python -c pass` (reference)", [path.join(launcherVenv, "bin/python"), "-c", "pass"]],
  ];
  // Every contender must work before it is timed: a failing command would start fast.
  for (const [label, [command, ...args]] of contenders.slice(0, 4)) {
    const out = execFileSync(command!, args, { encoding: "utf8" });
    if (out !== "usage: toondb-bulk [--exit CODE]\n") throw new Error(`${label} printed ${JSON.stringify(out)}`);
  }
  const times = contenders.map(() => [] as number[]);
  for (let round = 0; round < rounds + 3; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + round) % contenders.length;
      const [command, ...args] = contenders[i]![1];
      const started = process.hrtime.bigint();
      const ran = spawnSync(command!, args, { stdio: "ignore" });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (ran.status !== 0) throw new Error(`${contenders[i]![0]} exited with ${ran.status}`);
      if (round >= 3) times[i]!.push(ms); // the first rounds warm the page cache and Python's bytecode caches
    }
  }
  const bare = times[0]!;
  return [
    `### Command start-up (${rounds} paired rounds, \`toondb-bulk --help\`)`,
    "",
    "| command | wall ms (median) | x bare executable (paired median, range) |",
    "|---|---|---|",
    ...contenders.map(([label], i) => {
      const ratios = times[i]!.map((t, r) => t / bare[r]!);
      return `| ${label} | ${median(times[i]!).toFixed(2)} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}) |`;
    }),
    "",
  ];
}
