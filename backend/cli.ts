// The `binwheel` command (npm bin, `python -m binwheel` and the Python package's console script).
import { fail } from "../src/errors.js";
import { VERSION } from "../src/version.js";
import { buildCommand } from "./commands/build.js";
import { cacheCommand } from "./commands/cache.js";
import { checkCommand } from "./commands/check.js";
import { initCiCommand } from "./commands/init-ci.js";
import { initCommand } from "./commands/init.js";
import { lockCommand } from "./commands/lock.js";
import { releaseCommand } from "./commands/release.js";
import { targetsCommand } from "./commands/targets.js";

const USAGE = `usage: binwheel <command> [options]

commands:
  build [DIR]      build this machine's wheel (or --target's, or --all-targets') into --out-dir
                     --target <triple>            a target from [tool.binwheel.targets] (repeatable)
                     --all-targets                every configured target, two at a time
                     --sdist                      also build the sdist
                     --upstream-version <version> the upstream release to take binaries from
                     --offline                    use only the download cache (or BINWHEEL_ASSET_DIR)
                     --locked                     build only what binwheel.lock covers
                     --out-dir <dir>              where to write (default: DIR/dist)
                     --verbose                    list every file copied and where it went
  release [DIR]    build and check everything, then make the GitHub release: draft, uploads, publish
                     --repo <owner/name>          the SDK's repository (default: GITHUB_REPOSITORY)
                     --dry-run                    build, check and print the plan; write nothing
                     --from <dir>                 release the distributions in <dir> instead of building
                     --draft                      stop at a complete draft (publish with a later run)
                     --index-url <url>            the package index to check first (default: BINWHEEL_INDEX_URL,
                                                  else https://pypi.org; "none": do not ask)
                     --max-file-size <size>       the index's limit per file (default 100MiB, PyPI's)
                     --upstream-version, --out-dir, --offline, --locked, --verbose as for build
  lock [DIR]       fetch and verify every target's asset, and write binwheel.lock: what builds must use
                     --upstream-version <version> move the lock to this upstream release
                     --offline                    use only the download cache (or BINWHEEL_ASSET_DIR)
  check FILE...    check wheels and sdists as PyPI and installers would; non-zero on any problem
  targets [DIR]    print each configured target: its asset, its tags, where files go
                     --fetch                      download the assets and derive the tags now
  init [DIR]       write pyproject.toml for a release's binaries: --github OWNER/REPO, --gitlab GROUP/PROJECT
                   or --from-dir FOLDER [--url URL]; --tag, --name, --force (binwheel init --help)
  init-ci [DIR]    write .github/workflows/release.yml, a release workflow for this project
  cache dir        print the download cache's folder
  cache clean      delete the download cache

options:
  --help       show this help
  --version    show binwheel's version

As a PEP 517 backend: set build-backend = "binwheel" in pyproject.toml and use pip, build or uv.`;

/** Each command returns its exit code, or nothing for 0; failures throw. */
const COMMANDS: Record<string, (args: string[]) => Promise<number | void>> = {
  build: buildCommand,
  release: releaseCommand,
  check: checkCommand,
  targets: targetsCommand,
  lock: lockCommand,
  init: initCommand,
  "init-ci": initCiCommand,
  cache: cacheCommand,
};

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === "--version" || command === "-V") {
    process.stdout.write(`binwheel ${VERSION}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) fail(`unknown command "${command}". Run "binwheel --help" for the list of commands.`);
  return (await run(rest)) ?? 0;
}
