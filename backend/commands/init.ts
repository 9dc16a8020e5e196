// `binwheel init`: writes a new project's pyproject.toml and package folder from a release.
import { initProject } from "../../src/init/init.js";
import { PROJECT_DIR, command, projectDir } from "../args.js";

export const init = command({
  name: "init",
  summary: "write pyproject.toml and the package folder for a release's binaries",
  details:
    "Reads the release's asset names, recognises the platforms they are for, chooses the asset template, the per-target vars, " +
    "the archive kinds and the checksum file, looks inside the smallest asset for the executables, and prints what it assumed. " +
    "Give the release with --github or --gitlab (and --tag), or its files with --from-dir (offline).",
  args: PROJECT_DIR,
  flags: {
    github: { type: "string", value: "owner/repo", help: "a GitHub release (GITHUB_API_URL, GH_TOKEN/GITHUB_TOKEN as for builds)" },
    gitlab: { type: "string", value: "group/project", help: "a GitLab release (GITLAB_API_URL, GITLAB_TOKEN/CI_JOB_TOKEN)" },
    tag: { type: "string", value: "tag", help: "the release (default: the latest)" },
    "from-dir": { type: "string", value: "folder", help: "read the release's files from a folder instead (offline); with --github, --gitlab or --url the configuration names that source, else the folder (inside DIR) is a path source" },
    url: { type: "string", value: "url", help: "the download site's folder for the files (or a template with {asset}); the version in it becomes {version}" },
    "upstream-version": { type: "string", value: "version", help: "the release's version (default: from the tag, the URL or the names)" },
    name: { type: "string", value: "name", help: "the Python project's name (default: the main command's)" },
    offline: { type: "boolean", help: "use only the download cache (or the folder of --from-dir)" },
    force: { type: "boolean", help: "replace an existing pyproject.toml" },
  },
  async run(values, positionals) {
    const lines = await initProject({
      projectDir: projectDir(positionals),
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
  },
});
