// The wheel's software bill of materials (PEP 770): .dist-info/sboms/binwheel.cdx.json, CycloneDX
// 1.6 JSON written by the CycloneDX project's own library. It describes the wheel (a pypi purl),
// the upstream release it carries (a purl, the asset's URL and sha256, its license when the project
// says it) with each bundled file and its sha256, and binwheel as the tool. Deterministic: explicit
// bom-refs, sorted lists, the timestamp from SOURCE_DATE_EPOCH and a serial number derived from the
// content, so a rebuild is byte-identical.
import { createHash } from "node:crypto";
import type { Models as ModelTypes } from "@cyclonedx/cyclonedx-library";
import type { Project } from "../config/pyproject.js";
import type { UpstreamSource } from "../config/upstream.js";
import { buildTimestamp } from "../config/epoch.js";
import type { TargetPlan } from "../plan/target-plan.js";
import { githubAccess, githubWebUrl } from "../upstream/http/github-api.js";
import { gitlabServer } from "../upstream/http/gitlab-api.js";
import { redactUrl } from "../errors.js";
import { VERSION } from "../version.js";

export const SBOM_NAME = "sboms/binwheel.cdx.json";

/** The upstream release as the SBOM describes it. */
interface Upstream {
  source: UpstreamSource;
  /** The release tag (GitHub, GitLab). */
  tag?: string;
  version: string;
  assetName: string;
  /** Where the asset is published (absent where binwheel cannot say without asking the host). */
  url?: string;
  /** The asset's sha256 (hex); absent for a local folder, which has no one hash. */
  sha256?: string;
  license?: string;
}

export interface SbomInput {
  project: Project;
  plan: TargetPlan;
  /** The asset's sha256 (hex), "" for a local folder. */
  assetSha256: string;
  /** Every file of the wheel that came from the upstream, by its path in the wheel, with its sha256 (hex). */
  files: { path: string; sha256: string }[];
  env: NodeJS.ProcessEnv;
}

/**
 * Where the asset is published, from the configuration alone (so rebuilds agree, and nothing but
 * pyproject.toml and the environment decides it): a GitHub release's download URL, a url source's
 * URL without its login, query or fragment; none for GitLab (whose link URLs only its API knows) or a local path.
 */
function publishedUrl(plan: TargetPlan, env: NodeJS.ProcessEnv): string | undefined {
  const { source } = plan.upstream;
  switch (source.kind) {
    case "github":
      return `${githubRepository(source, env)}/releases/download/${encodeURIComponent(plan.releaseTag)}/${encodeURIComponent(plan.assetName)}`;
    case "gitlab":
      return undefined;
    case "url":
      // As binwheel.lock records it: a query may be a signature, a login a password.
      return redactUrl(plan.location!);
    case "path":
      return undefined;
  }
}

function upstreamOf(plan: TargetPlan, sha256: string, env: NodeJS.ProcessEnv): Upstream {
  const { upstream } = plan;
  const url = publishedUrl(plan, env);
  const hosted = upstream.source.kind === "github" || upstream.source.kind === "gitlab";
  return {
    source: upstream.source,
    ...(hosted && { tag: plan.releaseTag }),
    version: plan.upstreamVersion,
    assetName: plan.assetName,
    ...(url && { url }),
    ...(sha256 && { sha256 }),
    ...(upstream.license && { license: upstream.license }),
  };
}

/** The package URL of the upstream release: pkg:github/owner/repo@tag, else pkg:generic with download_url. */
function upstreamPurl(PackageURL: Libraries["PackageURL"], input: Upstream): string {
  const { source } = input;
  if (source.kind === "github") return new PackageURL("github", source.owner, source.repo, input.tag ?? input.version).toString();
  const name = releaseName(source, input.assetName);
  const qualifiers: Record<string, string> = {};
  if (input.url) qualifiers["download_url"] = input.url;
  if (input.sha256) qualifiers["checksum"] = `sha256:${input.sha256}`;
  return new PackageURL("generic", undefined, name, input.version, qualifiers).toString();
}

/** The libraries, loaded on first use: only wheel builds need them, not every command's start. */
type Libraries = typeof import("./sbom-libraries.js");

export async function renderSbom(input: SbomInput): Promise<string> {
  const libraries = await import("./sbom-libraries.js");
  const { Serialize, Spec } = libraries;
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const bom = buildBom(libraries, input);
  // The serial number names the content: hash the document without one, then set it.
  const body = serializer.serialize(bom, { sortLists: true });
  const hex = createHash("sha256").update(body).digest("hex");
  // A UUID from the hash (RFC 9562 version 8: custom), as CycloneDX requires the urn:uuid form.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  bom.serialNumber = `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;
}

function buildBom({ Enums, Models, PackageURL }: Libraries, input: SbomInput): ModelTypes.Bom {
  const project = input.project.metadata;
  const upstream = upstreamOf(input.plan, input.assetSha256, input.env);
  const tool = new Models.Component(Enums.ComponentType.Application, "binwheel", {
    bomRef: "binwheel",
    version: VERSION,
    purl: new PackageURL("pypi", undefined, "binwheel", VERSION).toString(),
  });
  const wheel = new Models.Component(Enums.ComponentType.Library, project.name, {
    bomRef: `pypi:${project.name}`,
    version: project.version,
    purl: new PackageURL("pypi", undefined, project.name.toLowerCase().replace(/[-_.]+/g, "-"), project.version).toString(),
  });
  const release = new Models.Component(Enums.ComponentType.Application, releaseName(upstream.source, upstream.assetName), {
    bomRef: "upstream",
    version: upstream.version,
    purl: upstreamPurl(PackageURL, upstream),
    description: `the upstream asset ${upstream.assetName}`,
    ...(upstream.source.kind === "github" && { group: upstream.source.owner }),
  });
  if (upstream.sha256) release.hashes.set(Enums.HashAlgorithm["SHA-256"], upstream.sha256);
  if (upstream.license) release.licenses.add(new Models.LicenseExpression(upstream.license));
  if (upstream.url) {
    const distribution = new Models.ExternalReference(upstream.url, Enums.ExternalReferenceType.Distribution, { comment: upstream.assetName });
    if (upstream.sha256) distribution.hashes.set(Enums.HashAlgorithm["SHA-256"], upstream.sha256);
    release.externalReferences.add(distribution);
  }
  const repository = repositoryUrl(upstream.source, input.env);
  if (repository) release.externalReferences.add(new Models.ExternalReference(repository, Enums.ExternalReferenceType.VCS));
  for (const file of input.files) {
    const component = new Models.Component(Enums.ComponentType.File, file.path, { bomRef: `file:${file.path}` });
    component.hashes.set(Enums.HashAlgorithm["SHA-256"], file.sha256);
    release.components.add(component);
  }
  wheel.dependencies.add(release.bomRef);
  const bom = new Models.Bom({
    metadata: new Models.Metadata({
      timestamp: new Date(buildTimestamp(input.env) * 1000),
      component: wheel,
      tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
    }),
    components: new Models.ComponentRepository([release]),
  });
  return bom;
}

function releaseName(source: UpstreamSource, assetName: string): string {
  switch (source.kind) {
    case "github":
      return source.repo;
    case "gitlab":
      return source.project.split("/").pop()!;
    default:
      return assetName;
  }
}

/** A GitHub source's repository page, on the GitHub its API is (github.com, or an Enterprise host). */
function githubRepository(source: { owner: string; repo: string }, env: NodeJS.ProcessEnv): string {
  return `${githubWebUrl(githubAccess(env).apiUrl)}/${source.owner}/${source.repo}`;
}

/** The upstream's repository page, for GitHub and GitLab sources. */
function repositoryUrl(source: UpstreamSource, env: NodeJS.ProcessEnv): string | undefined {
  if (source.kind === "github") return githubRepository(source, env);
  if (source.kind === "gitlab") return `${gitlabServer(env)}/${source.project.split("/").map(encodeURIComponent).join("/")}`;
  return undefined;
}
