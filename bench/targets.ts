// The `targets` section of the benchmark: `binwheel build --all-targets` for every target binwheel
// knows (17), each target's asset holding the M fixture's 60 MiB of binaries behind that target's
// own headers (ELF of its machine, Mach-O, PE), so every asset differs and is compressed anew.
// The assets are downloaded from a local GitHub stand-in (test/support/github-standin.ts) into an
// empty cache on every run, so downloads, hashing, decompression and compression all overlap as
// they would in a release job. Beside it: one target alone, and 6 of the 17, to show how the wall
// time and the peak memory grow with the number of targets. Each is run through the `binwheel`
// console script of the bench's venv (the shim picks the Node), in paired runs.
//
// "wall / (cpu / cores)" is 1.00 when every core is busy for the whole run: above it, cores wait
// (for a download, for the slowest build); the goal is at most 1.10.
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GitHubStandIn } from "../test/support/github-standin.js";
import { fixtureLibrary, packTarGz, packZip, type FixtureFile } from "../test/support/fixtures.js";
import { REPO } from "../test/support/project.js";

/** Every target binwheel knows (src/platform/triples.ts). */
export const TRIPLES = [
  "x86_64-unknown-linux-gnu", "i686-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "armv7-unknown-linux-gnueabihf",
  "powerpc64le-unknown-linux-gnu", "s390x-unknown-linux-gnu", "riscv64gc-unknown-linux-gnu", "x86_64-unknown-linux-musl",
  "i686-unknown-linux-musl", "aarch64-unknown-linux-musl", "armv7-unknown-linux-musleabihf", "x86_64-apple-darwin",
  "aarch64-apple-darwin", "universal2-apple-darwin", "x86_64-pc-windows-msvc", "i686-pc-windows-msvc", "aarch64-pc-windows-msvc",
];

export interface Sample { wall: number; cpu: number; peak: number; wheel: number }

export interface TargetsBench {
  root: string;
  runs: number;
  log(text: string): void;
  /** `size` bytes that compress like code, starting with `header`; `seed` picks where the rest comes from. */
  codeBytes(size: number, seed: number, header: Buffer): Buffer;
  /** The M fixture's files: [path, share of the binaries, mode]. */
  shares: [string, number, number][];
  /** Runs `command` under /usr/bin/time, expecting `wheels` wheels in `out`. */
  timed(command: string[], cwd: string, env: Record<string, string>, out: string, wheels: number): Promise<Sample>;
  /** The venv's bin folder (its `binwheel` console script) and the Nodes to run the core on. */
  bin: string;
  nodes: { label: string; path: string }[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Each target's asset, made once: the M fixture's files with that target's headers and names. */
async function assets(b: TargetsBench): Promise<string> {
  // Named by the headers they carry: assets made with older fixture headers are not reused.
  const headers = createHash("sha256").update(Buffer.concat(TRIPLES.map((t) => fixtureLibrary(t)))).digest("hex").slice(0, 12);
  const dir = path.join(b.root, "fixtures", `targets-${headers}`);
  mkdirSync(dir, { recursive: true });
  for (const [t, triple] of TRIPLES.entries()) {
    const windows = triple.includes("windows");
    const name = `toondb-0.3.2-${triple}.${windows ? "zip" : "tar.gz"}`;
    if (existsSync(path.join(dir, name))) continue;
    b.log(`targets: making ${name} (60 MiB of binaries)`);
    const files: FixtureFile[] = b.shares.map(([p, share, mode], i) => ({
      path: `toondb-0.3.2-${triple}/${windows ? p.replace(/^(bin\/.*)$/, "$1.exe").replace(/lib\/lib(.*)\.so$/, "lib/$1.dll") : triple.includes("apple") ? p.replace(/\.so$/, ".dylib") : p}`,
      content: b.codeBytes(Math.round(60 * 1048576 * share), 1 + i + 10 * t, fixtureLibrary(triple)),
      mode,
    }));
    writeFileSync(path.join(dir, `${name}.tmp`), windows ? await packZip(files) : await packTarGz(files));
    renameSync(path.join(dir, `${name}.tmp`), path.join(dir, name));
  }
  return dir;
}

/** The example SDK's project for the benchmark's own assets: `targets`, the lines of its targets table; bin/* and lib/* included. */
export function benchPyproject(targets: string): string {
  return `[build-system]
requires = ["binwheel"]
build-backend = "binwheel"

[project]
name = "toondb-client"
version = "0.3.2"

[tool.binwheel]
packages = ["toondb"]

[tool.binwheel.upstream]
github = "toondb/toondb"
asset = "toondb-{version}-{target}.{archive}"

[tool.binwheel.targets]
${targets}

[[tool.binwheel.include]]
from = "bin/*"
to = "toondb/_bin/{platform}"

[[tool.binwheel.include]]
from = "lib/*"
to = "toondb/lib/{platform}"
`;
}

/** The section's Markdown. */
export async function targetRows(b: TargetsBench): Promise<string[]> {
  const dir = await assets(b);
  const github = await GitHubStandIn.start();
  try {
    github.addRelease({
      owner: "toondb", repo: "toondb", tag: "v0.3.2", immutable: true,
      assets: TRIPLES.map((triple) => {
        const name = `toondb-0.3.2-${triple}.${triple.includes("windows") ? "zip" : "tar.gz"}`;
        return { name, data: { file: path.join(dir, name) } };
      }),
    });
    const work = path.join(b.root, "work", "targets");
    rmSync(work, { recursive: true, force: true });
    const project = (name: string, triples: string[]) => {
      const root = path.join(work, name);
      mkdirSync(root, { recursive: true });
      writeFileSync(path.join(root, "pyproject.toml"), benchPyproject(triples.map((t) => `"${t}" = "auto"`).join("\n")));
      cpSync(path.join(REPO, "examples/toondb-sdk/toondb"), path.join(root, "toondb"), { recursive: true });
      return root;
    };
    const one = project("one", [TRIPLES[0]!]);
    const six = project("six", TRIPLES.filter((_, i) => i % 3 === 0));
    const all = project("all", TRIPLES);
    const cold = path.join(work, "cold-cache");
    const run = (root: string, wheels: number, node: string, args: string[]) => () => {
      rmSync(cold, { recursive: true, force: true });
      const out = path.join(work, "out");
      return b.timed([path.join(b.bin, "binwheel"), "build", root, ...args, "--out-dir", out], work,
        { PATH: `${b.bin}:${process.env["PATH"]}`, BINWHEEL_NODE: node, BINWHEEL_CACHE_DIR: cold, GITHUB_API_URL: github.apiUrl }, out, wheels);
    };
    const self = b.nodes.find((n) => n.path === process.execPath)!;
    const contenders: [string, number, () => Promise<Sample>][] = [
      [`one target (${TRIPLES[0]})`, 1, run(one, 1, self.path, ["--target", TRIPLES[0]!])],
      ["6 targets (--all-targets)", 6, run(six, 6, self.path, ["--all-targets"])],
      ...b.nodes.map((node): [string, number, () => Promise<Sample>] => [
        `${TRIPLES.length} targets (--all-targets)${node === self ? "" : `, Node ${node.label}`}`, TRIPLES.length, run(all, TRIPLES.length, node.path, ["--all-targets"]),
      ]),
    ];
    b.log("targets: warming up");
    for (const [, , go] of contenders) await go();
    const samples = contenders.map(() => [] as Sample[]);
    for (let i = 0; i < b.runs; i++) {
      b.log(`targets: run ${i + 1} of ${b.runs}`);
      for (const [k, [, , go]] of contenders.entries()) samples[k]!.push(await go());
    }
    const cores = availableParallelism();
    const oneWall = samples[0]!.map((s) => s.wall);
    return [
      `### Every target at once: ${TRIPLES.length} targets of 60 MiB of binaries each (the M fixture), downloaded into an empty cache, ${b.runs} paired runs`,
      "",
      `| build | wall s | cpu s | wall / (cpu / ${cores} cores) | x one target's wall (paired) | peak RSS MiB | wheels MB |`,
      "|---|---|---|---|---|---|---|",
      ...contenders.map(([label], k) => {
        const s = samples[k]!;
        const efficiency = s.map((x) => x.wall / (x.cpu / cores));
        const perOne = s.map((x, i) => x.wall / oneWall[i]!);
        return `| ${label} | ${median(s.map((x) => x.wall)).toFixed(2)} | ${median(s.map((x) => x.cpu)).toFixed(2)} | ${median(efficiency).toFixed(2)} (${Math.min(...efficiency).toFixed(2)}-${Math.max(...efficiency).toFixed(2)}) | ${median(perOne).toFixed(2)} | ${median(s.map((x) => x.peak)).toFixed(1)} | ${(median(s.map((x) => x.wheel)) / 1e6).toFixed(1)} |`;
      }),
      "",
    ];
  } finally {
    await github.close();
  }
}
