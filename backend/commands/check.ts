// `binwheel check FILE...`: a report per file; exit code 1 on any problem.
import path from "node:path";
import { checkFiles, formatReport } from "../../src/check/check.js";
import { fail } from "../../src/errors.js";

/** Returns the exit code: 1 when any file has a problem. */
export async function checkCommand(files: string[]): Promise<number> {
  if (files.length === 0) fail("binwheel check needs at least one wheel or sdist to check.");
  const results = await checkFiles(files.map((f) => path.resolve(f)));
  process.stdout.write(formatReport(results));
  return results.some((r) => r.problems.length) ? 1 : 0;
}
