// The release workflow `binwheel init-ci` writes: one Linux job builds every wheel and the sdist
// (nothing is compiled), a matrix installs the right wheel on Linux, macOS and Windows, then the
// GitHub draft, PyPI through trusted publishing (PEP 740 attestations), and publishing the draft
// (research/github.md §5). Dry runs stop after the checks and print the release plan.
import type { Project } from "../config/pyproject.js";
import { normalizeName } from "../names.js";

export function renderWorkflow(project: Project): string {
  const { metadata, config } = project;
  const pypiName = normalizeName(metadata.name);
  const importName = config.packages[0]?.name ?? pypiName.replace(/-/g, "_");
  const smoke = config.scripts[0] ? `${config.scripts[0][0]} --help` : `python -c "import ${importName}"`;
  const install = [
    "      - uses: actions/setup-python@v6",
    '        with: { python-version: "3.12" }',
    "      - uses: actions/setup-node@v5",
    "        with: { node-version: 22 }",
    "      - run: python -m pip install binwheel",
  ].join("\n");
  const download = [
    "      - uses: actions/download-artifact@v7",
    "        with: { name: dist, path: dist }",
  ].join("\n");
  const checkout = ["      - uses: actions/checkout@v5", "        with: { persist-credentials: false }"].join("\n");
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
        run: binwheel release --repo "\${{ github.repository }}" --from dist${flags}
        env: { GH_TOKEN: "\${{ github.token }}" }
`;
  return `# Written by \`binwheel init-ci\`: builds every wheel and the sdist of ${metadata.name}, tests them on
# Linux, macOS and Windows, makes the GitHub release (draft first), publishes to PyPI with trusted
# publishing, then publishes the GitHub release. Pin the actions to commit SHAs for production use.
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
        run: ls dist/*-"\${{ inputs.version }}".tar.gz
      - name: Check every file as PyPI would
        run: binwheel check dist/*
      - name: Show the release plan
        if: \${{ env.DRY_RUN == 'true' }}
        run: binwheel release --repo "\${{ github.repository }}" --from dist --dry-run
        env: { GH_TOKEN: "\${{ github.token }}" }
      - uses: actions/attest-build-provenance@v3
        if: \${{ env.DRY_RUN != 'true' }}
        with: { subject-path: "dist/*" }
      - uses: actions/upload-artifact@v6
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
      - uses: actions/setup-python@v6
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
      - uses: pypa/gh-action-pypi-publish@release/v1

${releaseJob("github-publish", "pypi", "", "Publish the GitHub release", "")}`;
}
