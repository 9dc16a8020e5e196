// The text of a release: the GitHub release notes, and the summary printed at the end (and
// appended to $GITHUB_STEP_SUMMARY). Pure functions of the facts. Every value in them comes from
// outside (the project, the command line, the upstream tag, file names), so each is escaped to
// show as typed and to make no Markdown of its own: no link, image, HTML, heading, table cell,
// code span, emphasis or autolink, and no new line. Ordinary names and versions stay unchanged.
import type { Artifact } from "./artifacts.js";

export interface ReleaseFacts {
  name: string;
  version: string;
  repo: string;
  tag: string;
  upstream?: { repo: string; tag: string; url: string };
  /** binwheel.lock's assets, when the project has a lock: the upstream bytes every wheel was checked against. */
  locked?: { target: string; asset: string; sha256: string }[];
  artifacts: Artifact[];
  /** The GitHub release's page, once known. */
  releaseUrl?: string;
  pypiUrl: string;
}

// Line breaks, other control characters and bidi overrides (which can disguise a file name).
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
// Punctuation that can start inline Markdown anywhere in a line (`:` and `@` start autolinks, `$`
// math); `_` only emphasizes next to a non-alphanumeric, so `toondb_client` keeps its underscore.
const INLINE = /[\\`*[\]|#~:@$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|(?<=www)\./gi;

/** `value` as inert Markdown text on one line. */
export function mdText(value: string): string {
  return value.replace(UNPRINTABLE, " ").replace(INLINE, "\\$&").replace(/[&<>]/g, (c) => ENTITIES[c]!);
}

/** `value` as a code span (text shown exactly, `|` escaped for tables). */
function mdCode(value: string): string {
  const text = value.replace(UNPRINTABLE, " ");
  const fence = "`".repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = /^`|`$/.test(text) ? " " : "";
  return `${fence}${pad}${text.replace(/\|/g, "\\|")}${pad}${fence}`;
}

/** UTF-8 percent-encoding of every character `keep` does not match (a lone surrogate becomes U+FFFD). */
function percentEncode(value: string, keep: RegExp): string {
  return [...value].map((c) => (keep.test(c) ? c : [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""))).join("");
}

/** A link whose text and address come from outside; an address that is not http(s) is not linked. */
function mdLink(text: string, url: string): string {
  if (!/^https?:\/\//i.test(url)) return mdText(text);
  // Only characters a URL needs stay as they are, so the address cannot close the link or add a title.
  return `[${mdText(text)}](${percentEncode(url, /^[A-Za-z0-9\-._~:/?#&=+,;%@!$*]$/)})`;
}

/** The page of `repo`'s release `tag` on `server`, each path part percent-encoded. */
export function releasePageUrl(server: string, repo: string, tag: string): string {
  const parts = [...repo.split("/"), "releases", "tag", tag].map((part) => percentEncode(part, /^[A-Za-z0-9\-._~]$/));
  return `${server.replace(/\/+$/, "")}/${parts.join("/")}`;
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
const platform = (a: Artifact) => (a.kind === "sdist" ? "source" : a.tags === "any" ? "any (pure Python)" : mdText(a.tags!.split(".").join(", ")));

export function renderNotes(facts: ReleaseFacts): string {
  const up = facts.upstream;
  return [
    `## ${mdText(facts.name)} ${mdText(facts.version)}`,
    "",
    "Install it with pip:",
    "",
    "```",
    // Code is shown as typed; on one line, starting with "pip", it cannot close the fence.
    `pip install ${facts.name}==${facts.version}`.replace(UNPRINTABLE, " "),
    "```",
    "",
    ...(up ? [`The wheels bundle the binaries of ${mdLink(`${up.repo} ${up.tag}`, up.url)}.`, ""] : []),
    "| File | Platform | SHA-256 |",
    "|---|---|---|",
    ...facts.artifacts.map((a) => `| ${mdText(a.name)} | ${platform(a)} | ${mdCode(a.sha256)} |`),
    "",
    ...(facts.locked?.length
      ? [
          "The upstream assets, as binwheel.lock pins them (every wheel was built from these bytes):",
          "",
          "| Target | Upstream asset | SHA-256 |",
          "|---|---|---|",
          ...facts.locked.map((l) => `| ${mdText(l.target)} | ${mdText(l.asset)} | ${mdCode(l.sha256)} |`),
          "",
        ]
      : []),
  ].join("\n");
}

export function renderSummary(facts: ReleaseFacts, outcome: string): string {
  const up = facts.upstream;
  const release = `${facts.repo} ${facts.tag}`;
  return [
    `### ${mdText(facts.name)} ${mdText(facts.version)}: ${outcome}`,
    "",
    "| File | Target | Tags | Size | SHA-256 |",
    "|---|---|---|---|---|",
    ...facts.artifacts.map((a) => `| ${mdText(a.name)} | ${mdText(a.target ?? (a.kind === "sdist" ? "sdist" : ""))} | ${mdText(a.tags ?? "")} | ${mib(a.size)} | ${mdCode(a.sha256)} |`),
    "",
    ...(up ? [`- Binaries from: ${mdLink(`${up.repo} ${up.tag}`, up.url)}`] : []),
    `- GitHub release: ${facts.releaseUrl ? mdLink(release, facts.releaseUrl) : `${mdText(release)} (not created)`}`,
    `- PyPI: ${mdLink(`${facts.name} ${facts.version}`, facts.pypiUrl)}`,
    "",
  ].join("\n");
}
