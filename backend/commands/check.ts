// `binwheel check [--select CODE] [--ignore CODE] [--strict] [--format text|json] [--jobs N] FILE...`:
// a report per file; exit 0 when nothing fails, 1 when a file fails (an error, or a warning under
// --strict), 2 on a usage error.
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { checkFiles, failed, kindOf, selection, type CheckOptions } from "../../src/check/check.js";
import { checkInWorkers } from "../../src/check/pool.js";
import { formatJson, formatText } from "../../src/check/report.js";
import { usage } from "../../src/errors.js";
import { command } from "../args.js";

export const check = command({
  name: "check",
  summary: "check wheels and sdists as PyPI and installers would; exit code 1 on errors",
  details:
    "Each finding has a code (BW...), a severity and the rule it comes from (docs/reference/check.md). " +
    "Errors are what PyPI refuses or what pip, uv or installer would fail on or install wrongly; warnings are legal but risky. " +
    "Exit 0 when no file has an error (warnings only), 1 when one has, 2 on a usage error.",
  args: { usage: "FILE...", min: 1, max: Infinity },
  flags: {
    select: { type: "string", multiple: true, value: "codes", help: "report only these codes or prefixes (comma-separated, e.g. BW2,BW401)" },
    ignore: { type: "string", multiple: true, value: "codes", help: "never report these codes or prefixes (comma-separated)" },
    strict: { type: "boolean", help: "warnings fail too (exit 1)" },
    format: { type: "string", value: "format", choices: ["text", "json"], help: "text (default) or json, a stable machine-readable report" },
    jobs: { type: "string", value: "n", help: "files checked at once (default: one per core)" },
  },
  async run(values, positionals) {
    // Like ruff's, --select and --ignore take comma-separated lists and may be repeated.
    const list = (given: string[] | undefined) => (given ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
    const options: CheckOptions = { select: list(values.select), ignore: list(values.ignore), strict: values.strict ?? false };
    selection(options);
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
    const workers = Math.min(jobs, files.length);
    // Worker threads run this same bundled file (backend/main.ts serves them).
    const reports = workers > 1 ? await checkInWorkers(files, options, new URL(import.meta.url), workers) : await checkFiles(files, options);
    process.stdout.write(values.format === "json" ? formatJson(reports, options.strict) : formatText(reports, options.strict));
    return reports.some((r) => failed(r, options.strict)) ? 1 : 0;
  },
});
