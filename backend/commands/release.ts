// `binwheel release`: build, check, then the GitHub release (see src/release/release.ts).
import path from "node:path";
import { fail } from "../../src/errors.js";
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
    offline: { type: "boolean" },
    verbose: { type: "boolean" },
  });
  const repo = values.repo ?? process.env["GITHUB_REPOSITORY"];
  if (!repo) fail("binwheel release needs --repo owner/name (the SDK's repository; GITHUB_REPOSITORY is used when set).");
  await release({
    projectDir,
    repo,
    outDir: path.resolve(values["out-dir"] ?? path.join(projectDir, "dist")),
    options: buildOptions(values),
    env: process.env,
    dryRun: values["dry-run"] ?? false,
    ...(values.from && { from: values.from }),
    draft: values.draft ?? false,
  });
}
