// [tool.binwheel.upstream]: where the binaries come from (exactly one source: a GitHub or GitLab
// release, any HTTPS URL template, or a local path), which release, how its assets are named and
// how they are verified. Templates are checked here; they are filled per target in plan/target-plan.ts.
import { fail, redactUrl } from "../errors.js";
import { canonicalizeLicenseExpression } from "../python/spdx.js";
import { TARGET_PLACEHOLDERS, checkTemplate, checkedUpstreamVersion, placeholdersOf } from "./template.js";
import { PATTERNS, matches, specAt, type BooleanSpec, type StringSpec } from "./spec.js";
import { Table, describe, isTable, quoteKey } from "./values.js";

export type UpstreamSource =
  | { kind: "github"; owner: string; repo: string }
  /** `group/subgroup/project`, as GitLab's API takes it URL-encoded. */
  | { kind: "gitlab"; project: string }
  /** An http(s) URL template; `{asset}` is the asset's name. */
  | { kind: "url"; template: string }
  /** A folder or file template, relative to the project root. */
  | { kind: "path"; template: string };

export interface UpstreamConfig {
  source: UpstreamSource;
  /** The source as messages name it: "toondb/toondb", "gitlab.com group/project", "https://…", "target/{target}/release". */
  name: string;
  /** The upstream version; undefined means "the project version". */
  version?: string;
  /** The release tag template (GitHub and GitLab). */
  tag: string;
  /** The asset name template; for `url` and `path` sources, undefined means "the URL's or path's last part". */
  asset?: string;
  /** Triple -> an asset name template for that target only (upstreams that name one differently). */
  assets: Map<string, string>;
  /** A checksum file: a name in the release, or (url sources) a URL template, absolute or relative to the asset's. */
  checksums?: string;
  /** Triple -> pinned lowercase sha256 hex of that target's asset. */
  sha256: Map<string, string>;
  /** Fail, instead of warning, when no hash is known for an asset. */
  requireChecksum: boolean;
  /** GitHub artifact attestations (Sigstore) to verify; absent: none are asked for. */
  attestations?: AttestationPolicy;
  /** The upstream binaries' license, a canonical SPDX expression (for the wheel's SBOM). */
  license?: string;
}

/**
 * `attestations = "verify"` (or a table without `workflow`): verified when GitHub has some, a
 * warning when it has none. `attestations = { workflow = "owner/repo/.github/workflows/file.yml" }`:
 * one signed by that workflow is required. Either way it must come from a GitHub Actions run in the
 * upstream repository, for the release's own tag (refs/tags/<tag>), unless `ref = "any"` (`anyRef`)
 * accepts a run for any ref, for upstreams that attest from a branch.
 */
export type AttestationPolicy = ({ required: false } | { required: true; workflow: { owner: string; repo: string; path: string } }) & { anyRef?: true };

const SOURCES = ["github", "gitlab", "url", "path"] as const;
const UPSTREAM = specAt("upstream");

/** `vars` are the names every target may define (checked per target by tool.ts). */
export function readUpstream(u: Table, vars: readonly string[]): UpstreamConfig {
  u.onlyKeys();
  const given = SOURCES.filter((k) => u.has(k));
  if (given.length !== 1) {
    fail(
      `pyproject.toml: [tool.binwheel.upstream] needs exactly one source, ${given.length ? `not ${given.join(" and ")}` : "but has none"}: ` +
        'github = "owner/repo", gitlab = "group/project", url = "https://example.com/{version}/{asset}" or path = "target/{target}/release".',
    );
  }
  const placeholders = [...TARGET_PLACEHOLDERS, ...vars];
  const withAsset = [...placeholders, "asset"];
  const { source, name } = readSource(u, given[0]!, withAsset);
  const tag = u.string("tag") ?? (UPSTREAM.keys["tag"] as StringSpec).default!;
  checkTemplate(tag, ["version", "project_version"], u.key("tag"));
  // A release names its assets; a URL that says {asset} needs the name too.
  const needsAsset = source.kind === "github" || source.kind === "gitlab" || (source.kind === "url" && placeholdersOf(source.template).includes("asset"));
  const asset = needsAsset ? u.requiredString("asset", 'the asset name template, e.g. "toondb-{version}-{target}.{archive}"') : u.string("asset");
  if (asset !== undefined) checkTemplate(asset, placeholders, u.key("asset"));
  const assets = new Map<string, string>();
  for (const [triple, template] of u.stringTable("assets")) {
    checkTemplate(template, placeholders, u.key(`assets.${quoteKey(triple)}`));
    assets.set(triple, template);
  }
  const checksums = u.string("checksums");
  if (checksums !== undefined) checkTemplate(checksums, withAsset, u.key("checksums"));
  if (checksums !== undefined && source.kind === "path") fail(`pyproject.toml: ${u.key("checksums")} is for downloaded assets; pin a local file's hash with sha256 instead.`);
  // An absolute checksums URL (url sources) obeys the same rules as the asset's URL.
  if (checksums !== undefined && source.kind === "url" && /^[a-z][a-z0-9+.-]*:/i.test(checksums)) checkUrl(checksums, u.key("checksums"));
  const sha256 = new Map<string, string>();
  for (const [triple, hex] of u.stringTable("sha256")) {
    if (!matches({ patterns: [PATTERNS.sha256] }, hex)) fail(`pyproject.toml: ${u.key(`sha256.${quoteKey(triple)}`)} must be 64 hexadecimal digits (a sha256).`);
    sha256.set(triple, hex.toLowerCase());
  }
  const version = u.string("version");
  if (version !== undefined) checkedUpstreamVersion(version, `pyproject.toml: ${u.key("version")}`);
  const attestations = readAttestations(u, source);
  const license = readLicense(u);
  return {
    source,
    name,
    ...(version !== undefined && { version }),
    tag,
    ...(asset !== undefined && { asset }),
    assets,
    ...(checksums !== undefined && { checksums }),
    sha256,
    requireChecksum: u.boolean("require-checksum") ?? (UPSTREAM.keys["require-checksum"] as BooleanSpec).default!,
    ...(attestations && { attestations }),
    ...(license && { license }),
  };
}

function readLicense(u: Table): string | undefined {
  const value = u.string("license");
  if (value === undefined) return undefined;
  try {
    return canonicalizeLicenseExpression(value);
  } catch (e) {
    fail(`pyproject.toml: ${u.key("license")} = ${JSON.stringify(value)} is not a valid SPDX license expression: ${(e as Error).message}. Write the upstream's license as SPDX, e.g. "Apache-2.0" or "MIT OR Apache-2.0".`);
  }
}

const ATTESTATIONS_FORM =
  '"verify" (verify them when the release has some) or a table: { workflow = "owner/repo/.github/workflows/release.yml" } (require one from that workflow), ' +
  'with ref = "any" to accept attestations made for any ref, not only the release\'s tag';

function readAttestations(u: Table, source: UpstreamSource): AttestationPolicy | undefined {
  const value = u.data["attestations"];
  if (value === undefined) return undefined;
  const key = u.key("attestations");
  if (source.kind !== "github") {
    fail(
      `pyproject.toml: ${key} needs a github source: artifact attestations are published through GitHub's attestations API, which a ${source.kind} source does not have. ` +
        "Pin each asset's hash with sha256 instead, or remove the setting.",
    );
  }
  if (value === "verify") return { required: false };
  if (!isTable(value)) fail(`pyproject.toml: ${key} must be ${ATTESTATIONS_FORM}, but it is ${describe(value)}.`);
  const table = u.table("attestations")!;
  table.onlyKeys();
  // An old release's genuine attestation must not pass for a swapped-in old asset: the run must be the tag's.
  const ref = table.string("ref") ?? "tag";
  if (ref !== "tag" && ref !== "any") {
    fail(`pyproject.toml: ${table.key("ref")} = "${ref}" must be "tag" (the default: made for the release's own tag) or "any" (any ref, for upstreams that attest their releases from a branch).`);
  }
  const anyRef = ref === "any" ? { anyRef: true as const } : {};
  const workflow = table.string("workflow");
  if (workflow === undefined) return { required: false, ...anyRef };
  const m = matches({ patterns: [PATTERNS.workflow] }, workflow) ? /^([^/]+)\/([^/]+)\/(.+)$/.exec(workflow) : null;
  if (!m) fail(`pyproject.toml: ${table.key("workflow")} "${workflow}" must name a workflow file as "owner/repo/.github/workflows/<file>.yml" (no "@ref": the ref is the release's tag, or any with ref = "any").`);
  return { required: true, workflow: { owner: m[1]!, repo: m[2]!, path: m[3]! }, ...anyRef };
}

function readSource(u: Table, kind: (typeof SOURCES)[number], placeholders: readonly string[]): { source: UpstreamSource; name: string } {
  const value = u.requiredString(kind);
  const key = u.key(kind);
  switch (kind) {
    case "github": {
      const m = matches({ patterns: [PATTERNS.github] }, value) ? /^([^/]+)\/([^/]+)$/.exec(value) : null;
      if (!m) fail(`pyproject.toml: ${key} "${value}" must be "owner/name", e.g. "toondb/toondb".`);
      return { source: { kind, owner: m[1]!, repo: m[2]! }, name: value };
    }
    case "gitlab": {
      if (!matches({ patterns: [PATTERNS.gitlab] }, value)) {
        fail(`pyproject.toml: ${key} "${value}" must be the project's path, "group/project" or "group/subgroup/project".`);
      }
      return { source: { kind, project: value }, name: value };
    }
    case "url": {
      checkTemplate(value, placeholders, key);
      checkUrl(value, key);
      return { source: { kind, template: value }, name: value };
    }
    case "path": {
      checkTemplate(value, placeholders.filter((p) => p !== "asset"), key);
      if (value.startsWith("/") || /^[A-Za-z]:/.test(value) || value.includes("\\") || value.split("/").includes("..")) {
        fail(`pyproject.toml: ${key} "${value}" must be a path inside the project: relative, with "/" separators and no "..".`);
      }
      return { source: { kind, template: value }, name: value };
    }
  }
}

/** A URL template (placeholders probed as "x"): https, or http to a loopback host; no credentials inside. */
function checkUrl(template: string, key: string): void {
  const probe = template.replace(/\{[^{}]*\}/g, "x");
  const url = URL.canParse(probe) ? new URL(probe) : undefined;
  if (!url || !(url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname)))) {
    fail(`pyproject.toml: ${key} "${redactUrl(template)}" must be an https URL template (http only for this machine's loopback addresses), e.g. "https://example.com/releases/{version}/{asset}".`);
  }
  if (url.username || url.password) {
    fail(`pyproject.toml: ${key} "${redactUrl(template)}" holds a user name or password; binwheel does not take credentials from pyproject.toml. Put them in ~/.netrc (or the file NETRC names): "machine ${url.hostname} login NAME password SECRET".`);
  }
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain http may reach (local mirrors, tests). */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
