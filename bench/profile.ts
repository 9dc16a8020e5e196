// The `profile` section of the benchmark: where a cold build's time goes. The build runs as the
// "binwheel (cold)" row does (python -m build, an empty cache, the asset from BINWHEEL_ASSET_DIR)
// with BINWHEEL_PROFILE set, so the core appends its per-stage times (src/profile.ts) to a file;
// the table gives each stage's median over the runs. Phases are wall time on the main thread;
// the main thread's stages inside the archive phase are its work (inflate, hashing, compressing
// blocks no worker was free for) and its waits; the workers' line is the time they spent
// compressing; the CPU lines come from /proc at exit (the main thread, and the process).
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";

interface Line {
  wallMs: number;
  userMs: number;
  systemMs: number;
  mainActiveMs: number;
  maxRssMiB: number;
  threads: number[];
  threadsBeforeWorkersEnd?: number[];
  stages: Record<string, { ms: number; count: number; maxRssMiB?: number }>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Runs `build` (a cold build with the given extra environment) `runs` times with BINWHEEL_PROFILE
 * and returns the Markdown table of `label`.
 */
export async function profileRows(label: string, runs: number, work: string, build: (env: Record<string, string>) => Promise<unknown>): Promise<string[]> {
  const lines: Line[] = [];
  for (let i = 0; i < runs; i++) {
    const file = path.join(work, "profile.jsonl");
    rmSync(file, { force: true });
    await build({ BINWHEEL_PROFILE: file });
    // One line per core process (python -m build runs more than one hook): the build is the longest.
    const runs = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Line);
    lines.push(runs.reduce((a, b) => (b.wallMs > a.wallMs ? b : a)));
  }
  const names = [...new Set(lines.flatMap((l) => Object.keys(l.stages)))];
  const stage = (name: string) => {
    const ms = median(lines.map((l) => l.stages[name]?.ms ?? 0));
    const count = median(lines.map((l) => l.stages[name]?.count ?? 0));
    const rss = lines.map((l) => l.stages[name]?.maxRssMiB).filter((r): r is number => r !== undefined);
    return `| ${name} | ${ms.toFixed(0)} | ${count} | ${rss.length ? median(rss).toFixed(1) : ""} |`;
  };
  const phases = names.filter((n) => n.startsWith("phase: "));
  const workers = names.filter((n) => n.includes("(workers)"));
  const main = names.filter((n) => !phases.includes(n) && !workers.includes(n));
  const row = (name: string, values: number[]) => `| ${name} | ${median(values).toFixed(0)} | | |`;
  return [
    `### Where the time goes: ${label}, median of ${runs} runs (\`npm run bench -- profile\`)`,
    "",
    "| stage | ms | count | peak RSS so far, MiB |",
    "|---|---|---|---|",
    ...phases.map(stage),
    ...main.map(stage),
    ...workers.map(stage),
    row("process: wall", lines.map((l) => l.wallMs)),
    row("process: CPU (user + system)", lines.map((l) => l.userMs + l.systemMs)),
    row("main thread: CPU", lines.map((l) => l.threads[0] ?? 0)),
    row("busiest other thread (a deflate worker): CPU", lines.map((l) => (l.threadsBeforeWorkersEnd ?? l.threads)[1] ?? 0)),
    row("main thread: running (not waiting)", lines.map((l) => l.mainActiveMs)),
    `| process: peak RSS | | | ${median(lines.map((l) => l.maxRssMiB)).toFixed(1)} |`,
    "",
  ];
}
