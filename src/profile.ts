// Where a build's time goes, for performance work: with BINWHEEL_PROFILE=<file> (read by
// backend/main.ts), each stage's time is summed here and one JSON line per process is appended
// to the file at exit (`npm run bench -- profile` prints it as a table). Stages on this thread
// are timed around their synchronous work (CPU time, in effect); stages that wait (for workers,
// for the disk) are timed around the await; the deflate workers report their own busy time.
// Off (the default), recording is one comparison.
import { appendFileSync, readFileSync, readdirSync } from "node:fs";
import { performance } from "node:perf_hooks";

let stages: Map<string, { ms: number; count: number; maxRssMiB?: number }> | undefined;
/** Each thread's CPU when the deflate workers were about to end (their CPU is gone at exit). */
let threadsBeforeWorkersEnd: number[] | undefined;

export function startProfile(): void {
  stages = new Map();
}

/** Notes every thread's CPU now: the deflate pool calls it before it ends its workers. */
export function noteThreads(): void {
  if (stages) threadsBeforeWorkersEnd = threadCpu();
}

/** Adds `ms` to `stage`; a "phase: " stage also notes the process's peak memory so far. */
export function record(stage: string, ms: number): void {
  if (!stages) return;
  let s = stages.get(stage);
  if (s) {
    s.ms += ms;
    s.count++;
  } else stages.set(stage, (s = { ms, count: 1 }));
  if (stage.startsWith("phase: ")) s.maxRssMiB = peakRssMiB();
}

/** The process's peak resident memory so far, in MiB to one decimal. */
function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 102.4) / 10;
}

/** Adds the time since `start` (a performance.now()) to `stage`. */
export function spent(stage: string, start: number): void {
  if (stages) record(stage, performance.now() - start);
}

/** Appends this process's figures to `file` as one JSON line. */
export function writeProfile(file: string, command: string): void {
  if (!stages) return;
  const cpu = process.cpuUsage();
  const { idle, active } = performance.eventLoopUtilization();
  const line = {
    command,
    node: process.version,
    /** From the process's start (Node's time origin) to now. */
    wallMs: performance.now(),
    userMs: cpu.user / 1000,
    systemMs: cpu.system / 1000,
    /** This thread's event loop: time spent running code against time spent waiting. */
    mainActiveMs: active,
    mainIdleMs: idle,
    maxRssMiB: peakRssMiB(),
    threads: threadCpu(),
    ...(threadsBeforeWorkersEnd && { threadsBeforeWorkersEnd }),
    stages: Object.fromEntries([...stages].map(([name, s]) => [name, { ...s, ms: Math.round(s.ms * 10) / 10 }])),
  };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/**
 * CPU milliseconds of each of this process's threads (Linux): this thread first, then the others
 * (deflate workers, V8's helpers, libuv's pool: Node names them all "node") by CPU, busiest first.
 */
function threadCpu(): number[] {
  try {
    const ms = (tid: string) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "latin1");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 1/100 s
    };
    const others = readdirSync("/proc/self/task").filter((tid) => tid !== String(process.pid));
    return [ms(String(process.pid)), ...others.map(ms).filter((t) => t > 0).sort((a, b) => b - a)];
  } catch {
    return [];
  }
}
