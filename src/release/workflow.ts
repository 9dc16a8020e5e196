// The release workflow `binwheel init-ci` writes: one Linux job builds every wheel and the sdist
// (nothing is compiled), a matrix installs the right wheel on Linux, macOS and Windows, then the
// GitHub draft, PyPI through trusted publishing (PEP 740 attestations), and publishing the draft
// (research/github.md §5). Dry runs stop after the checks and print the release plan.
// The jobs hold id-token and contents: write, so the file follows GitHub's hardening guide: every
// action is pinned to a commit, and no `${{ }}` is expanded inside a `run:` script (a dispatch
// input would become shell code); values reach scripts only through environment variables.
import type { Project } from "../config/pyproject.js";
import { normalizeName } from "../python/names.js";
import { VERSION } from "../version.js";

/** Every action the workflow uses -> the commit its release tag points to. Change both together. */
export const PINNED_ACTIONS = {
  "actions/checkout": { sha: "08c6903cd8c0fde910a37f88322edcfb5dd907a8", version: "v5.0.0" },
  "actions/setup-python": { sha: "ece7cb06caefa5fff74198d8649806c4678c61a1", version: "v6.3.0" },
  "actions/setup-node": { sha: "a0853c24544627f65ddf259abe73b1d18a591444", version: "v5.0.0" },
  "actions/download-artifact": { sha: "37930b1c2abaa49bbe596cd826c3c89aef350131", version: "v7.0.0" },
  "actions/upload-artifact": { sha: "b7c566a772e6b6bfb58ed0dc250532a479d7789f", version: "v6.0.0" },
  "actions/attest-build-provenance": { sha: "977bb373ede98d70efdf65b84cb5f73e068dcc2a", version: "v3.0.0" },
  // A Docker action whose image on ghcr.io is tagged by commit: the tag's commit, not the tag object.
  "pypa/gh-action-pypi-publish": { sha: "cef221092ed1bacb1cc03d23a2d87d1d172e277b", version: "v1.14.0" },
} as const satisfies Record<string, { sha: string; version: string }>;

const uses = (action: keyof typeof PINNED_ACTIONS) => `uses: ${action}@${PINNED_ACTIONS[action].sha} # ${PINNED_ACTIONS[action].version}`;

export function renderWorkflow(project: Project): string {
  const { metadata, config } = project;
  const pypiName = normalizeName(metadata.name);
  const importName = config.packages[0]?.name ?? pypiName.replace(/-/g, "_");
  // The smoke test runs on every OS: a command every target has, else an import.
  const everywhere = config.scripts.find((s) => s.targets === undefined);
  const smoke = everywhere ? `${everywhere.name} --help` : `python -c "import ${importName}"`;
  const install = [
    `      - ${uses("actions/setup-python")}`,
    '        with: { python-version: "3.12" }',
    `      - ${uses("actions/setup-node")}`,
    "        with: { node-version: 22 }",
    // The binwheel that wrote this workflow, not whatever is newest when it runs.
    `      - run: python -m pip install "binwheel==${VERSION}"`,
  ].join("\n");
  const download = [
    `      - ${uses("actions/download-artifact")}`,
    "        with: { name: dist, path: dist }",
  ].join("\n");
  const checkout = [`      - ${uses("actions/checkout")}`, "        with: { persist-credentials: false }"].join("\n");
  /** A job that runs `binwheel release` on the built files, with write access to the repository. */
  const releaseJob = (id: string, needs: string, condition: string, name: string, flags: string) => `  ${id}:
    needs: ${needs}
${condition ? `    if: ${condition}\n` : ""}    runs-on: ubuntu-latest
    permissions: { contents: write }
    steps:
${checkout}
${install}
${download}
      - name: ${name}
        run: binwheel release --repo "$GITHUB_REPOSITORY" --from dist${flags}
        env: { GH_TOKEN: "\${{ github.token }}" }
`;
  return `# Written by \`binwheel init-ci\`: builds every wheel and the sdist of ${metadata.name}, tests them on
# Linux, macOS and Windows, makes the GitHub release (draft first), publishes to PyPI with trusted
# publishing, then publishes the GitHub release. Each action is pinned to a release's commit, its tag
# in a comment (Dependabot updates both); inputs reach \`run:\` scripts only through \`env:\`.
name: release

on:
  push:
    tags: ["v*"]
  workflow_dispatch:
    inputs:
      version:
        description: "The SDK version to release (must be [project] version)"
        required: false
        type: string
      upstream_version:
        description: "The upstream release to take the binaries from (default: the project's)"
        required: false
        type: string
      dry_run:
        description: "Build, check and show the release plan; publish nothing"
        type: boolean
        default: true

permissions: {}

env:
  UPSTREAM_VERSION: \${{ inputs.upstream_version }}
  DRY_RUN: \${{ github.event_name == 'workflow_dispatch' && inputs.dry_run }}

jobs:
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
      attestations: write
    steps:
${checkout}
${install}
      - name: Build every wheel and the sdist
        run: binwheel build --all-targets --sdist --out-dir dist \${UPSTREAM_VERSION:+--upstream-version "$UPSTREAM_VERSION"}
        env: { GH_TOKEN: "\${{ github.token }}" }
      - name: Check the version
        if: \${{ inputs.version }}
        run: ls dist/*-"$VERSION".tar.gz
        env: { VERSION: "\${{ inputs.version }}" }
      - name: Check every file as PyPI and installers would (warnings fail too)
        run: binwheel check --strict dist/*
      - name: Show the release plan
        if: \${{ env.DRY_RUN == 'true' }}
        run: binwheel release --repo "$GITHUB_REPOSITORY" --from dist --dry-run
        env: { GH_TOKEN: "\${{ github.token }}" }
      - ${uses("actions/attest-build-provenance")}
        if: \${{ env.DRY_RUN != 'true' }}
        with: { subject-path: "dist/*" }
      - ${uses("actions/upload-artifact")}
        with: { name: dist, path: dist/, if-no-files-found: error }

  smoke:
    needs: build
    strategy:
      matrix:
        os: [ubuntu-latest, macos-latest, windows-latest]
    runs-on: \${{ matrix.os }}
    permissions: {}
    steps:
${download}
      - ${uses("actions/setup-python")}
        with: { python-version: "3.12" }
      - name: Install the wheel for this platform
        run: python -m pip install --no-index --find-links dist ${pypiName}
      - run: ${smoke}

${releaseJob("github-draft", "smoke", "\${{ github.event_name == 'push' || !inputs.dry_run }}", "Draft the GitHub release with every file", " --draft")}
  pypi:
    needs: github-draft
    runs-on: ubuntu-latest
    environment:
      name: pypi
      url: https://pypi.org/p/${pypiName}
    permissions:
      id-token: write
    steps:
${download}
      # Trusted publishing (no token); PEP 740 attestations are on by default.
      - ${uses("pypa/gh-action-pypi-publish")}

${releaseJob("github-publish", "pypi", "", "Publish the GitHub release", "")}`;
}
