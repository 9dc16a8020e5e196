// `binwheel check FILE...`: one report per file; the release runs it before uploading anything.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkSdist } from "./sdist.js";
import { checkWheel } from "./wheel.js";

export interface CheckResult {
  file: string;
  problems: string[];
}

export async function checkFiles(files: string[]): Promise<CheckResult[]> {
  const scratch = await mkdtemp(path.join(tmpdir(), "binwheel-check-"));
  try {
    const results: CheckResult[] = [];
    for (const file of files) {
      let problems: string[];
      if (file.endsWith(".whl")) problems = await checkWheel(file, scratch);
      else if (file.endsWith(".tar.gz")) problems = await checkSdist(file);
      else problems = ["not a wheel (.whl) or an sdist (.tar.gz)"];
      results.push({ file, problems });
    }
    return results;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export function formatReport(results: CheckResult[]): string {
  return results
    .map((r) => (r.problems.length === 0 ? `ok      ${r.file}\n` : `FAILED  ${r.file}\n${r.problems.map((p) => `        - ${p}\n`).join("")}`))
    .join("");
}
