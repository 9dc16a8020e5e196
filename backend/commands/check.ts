// `binwheel check [--select CODE] [--ignore CODE] [--strict] [--format text|json] [--jobs N] FILE...`:
// a report per file; exit 0 when nothing fails, 1 when a file fails (an error, or a warning under
// --strict), 2 on a usage error.
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { checkFiles, failed, kindOf, selection, type CheckOptions } from "../../src/check/check.js";
import { checkInWorkers } from "../../src/check/pool.js";
import { formatJson, formatText } from "../../src/check/report.js";
import { BinwheelError } from "../../src/errors.js";
import { shown } from "../../src/log.js";

/** Returns the exit code. */
export async function checkCommand(args: string[]): Promise<number> {
  let request: { files: string[]; options: CheckOptions; format: "text" | "json"; jobs: number };
  try {
    request = parseRequest(args);
  } catch (e) {
    if (!(e instanceof BinwheelError)) throw e;
    process.stderr.write(`${shown(`binwheel: error: ${e.message}`)}\n`);
    return 2;
  }
  const { files, options, format, jobs } = request;
  // Worker threads run this same bundled file (backend/main.ts serves them).
  const reports = jobs > 1 ? await checkInWorkers(files, options, new URL(import.meta.url), jobs) : await checkFiles(files, options);
  process.stdout.write(format === "json" ? formatJson(reports, options.strict) : formatText(reports, options.strict));
  return reports.some((r) => failed(r, options.strict)) ? 1 : 0;
}

/** The command line, validated: any problem is a usage error (a BinwheelError). */
function parseRequest(args: string[]): { files: string[]; options: CheckOptions; format: "text" | "json"; jobs: number } {
  const usage = (message: string): never => {
    throw new BinwheelError(`${message} Usage: binwheel check [--select CODE] [--ignore CODE] [--strict] [--format text|json] [--jobs N] FILE...`);
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        select: { type: "string", multiple: true },
        ignore: { type: "string", multiple: true },
        strict: { type: "boolean" },
        format: { type: "string" },
        jobs: { type: "string" },
      },
    });
  } catch (e) {
    return usage(`${(e as Error).message}.`);
  }
  const { values, positionals } = parsed;
  // Like ruff's, --select and --ignore take comma-separated lists and may be repeated.
  const list = (given: string[] | undefined) => (given ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  const options: CheckOptions = { select: list(values.select), ignore: list(values.ignore), strict: values.strict ?? false };
  selection(options);
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") usage(`--format is "text" or "json", not "${format}".`);
  if (positionals.length === 0) usage("binwheel check needs at least one wheel or sdist to check.");
  const files = positionals.map((f) => path.resolve(f));
  for (const file of files) {
    if (!kindOf(file)) usage(`${file} is not a wheel (.whl) or an sdist (.tar.gz).`);
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {
      // reported below
    }
    if (!isFile) usage(`${file} does not exist or is not a file.`);
  }
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) usage(`--jobs is a whole number from 1, not "${values.jobs}".`);
  return { files, options, format: format as "text" | "json", jobs: Math.min(jobs, files.length) };
}
