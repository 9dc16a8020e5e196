// The text of a release: the GitHub release notes, and the summary printed at the end (and
// appended to $GITHUB_STEP_SUMMARY). Pure functions of the facts.
import type { Artifact } from "./artifacts.js";

export interface ReleaseFacts {
  name: string;
  version: string;
  repo: string;
  tag: string;
  upstream?: { repo: string; tag: string; url: string };
  artifacts: Artifact[];
  /** The GitHub release's page, once known. */
  releaseUrl?: string;
  pypiUrl: string;
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
const platform = (a: Artifact) => (a.kind === "sdist" ? "source" : a.tags === "any" ? "any (pure Python)" : a.tags!.split(".").join(", "));

export function renderNotes(facts: ReleaseFacts): string {
  return [
    `## ${facts.name} ${facts.version}`,
    "",
    "Install it with pip:",
    "",
    "```",
    `pip install ${facts.name}==${facts.version}`,
    "```",
    "",
    ...(facts.upstream ? [`The wheels bundle the binaries of [${facts.upstream.repo} ${facts.upstream.tag}](${facts.upstream.url}).`, ""] : []),
    "| File | Platform | SHA-256 |",
    "|---|---|---|",
    ...facts.artifacts.map((a) => `| ${a.name} | ${platform(a)} | \`${a.sha256}\` |`),
    "",
  ].join("\n");
}

export function renderSummary(facts: ReleaseFacts, outcome: string): string {
  return [
    `### ${facts.name} ${facts.version}: ${outcome}`,
    "",
    "| File | Target | Tags | Size | SHA-256 |",
    "|---|---|---|---|---|",
    ...facts.artifacts.map((a) => `| ${a.name} | ${a.target ?? (a.kind === "sdist" ? "sdist" : "")} | ${a.tags ?? ""} | ${mib(a.size)} | \`${a.sha256}\` |`),
    "",
    ...(facts.upstream ? [`- Binaries from: [${facts.upstream.repo} ${facts.upstream.tag}](${facts.upstream.url})`] : []),
    `- GitHub release: ${facts.releaseUrl ? `[${facts.repo} ${facts.tag}](${facts.releaseUrl})` : `${facts.repo} ${facts.tag} (not created)`}`,
    `- PyPI: [${facts.name} ${facts.version}](${facts.pypiUrl})`,
    "",
  ].join("\n");
}
