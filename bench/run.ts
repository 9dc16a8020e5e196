// The benchmark: binwheel and the incumbent ways of doing its job (hatchling with a build hook, a
// zig-pypi style direct script, maturin where installable) on the same fixtures, in alternating
// (paired) runs, printing a Markdown table of medians and paired ratios.
//
//   npm run bench -- [S|M|L ...] [formats] [commands] [targets] [--runs N]
//   npm run bench -- profile [S|M|L ...] [--runs N]
//
// Fixtures (in /tmp/binwheel-bench): the toondb x86_64 archive with 1 MiB (S), 60 MiB (M) or
// 300 MiB (L) of binaries, each starting with an ELF header and continuing with bytes of this
// machine's own executables, so they compress like real code. Every contender builds the same
// SDK's wheel through its usual front door: `python -m build --wheel --no-isolation` for
// binwheel and hatchling. "binwheel (warm)" is a second build of the same asset, as a second
// target or a cibuildwheel per-Python build is. The floor is that front door with a backend that
// does nothing (bench/incumbents/floor): the part of every such row no backend can save. Wall,
// cpu and peak RSS come from /usr/bin/time.
//
// `formats`: the L binaries' tar also as .tar.xz (xz -6) and .tar.zst (zstd -3), made once by the
// real tools: each decompressed by binwheel's decoder (in this process, the views read and
// dropped) and by the native tool on one thread (`xz -T1 -dc`, `zstd -T1 -dc`, `gzip -dc`, output
// to /dev/null), in paired runs; and a full cold binwheel L build from each asset, with its peak RSS.
//
// `commands` (also part of the default run): how fast an installed command starts, for each way
// binwheel installs one, against the bare executable (bench/startup.ts).
//
// `check` (also part of the default run when pip is configured for a local PyPI mirror):
// `binwheel check` over every fourth wheel of the mirror (sorted by path: a fixed sample of real
// wheels, ~2 GB), against what installers do to verify a wheel in Python (bench/incumbents/check.py:
// zipfile, hashlib and RECORD over two processes), in paired runs; then the mirror's largest wheel
// alone, for its peak RSS. MB/s are megabytes of wheel files per second of wall time.
//
// `targets` (also part of the default run): `binwheel build --all-targets` for 17 targets of 60 MiB
// each, downloaded from a local stand-in into an empty cache, beside one target and 6 (bench/targets.ts).
//
// `profile`: instead of the comparison, where each size's cold build spends its time, on each
// Node, from the core's BINWHEEL_PROFILE figures (bench/profile.ts).
//
// Node versions: the Node running the bench, BINWHEEL_NODE, and those .ci/run keeps in
// ~/.cache/binwheel-ci (Node 22 and 24): the start-up of `node _core.mjs --version` on each, with
// and without Node's compile cache where the Node has one (22.1+), in paired runs; and a
// "binwheel (cold), Node <version>" row for each Node besides the bench's own.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, mkdirSync, openSync, readSync, closeSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { execa } from "execa";
import { decompress, type Compression } from "../src/archive/decompress.js";
import { EM, elf } from "../test/support/binaries.js";
import { packTarGz, type FixtureFile } from "../test/support/fixtures.js";
import { mirrorWheels } from "../test/support/mirror.js";
import { REPO, assembleExampleProject, buildShimWheel, pipEnv } from "../test/support/project.js";
import { profileRows } from "./profile.js";
import { commandStartup } from "./startup.js";
import { benchPyproject, targetRows, type Sample } from "./targets.js";

const ROOT = "/tmp/binwheel-bench";
const SIZES: Record<string, number> = { S: 1, M: 60, L: 300 };
const SHARES: [string, number, number][] = [
  ["bin/toondb-server", 0.36, 0o755], ["bin/toondb-grpc-server", 0.27, 0o755], ["bin/toondb-bulk", 0.14, 0o755],
  ["lib/libtoondb_storage.so", 0.15, 0o644], ["lib/libtoondb_index.so", 0.08, 0o644],
];
const SOURCES = [
  process.execPath, "/usr/lib/x86_64-linux-gnu/libLLVM-15.so.1", "/usr/lib/x86_64-linux-gnu/libLLVM-14.so.1",
  "/usr/bin/gdb", "/usr/bin/cmake", "/usr/lib/x86_64-linux-gnu/libz3.so.4",
].filter((f) => existsSync(f));

const args = process.argv.slice(2);
const runsFlag = args.indexOf("--runs");
const runs = runsFlag >= 0 ? Number(args[runsFlag + 1]) : 3;
const sizes = args.filter((a, i) => a in SIZES && args[i - 1] !== "--runs");
const formats = args.includes("formats");
const commands = args.includes("commands");
const check = args.includes("check");
const targets = args.includes("targets");
const profile = args.includes("profile");
const log = (text: string) => process.stderr.write(`${text}\n`);

/** `size` bytes that compress like code: a header (an ELF one by default), then this machine's executables' bytes. */
function codeBytes(size: number, seed: number, header = elf({ machine: EM.X86_64 })): Buffer {
  const out = Buffer.alloc(size);
  header.copy(out);
  let done = header.length;
  for (let i = 0; done < size; i++) {
    const source = SOURCES[(seed + i) % SOURCES.length]!;
    const fd = openSync(source, "r");
    try {
      const total = statSync(source).size;
      for (let at = i === 0 ? (seed * 7_340_033) % total : 0; done < size && at < total; ) {
        const n = readSync(fd, out, done, Math.min(size - done, total - at), at);
        done += n;
        at += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  return out;
}

async function fixture(size: string): Promise<string> {
  const dir = path.join(ROOT, "fixtures", size);
  const archive = path.join(dir, "toondb-0.3.2-x86_64-unknown-linux-gnu.tar.gz");
  if (existsSync(archive)) return archive;
  log(`making the ${size} fixture (${SIZES[size]} MiB of binaries)`);
  mkdirSync(dir, { recursive: true });
  const files: FixtureFile[] = SHARES.map(([p, share, mode], i) => ({
    path: `toondb-0.3.2-x86_64-unknown-linux-gnu/${p}`,
    content: codeBytes(Math.round(SIZES[size]! * 1048576 * share), i + 1),
    mode,
  }));
  writeFileSync(`${archive}.tmp`, await packTarGz(files));
  cpSync(`${archive}.tmp`, archive);
  rmSync(`${archive}.tmp`);
  return archive;
}

/** The L fixture's tar compressed by `command` (reading stdin), as the asset `name`, made once. */
async function formatFixture(name: string, command: string): Promise<string> {
  const dir = path.join(ROOT, "fixtures", "L-formats");
  const asset = path.join(dir, name);
  const tarGz = await fixture("L");
  if (existsSync(asset) && statSync(asset).mtimeMs >= statSync(tarGz).mtimeMs) return asset;
  log(`making ${name} (${command})`);
  mkdirSync(dir, { recursive: true });
  await execa("sh", ["-c", `gzip -dc "${tarGz}" | ${command} > "${asset}.tmp" && mv "${asset}.tmp" "${asset}"`]);
  return asset;
}

/** Runs `command` under /usr/bin/time; `wheel` is the size of the `wheels` wheels it must leave in `out`. */
async function timed(command: string[], cwd: string, env: Record<string, string>, out: string, expected = 1): Promise<Sample> {
  rmSync(out, { recursive: true, force: true });
  const r = await execa("/usr/bin/time", ["-f", "%e %U %S %M", ...command], { cwd, env: { ...pipEnv(), ...env }, reject: false, all: true });
  if (r.exitCode !== 0) throw new Error(`${command.join(" ")} failed:\n${r.all}`);
  const [wall, user, sys, kib] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number) as [number, number, number, number];
  const wheels = readdirSync(out).filter((f) => f.endsWith(".whl"));
  if (wheels.length !== expected) throw new Error(`${command.join(" ")} left ${wheels.length} wheels`);
  return { wall, cpu: user + sys, peak: kib / 1024, wheel: wheels.reduce((sum, w) => sum + statSync(path.join(out, w)).size, 0) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface NodeBinary { version: number[]; label: string; path: string }

/** This Node, BINWHEEL_NODE and the Nodes .ci/run caches, one per version, oldest first. */
function nodeBinaries(): NodeBinary[] {
  const ci = path.join(process.env["XDG_CACHE_HOME"] || path.join(homedir(), ".cache"), "binwheel-ci");
  const candidates = [process.execPath, process.env["BINWHEEL_NODE"], ...(existsSync(ci) ? readdirSync(ci).map((d) => path.join(ci, d, "package/bin/node")) : [])];
  const found = new Map<string, NodeBinary>();
  for (const candidate of candidates) {
    if (!candidate || !existsSync(candidate)) continue;
    const label = execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim().slice(1);
    if (!found.has(label)) found.set(label, { version: label.split(".").map(Number), label, path: candidate });
  }
  return [...found.values()].sort((a, b) => a.version[0]! - b.version[0]! || a.version[1]! - b.version[1]! || a.version[2]! - b.version[2]!);
}

/** Node reads NODE_COMPILE_CACHE from 22.1 on. */
const hasCompileCache = (node: NodeBinary) => node.version[0]! > 22 || (node.version[0] === 22 && node.version[1]! >= 1);

/** Start-up on each Node, in paired rounds: `node -e 0`, the core's --version, and that with a compile cache hit. */
function startupRows(nodes: NodeBinary[], work: string): string[] {
  const core = path.join(REPO, "python_shim/binwheel/_core.mjs");
  const seconds = (node: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const start = performance.now();
    const r = spawnSync(node, args, { env, stdio: "ignore" });
    if (r.status !== 0) throw new Error(`${node} ${args.join(" ")} failed`);
    return (performance.now() - start) / 1000;
  };
  const rounds = 20;
  const rows = nodes.map((node) => {
    const cached = { ...process.env, NODE_COMPILE_CACHE: path.join(work, "compile-cache") };
    seconds(node.path, [core, "--version"], cached); // fills the cache
    const bare: number[] = [], plain: number[] = [], hit: number[] = [], ratio: number[] = [];
    for (let i = 0; i < rounds; i++) {
      bare.push(seconds(node.path, ["-e", "0"]));
      plain.push(seconds(node.path, [core, "--version"]));
      if (hasCompileCache(node)) {
        hit.push(seconds(node.path, [core, "--version"], cached));
        ratio.push(hit[i]! / plain[i]!);
      }
    }
    const withCache = hit.length ? `${median(hit).toFixed(3)} | ${median(ratio).toFixed(2)} (${Math.min(...ratio).toFixed(2)}-${Math.max(...ratio).toFixed(2)})` : "- | -";
    return `| ${node.label} | ${median(bare).toFixed(3)} | ${median(plain).toFixed(3)} | ${withCache} |`;
  });
  return [
    `### Start-up on each Node, ${rounds} paired runs (seconds, medians)`,
    "",
    "| Node | `node -e 0` | `node _core.mjs --version` | the same, compile cache hit | paired ratio hit / none, median (min-max) |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ];
}

async function setup(): Promise<{ python: string; maturin: boolean }> {
  const venv = path.join(ROOT, "venv");
  const python = path.join(venv, "bin", "python");
  if (!existsSync(python)) {
    log("creating the bench venv (build, hatchling, maturin)");
    await execa("python3", ["-m", "venv", venv]);
    await execa(python, ["-m", "pip", "install", "-q", "build", "hatchling"], { env: pipEnv() });
    await execa(python, ["-m", "pip", "install", "-q", "maturin"], { env: pipEnv(), reject: false });
  }
  const links = path.join(ROOT, "links");
  rmSync(links, { recursive: true, force: true });
  await buildShimWheel(links);
  await execa(python, ["-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", "--no-index", "--find-links", links, "binwheel"], { env: pipEnv() });
  const maturin = (await execa(path.join(venv, "bin", "maturin"), ["--version"], { reject: false })).exitCode === 0;
  return { python, maturin };
}

async function main(): Promise<void> {
  // The check rows need none of the build fixtures (nor the shared folders they use).
  if (check && !sizes.length && !formats && !commands) {
    process.stdout.write(`${(await checkRows()).join("\n")}\n`);
    return;
  }
  const { python, maturin } = await setup();
  const work = path.join(ROOT, "work");
  rmSync(work, { recursive: true, force: true });
  const binwheelProject = assembleExampleProject(path.join(work, "binwheel"));
  // The fixtures keep bin/ and lib/ under one top folder, as the incumbents' scripts expect.
  const examplePyproject = path.join(binwheelProject, "pyproject.toml");
  writeFileSync(examplePyproject, readFileSync(examplePyproject, "utf8").replace('from = "toondb-*"', 'from = "bin/*"').replace('from = "*toondb_*"', 'from = "lib/*"'));
  const hatchProject = path.join(work, "hatchling");
  cpSync(path.join(REPO, "bench/incumbents/hatchling"), hatchProject, { recursive: true });
  cpSync(path.join(REPO, "examples/toondb-sdk/toondb"), path.join(hatchProject, "toondb"), { recursive: true });
  const floorProject = path.join(work, "floor");
  cpSync(path.join(REPO, "bench/incumbents/floor"), floorProject, { recursive: true });
  const maturinProject = path.join(work, "maturin");
  cpSync(path.join(REPO, "bench/incumbents/maturin"), maturinProject, { recursive: true });
  cpSync(path.join(REPO, "examples/toondb-sdk/toondb"), path.join(maturinProject, "python/toondb"), { recursive: true });
  const bin = path.dirname(python);
  const lines: string[] = [];

  const nodes = nodeBinaries();
  log(`start-up on ${nodes.map((n) => `Node ${n.label}`).join(", ")}`);
  lines.push(...startupRows(nodes, work));
  const defaultRun = !sizes.length && !formats && !commands && !check && !targets && !profile;
  if (commands || defaultRun) lines.push(...(await commandStartup(ROOT, 200, log)));
  if (check || defaultRun) lines.push(...(await checkRows()));
  const self = nodes.find((n) => n.path === process.execPath)!;

  for (const size of defaultRun ? ["S", "M", "L"] : profile && !sizes.length ? ["L"] : sizes) {
    const archive = await fixture(size);
    const assetDir = path.dirname(archive);
    const out = (name: string) => path.join(work, `out-${name}`);
    const cold = (node: NodeBinary, extra: Record<string, string> = {}) => {
      const cache = path.join(work, "cold-cache");
      rmSync(cache, { recursive: true, force: true });
      return timed([python, "-m", "build", "--wheel", "--no-isolation", "--outdir", out("bw"), binwheelProject], work,
        { PATH: `${bin}:${process.env["PATH"]}`, BINWHEEL_NODE: node.path, BINWHEEL_ASSET_DIR: assetDir, BINWHEEL_CACHE_DIR: cache, ...extra }, out("bw"));
    };
    if (profile) {
      for (const node of nodes) {
        log(`${size}: profiling the cold build on Node ${node.label}`);
        lines.push(...(await profileRows(`${size} (${SIZES[size]} MiB of binaries), cold, Node ${node.label}`, runs, work, (env) => cold(node, env))));
      }
      continue;
    }
    const contenders: [string, () => Promise<Sample>][] = [
      // The shim would take the newest node on PATH: each row names its Node.
      ...nodes.map((node): [string, () => Promise<Sample>] => [node === self ? "binwheel (cold)" : `binwheel (cold), Node ${node.label}`, () => cold(node)]),
      ["binwheel (warm)", () => timed([python, "-m", "build", "--wheel", "--no-isolation", "--outdir", out("bww"), binwheelProject], work,
        { PATH: `${bin}:${process.env["PATH"]}`, BINWHEEL_NODE: self.path, BINWHEEL_ASSET_DIR: assetDir, BINWHEEL_CACHE_DIR: path.join(work, `warm-cache-${size}`) }, out("bww"))],
      ["hatchling (build hook)", () => timed([python, "-m", "build", "--wheel", "--no-isolation", "--outdir", out("hatch"), hatchProject], work,
        { PATH: `${bin}:${process.env["PATH"]}`, TOONDB_ARCHIVE: archive }, out("hatch"))],
      ["floor: python -m build, no-op backend", () => timed([python, "-m", "build", "--wheel", "--no-isolation", "--outdir", out("floor"), floorProject], work,
        { PATH: `${bin}:${process.env["PATH"]}` }, out("floor"))],
      ["direct script (zipfile)", () => timed([python, path.join(REPO, "bench/incumbents/direct.py"), archive, path.join(REPO, "examples/toondb-sdk"), out("direct")], work, {}, out("direct"))],
      ...(maturin ? [["maturin (stub crate)", () => timed(["sh", "build.sh"], maturinProject,
        { PATH: `${bin}:${process.env["PATH"]}`, TOONDB_ARCHIVE: archive }, path.join(maturinProject, "dist"))] as [string, () => Promise<Sample>]] : []),
    ];
    log(`${size}: warming up`);
    for (const [, run] of contenders) await run();
    const samples = new Map<string, Sample[]>(contenders.map(([name]) => [name, []]));
    for (let i = 0; i < runs; i++) {
      log(`${size}: run ${i + 1} of ${runs}`);
      for (const [name, run] of contenders) samples.get(name)!.push(await run());
    }
    const get = (name: string) => samples.get(name)!;
    lines.push(
      `### ${size}: ${SIZES[size]} MiB of binaries (${(statSync(archive).size / 1048576).toFixed(1)} MiB archive), ${runs} paired runs`,
      "",
      "| contender | wall s | cpu s | peak RSS MiB | wheel MB |",
      "|---|---|---|---|---|",
      ...contenders.map(([name]) => {
        const s = get(name);
        return `| ${name} | ${median(s.map((x) => x.wall)).toFixed(2)} | ${median(s.map((x) => x.cpu)).toFixed(2)} | ${median(s.map((x) => x.peak)).toFixed(1)} | ${(median(s.map((x) => x.wheel)) / 1e6).toFixed(2)} |`;
      }),
      "",
      "| paired wall ratio | median (min-max) |",
      "|---|---|",
      ...contenders.filter(([name]) => !name.startsWith("binwheel") && !name.startsWith("floor")).flatMap(([name]) =>
        ["binwheel (cold)", "binwheel (warm)"].map((ours) => {
          const ratios = get(ours).map((s, i) => s.wall / get(name)[i]!.wall);
          return `| ${ours} / ${name} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}) |`;
        })),
      ...nodes.filter((node) => node !== self).map((node) => {
        const ratios = get(`binwheel (cold), Node ${node.label}`).map((s, i) => s.wall / get("binwheel (cold)")[i]!.wall);
        return `| binwheel (cold), Node ${node.label} / binwheel (cold) (Node ${self.label}) | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}) |`;
      }),
      "",
    );
  }
  if (formats) lines.push(...(await formatRows(python, bin, work, binwheelProject)));
  if (targets || defaultRun) lines.push(...(await targetRows({ root: ROOT, runs, log, codeBytes, shares: SHARES, timed, bin, nodes })));
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** Seconds for binwheel's decoder to read `file` whole (the views dropped, as a skipped entry's are). */
async function decodeSeconds(file: string, compression: Compression): Promise<number> {
  const start = performance.now();
  const bad = (why: string): never => {
    throw new Error(`${file}: ${why}`);
  };
  for await (const _ of decompress(file, compression, bad, () => {}));
  return (performance.now() - start) / 1000;
}

async function commandSeconds(command: string): Promise<number> {
  const start = performance.now();
  await execa("sh", ["-c", command]);
  return (performance.now() - start) / 1000;
}

function formatPyproject(triple: string, archive: string): string {
  return benchPyproject(`"${triple}" = { tags = "auto", archive = "${archive}" }`);
}

/** The `formats` rows: decoder throughput against the native tools, and a full build from each asset. */
async function formatRows(python: string, bin: string, work: string, binwheelProject: string): Promise<string[]> {
  const triple = "x86_64-unknown-linux-gnu";
  const name = (suffix: string) => `toondb-0.3.2-${triple}.${suffix}`;
  const gz = await fixture("L");
  const assets: [Compression, string, string][] = [
    ["xz", await formatFixture(name("tar.xz"), "xz -T2 -6"), "xz -T1 -dc"],
    ["zstd", await formatFixture(name("tar.zst"), "zstd -q -T2 -3"), "zstd -T1 -dc"],
    ["gzip", gz, "gzip -dc"],
  ];
  const tarBytes = Number((await execa("sh", ["-c", `gzip -dc "${gz}" | wc -c`])).stdout);
  const mb = (seconds: number) => tarBytes / 1e6 / seconds;
  log("formats: warming up");
  for (const [compression, file] of assets) await decodeSeconds(file, compression);
  const ours = new Map<string, number[]>(assets.map(([c]) => [c, []]));
  const native = new Map<string, number[]>(assets.map(([c]) => [c, []]));
  for (let i = 0; i < runs; i++) {
    log(`formats: decoding, run ${i + 1} of ${runs}`);
    for (const [compression, file, tool] of assets) {
      ours.get(compression)!.push(await decodeSeconds(file, compression));
      native.get(compression)!.push(await commandSeconds(`${tool} "${file}" > /dev/null`));
    }
  }
  // A full cold build from each asset: the example SDK with a pyproject of its own that sets the
  // target's archive and takes bin/* and lib/*, the fixture's layout.
  const builds: [string, () => Promise<Sample>][] = assets.map(([compression, file]) => {
    const suffix = file.slice(file.indexOf(`${triple}.`) + triple.length + 1);
    const project = path.join(work, `binwheel-${compression}`);
    cpSync(binwheelProject, project, { recursive: true });
    writeFileSync(path.join(project, "pyproject.toml"), formatPyproject(triple, suffix));
    const out = path.join(work, `out-${compression}`);
    return [`binwheel (cold), .${suffix}`, () => {
      const cache = path.join(work, "cold-cache");
      rmSync(cache, { recursive: true, force: true });
      return timed([python, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, project], work,
        { PATH: `${bin}:${process.env["PATH"]}`, BINWHEEL_NODE: process.execPath, BINWHEEL_ASSET_DIR: path.dirname(file), BINWHEEL_CACHE_DIR: cache }, out);
    }];
  });
  log("formats: building, warming up");
  for (const [, run] of builds) await run();
  const samples = new Map<string, Sample[]>(builds.map(([label]) => [label, []]));
  for (let i = 0; i < runs; i++) {
    log(`formats: building, run ${i + 1} of ${runs}`);
    for (const [label, run] of builds) samples.get(label)!.push(await run());
  }
  const size = (file: string) => `${(statSync(file).size / 1048576).toFixed(1)} MiB`;
  return [
    `### Formats: the L binaries (${(tarBytes / 1048576).toFixed(0)} MiB tar) as ${assets.map(([c, f]) => `${c} (${size(f)})`).join(", ")}, ${runs} paired runs`,
    "",
    "| decoder | MB/s of output | paired ratio binwheel / native, median (min-max) |",
    "|---|---|---|",
    ...assets.flatMap(([compression, , tool]) => {
      const o = ours.get(compression)!;
      const n = native.get(compression)!;
      const ratios = o.map((s, i) => n[i]! / s);
      return [
        `| binwheel ${compression} (codec.wasm) | ${mb(median(o)).toFixed(0)} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}) |`,
        `| \`${tool}\` | ${mb(median(n)).toFixed(0)} | |`,
      ];
    }),
    "",
    "| contender | wall s | cpu s | peak RSS MiB | wheel MB |",
    "|---|---|---|---|---|",
    ...builds.map(([label]) => {
      const s = samples.get(label)!;
      return `| ${label} | ${median(s.map((x) => x.wall)).toFixed(2)} | ${median(s.map((x) => x.cpu)).toFixed(2)} | ${median(s.map((x) => x.peak)).toFixed(1)} | ${(median(s.map((x) => x.wheel)) / 1e6).toFixed(2)} |`;
    }),
    "",
  ];
}

/** The `check` rows: binwheel check against installer-style verification in Python, and the largest wheel alone. */
async function checkRows(): Promise<string[]> {
  const mirror = mirrorWheels();
  if (!mirror.wheels.length) return [`### check: skipped (${mirror.reason})`, ""];
  const sample = mirror.wheels.filter((_, i) => i % 4 === 0);
  const size = (files: string[]) => files.reduce((n, f) => n + statSync(f).size, 0);
  const sampleMB = size(sample) / 1e6;
  const core = path.join(REPO, "python_shim/binwheel/_core.mjs");
  const run = async (command: string[]): Promise<Omit<Sample, "wheel">> => {
    const r = await execa("/usr/bin/time", ["-f", "%e %U %S %M", ...command], { reject: false, all: true, env: pipEnv() });
    if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`${command.slice(0, 3).join(" ")} failed:\n${r.stderr.slice(-2000)}`);
    const [wall, user, sys, kib] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number) as [number, number, number, number];
    return { wall, cpu: user + sys, peak: kib / 1024 };
  };
  const contenders: [string, () => ReturnType<typeof run>][] = [
    ["binwheel check (2 worker threads)", () => run([process.execPath, core, "check", "--format", "json", "--jobs", "2", ...sample])],
    ["installer-style check in Python (2 processes)", () => run(["python3", path.join(REPO, "bench/incumbents/check.py"), ...sample])],
  ];
  log(`check: ${sample.length} wheels, ${(sampleMB / 1000).toFixed(2)} GB; warming up`);
  for (const [, go] of contenders) await go();
  const samples = new Map<string, Omit<Sample, "wheel">[]>(contenders.map(([name]) => [name, []]));
  for (let i = 0; i < runs; i++) {
    log(`check: run ${i + 1} of ${runs}`);
    for (const [name, go] of contenders) samples.get(name)!.push(await go());
  }
  const largest = mirror.wheels.reduce((a, b) => (statSync(b).size > statSync(a).size ? b : a));
  const largestMB = statSync(largest).size / 1e6;
  log(`check: the largest wheel, ${path.basename(largest)}`);
  const alone: Omit<Sample, "wheel">[] = [];
  for (let i = 0; i < runs; i++) alone.push(await run([process.execPath, core, "check", largest]));
  const row = (name: string, s: Omit<Sample, "wheel">[], mb: number) =>
    `| ${name} | ${median(s.map((x) => x.wall)).toFixed(1)} | ${median(s.map((x) => x.cpu)).toFixed(1)} | ${(mb / median(s.map((x) => x.wall))).toFixed(0)} | ${(mb / median(s.map((x) => x.cpu))).toFixed(0)} | ${median(s.map((x) => x.peak)).toFixed(0)} |`;
  const ours = samples.get(contenders[0]![0])!;
  const theirs = samples.get(contenders[1]![0])!;
  const ratios = ours.map((s, i) => s.wall / theirs[i]!.wall);
  return [
    `### check: every fourth wheel of the mirror (${sample.length} of ${mirror.wheels.length}, ${(sampleMB / 1000).toFixed(2)} GB), ${runs} paired runs; the largest wheel alone`,
    "",
    "| contender | wall s | cpu s | MB/s (wall) | MB/s (per cpu s) | peak RSS MiB |",
    "|---|---|---|---|---|---|",
    ...contenders.map(([name]) => row(name, samples.get(name)!, sampleMB)),
    row(`binwheel check, ${path.basename(largest)} (${largestMB.toFixed(0)} MB)`, alone, largestMB),
    "",
    "| paired wall ratio | median (min-max) |",
    "|---|---|",
    `| binwheel check / installer-style check in Python | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}) |`,
    "",
  ];
}

await main();
