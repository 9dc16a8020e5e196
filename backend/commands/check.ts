// `binwheel check FILE...`: a report per file; exit code 1 on any problem.
import path from "node:path";
import { checkFiles, formatReport } from "../../src/check/check.js";
import { command } from "../args.js";

export const check = command({
  name: "check",
  summary: "check wheels and sdists as PyPI and installers would; exit code 1 on any problem",
  args: { usage: "FILE...", min: 1, max: Infinity },
  flags: {},
  async run(_, files) {
    const results = await checkFiles(files.map((f) => path.resolve(f)));
    process.stdout.write(formatReport(results));
    return results.some((r) => r.problems.length) ? 1 : 0;
  },
});
