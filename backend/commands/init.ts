// `binwheel init`: writes a new project's pyproject.toml and package folder from a release.
import path from "node:path";
import { parseArgs } from "node:util";
import { fail } from "../../src/errors.js";
import { initProject } from "../../src/init/init.js";

export const INIT_HELP = `usage: binwheel init [DIR] (--github OWNER/REPO | --gitlab GROUP/PROJECT) [--tag TAG] [options]
       binwheel init [DIR] --from-dir FOLDER [--github OWNER/REPO | --gitlab GROUP/PROJECT | --url URL] [options]

Writes DIR/pyproject.toml (and DIR/<package>/__init__.py) for a project that ships another
project's release binaries: it reads the release's asset names, recognises the platforms they are
for, chooses the asset template, the per-target vars, the archive kinds and the checksum file,
looks inside the smallest asset for the executables, and prints what it assumed.

  --github OWNER/REPO     a GitHub release (GITHUB_API_URL, GH_TOKEN/GITHUB_TOKEN as for builds)
  --gitlab GROUP/PROJECT  a GitLab release (GITLAB_API_URL, GITLAB_TOKEN/CI_JOB_TOKEN)
  --tag TAG               the release (default: the latest)
  --from-dir FOLDER       read the release's files from FOLDER instead (offline); with --github or
                          --gitlab the configuration names that host, with --url a download site,
                          with neither FOLDER (inside DIR) is a path source
  --url URL               the download site's folder for the files (or a template with {asset});
                          the version in it becomes {version}
  --upstream-version V    the release's version (default: from the tag, the URL or the names)
  --name NAME             the Python project's name (default: the main command's)
  --offline               use only the download cache (or the folder of --from-dir)
  --force                 replace an existing pyproject.toml`;

export async function initCommand(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        github: { type: "string" },
        gitlab: { type: "string" },
        tag: { type: "string" },
        "from-dir": { type: "string" },
        url: { type: "string" },
        "upstream-version": { type: "string" },
        name: { type: "string" },
        offline: { type: "boolean" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    fail(`${(e as Error).message}. Run "binwheel init --help" for the options.`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${INIT_HELP}\n`);
    return;
  }
  if (positionals.length > 1) fail(`binwheel init takes one project folder, got ${positionals.length}.`);
  const lines = await initProject({
    projectDir: path.resolve(positionals[0] ?? "."),
    ...(values.github !== undefined && { github: values.github }),
    ...(values.gitlab !== undefined && { gitlab: values.gitlab }),
    ...(values.tag !== undefined && { tag: values.tag }),
    ...(values["from-dir"] !== undefined && { fromDir: values["from-dir"] }),
    ...(values.url !== undefined && { url: values.url }),
    ...(values["upstream-version"] !== undefined && { upstreamVersion: values["upstream-version"] }),
    ...(values.name !== undefined && { name: values.name }),
    force: values.force ?? false,
    offline: values.offline ?? false,
    env: process.env,
  });
  process.stdout.write(`${lines.join("\n")}\n`);
}
