// `binwheel release`: build, check, then the GitHub release (see src/release/release.ts).
import path from "node:path";
import { fail } from "../../src/errors.js";
import { DEFAULT_INDEX_URL, DEFAULT_MAX_FILE_SIZE, checkedIndexUrl } from "../../src/release/pypi.js";
import { release } from "../../src/release/release.js";
import { buildOptions, parse } from "../args.js";

export async function releaseCommand(args: string[]): Promise<void> {
  const { values, projectDir } = parse("release", args, {
    repo: { type: "string" },
    "upstream-version": { type: "string" },
    "dry-run": { type: "boolean" },
    "out-dir": { type: "string" },
    from: { type: "string" },
    draft: { type: "boolean" },
    "index-url": { type: "string" },
    "max-file-size": { type: "string" },
    offline: { type: "boolean" },
    locked: { type: "boolean" },
    verbose: { type: "boolean" },
  });
  const repo = values.repo ?? process.env["GITHUB_REPOSITORY"];
  if (!repo) fail("binwheel release needs --repo owner/name (the SDK's repository; GITHUB_REPOSITORY is used when set).");
  const indexUrl = checkedIndexUrl(values["index-url"] ?? process.env["BINWHEEL_INDEX_URL"] ?? DEFAULT_INDEX_URL, values["index-url"] !== undefined ? "--index-url" : "BINWHEEL_INDEX_URL");
  await release({
    projectDir,
    repo,
    outDir: path.resolve(values["out-dir"] ?? path.join(projectDir, "dist")),
    options: buildOptions(values),
    env: process.env,
    dryRun: values["dry-run"] ?? false,
    ...(values.from && { from: values.from }),
    draft: values.draft ?? false,
    ...(indexUrl !== undefined && { index: { url: indexUrl, maxFileSize: fileSize(values["max-file-size"]) } }),
  });
}

const UNITS: Record<string, number> = { "": 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30 };

/** --max-file-size: bytes, or a number with KB/MB/GB (powers of 1000) or KiB/MiB/GiB (of 1024). */
function fileSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_FILE_SIZE;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B)?\s*$/i.exec(value);
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[(m[2] ?? "").toUpperCase()]!) : NaN;
  if (!(bytes > 0)) fail(`--max-file-size "${value}" is not a size; give bytes or a number with a unit, e.g. 200MiB (PyPI's default limit is 100 MiB per file).`);
  return bytes;
}
