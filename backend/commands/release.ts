// `binwheel release`: build, check, then the GitHub release (see src/release/release.ts).
import path from "node:path";
import { fail } from "../../src/errors.js";
import { DEFAULT_INDEX_URL, DEFAULT_MAX_FILE_SIZE, checkedIndexUrl } from "../../src/release/pypi.js";
import { release as runRelease } from "../../src/release/release.js";
import { BUILD_FLAGS, PROJECT_DIR, buildOptions, command, projectDir } from "../args.js";

export const release = command({
  name: "release",
  summary: "build and check everything, then make the GitHub release: draft, uploads, publish",
  details: "Every wheel and the sdist are built (or taken from --from) and checked before anything is uploaded; the index (PyPI) is asked whether the version and files are new.",
  args: PROJECT_DIR,
  flags: {
    repo: { type: "string", value: "owner/name", help: "the SDK's repository (default: GITHUB_REPOSITORY)" },
    "dry-run": { type: "boolean", help: "build, check and print the plan; write nothing" },
    from: { type: "string", value: "dir", help: "release the distributions in <dir> instead of building" },
    draft: { type: "boolean", help: "stop at a complete draft (publish with a later run)" },
    "index-url": { type: "string", value: "url", help: "the package index to check first (default: BINWHEEL_INDEX_URL, else https://pypi.org; \"none\": do not ask)" },
    "max-file-size": { type: "string", value: "size", help: "the index's limit per file (default 100MiB, PyPI's)" },
    "out-dir": { type: "string", value: "dir", help: "where to build (default: DIR/dist)" },
    ...BUILD_FLAGS,
  },
  async run(values, positionals) {
    const dir = projectDir(positionals);
    const repo = values.repo ?? process.env["GITHUB_REPOSITORY"];
    if (!repo) fail("binwheel release needs --repo owner/name (the SDK's repository; GITHUB_REPOSITORY is used when set).");
    const indexUrl = checkedIndexUrl(values["index-url"] ?? process.env["BINWHEEL_INDEX_URL"] ?? DEFAULT_INDEX_URL, values["index-url"] !== undefined ? "--index-url" : "BINWHEEL_INDEX_URL");
    await runRelease({
      projectDir: dir,
      repo,
      outDir: path.resolve(values["out-dir"] ?? path.join(dir, "dist")),
      options: buildOptions(values),
      env: process.env,
      dryRun: values["dry-run"] ?? false,
      ...(values.from && { from: values.from }),
      draft: values.draft ?? false,
      ...(indexUrl !== undefined && { index: { url: indexUrl, maxFileSize: fileSize(values["max-file-size"]) } }),
    });
  },
});

const UNITS: Record<string, number> = { "": 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30 };

/** --max-file-size: bytes, or a number with KB/MB/GB (powers of 1000) or KiB/MiB/GiB (of 1024). */
function fileSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_FILE_SIZE;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B)?\s*$/i.exec(value);
  const bytes = m ? Math.floor(Number(m[1]) * UNITS[(m[2] ?? "").toUpperCase()]!) : NaN;
  if (!(bytes > 0)) fail(`--max-file-size "${value}" is not a size; give bytes or a number with a unit, e.g. 200MiB (PyPI's default limit is 100 MiB per file).`);
  return bytes;
}
