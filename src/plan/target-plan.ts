// Config + options + host -> the plan for one target: its triple, the upstream release and
// asset to fetch, the wheel tags and the include rules with placeholders filled in.
import { pathProblem, printable } from "../fs/artifact-path.js";
import { closest, fail, redactUrl } from "../errors.js";
import type { Project } from "../config/pyproject.js";
import type { BuildOptions } from "../config/settings.js";
import { appliesTo, type IncludeRule, type TargetConfig, type UpstreamConfig } from "../config/tool.js";
import { expand, type Values } from "../config/template.js";
import { warn } from "../log.js";
import { LOCK_FILE, sourceId, type LockedAsset } from "../config/lock.js";
import type { ExpectedHash } from "../fs/hash.js";
import { resolveTarget, type HostFacts } from "../platform/host.js";
import { KNOWN_TRIPLES, closestTriple, targetInfo, type TargetInfo } from "../platform/triples.js";

export interface TargetPlan {
  target: TargetInfo;
  /** The target's entry in [tool.binwheel.targets]. */
  config: TargetConfig;
  upstream: UpstreamConfig;
  upstreamVersion: string;
  releaseTag: string;
  /** The asset's name: its template, else the last part of the URL or path. */
  assetName: string;
  /** url and path sources: the asset's URL, or its path relative to the project. */
  location?: string;
  /** The checksum file's name or URL, placeholders filled. */
  checksums?: string;
  /** The hash the asset must have: a [tool.binwheel.upstream] sha256 pin, or binwheel.lock's. */
  pin?: ExpectedHash;
  /** binwheel.lock's entry for this target, when the lock covers this plan. */
  locked?: LockedAsset;
  /** The include rules that apply to this target, placeholders filled. */
  include: PlannedRule[];
  /** Every placeholder's value for this target, its vars and {asset} included. */
  placeholders: Values;
}

export interface PlannedRule extends IncludeRule {
  fromGlob: string;
  toDir: string;
  asName?: string;
}

export function planTarget(project: Project, options: BuildOptions, host: HostFacts | undefined, env: NodeJS.ProcessEnv): TargetPlan {
  const { config, metadata } = project;
  const upstream = config.upstream!;
  const { triple, source } = resolveTarget(options.target, host, env);
  const target = targetInfo(triple);
  if (!target) {
    const hint = closestTriple(triple) ?? closest(triple, KNOWN_TRIPLES);
    fail(`"${triple}" (from ${source}) is not a target binwheel knows${hint ? `; did you mean "${hint}"?` : "."} Known targets: ${KNOWN_TRIPLES.join(", ")}.`);
  }
  const entry = config.targets.find((t) => t.triple === triple);
  if (!entry) {
    const why = source === "this Python" ? `this machine's Python (${triple})` : `the requested target ${triple} (from ${source})`;
    const configured = config.targets.map((t) => t.triple);
    const hint = source === "this Python" ? undefined : closest(triple, configured);
    fail(
      `no upstream build is configured for ${why}${hint ? `; did you mean "${hint}"?` : "."} [tool.binwheel.targets] lists: ${configured.join(", ")}. ` +
        `Add "${triple}" there if ${upstream.name} publishes it, or build another target with -C target=<triple>.`,
    );
  }
  const upstreamVersion = project.upstreamVersion!;
  const values = targetValues(entry, target, upstreamVersion, metadata.version);
  const releaseTag = expand(upstream.tag, values);
  if (/[\x00-\x20\x7f]/.test(releaseTag)) fail(`pyproject.toml: [tool.binwheel.upstream] tag gives ${JSON.stringify(releaseTag)} for ${triple}, which holds spaces or control characters; a release tag cannot.`);
  const { assetName, location } = assetOf(upstream, triple, values);
  const placeholders = { ...values, asset: assetName };
  const locked = lockedAsset(project, triple, { assetName, releaseTag, location, upstreamVersion }, options.locked);
  const pinned = upstream.sha256.get(triple);
  if (pinned && locked && pinned !== locked.sha256) {
    fail(`[tool.binwheel.upstream] sha256 pins ${triple}'s asset ${assetName} to ${pinned}, but binwheel.lock says ${locked.sha256}; one of them is wrong. Fix the pin, or run binwheel lock to write the lock again.`);
  }
  const pin = pinned ? { sha256: pinned, source: "the pin in [tool.binwheel.upstream] sha256" } : locked ? { sha256: locked.sha256, source: `binwheel.lock (for ${triple})` } : undefined;
  return {
    target,
    config: entry,
    upstream,
    upstreamVersion,
    releaseTag,
    assetName,
    ...(location !== undefined && { location }),
    ...(upstream.checksums !== undefined && { checksums: expand(upstream.checksums, placeholders) }),
    ...(pin && { pin }),
    ...(locked && { locked }),
    include: config.include.filter((rule) => appliesTo(rule.targets, triple)).map((rule) => {
      const asName = rule.as === undefined ? undefined : expand(rule.as, values);
      if (asName !== undefined && (pathProblem(asName) || asName.includes("/"))) {
        fail(`pyproject.toml: ${rule.label}: as = "${rule.as}" gives "${printable(asName)}" for ${triple}, which is not a file name.`);
      }
      return { ...rule, fromGlob: expand(rule.from, values), toDir: checkedDestination(project, rule, expand(rule.to, values)), ...(asName !== undefined && { asName }) };
    }),
    placeholders,
  };
}

/**
 * binwheel.lock's entry for the plan, when the lock covers it: the same upstream version, source,
 * tag, asset name (and URL, for url sources). A lock that does not cover it is a warning, or with
 * --locked an error; so is no lock at all with --locked.
 */
function lockedAsset(
  project: Project,
  triple: string,
  plan: { assetName: string; releaseTag: string; location: string | undefined; upstreamVersion: string },
  required: boolean,
): LockedAsset | undefined {
  const { lock } = project;
  const upstream = project.config.upstream!;
  const fix = "Run binwheel lock (binwheel lock --upstream-version <version> for another release) and commit binwheel.lock." +
    (project.config.upstream!.source.kind === "path" ? " (A path that is a folder cannot be locked: point it at an archive.)" : "");
  if (!lock) {
    if (required) fail(`--locked (-C locked=true) builds only what binwheel.lock covers, but ${project.root} has no ${LOCK_FILE}. ${fix}`);
    return undefined;
  }
  const entry = lock.targets.get(triple);
  const source = sourceId(upstream);
  const kind = upstream.source.kind;
  const differs = !entry ? `has no entry for ${triple}`
    : lock.upstreamVersion !== plan.upstreamVersion ? `is for upstream version ${lock.upstreamVersion}, and this build takes ${plan.upstreamVersion}`
    : entry.source !== source ? `takes ${triple}'s asset from ${entry.source}, and [tool.binwheel.upstream] now says ${source}`
    : entry.asset !== plan.assetName ? `names ${triple}'s asset ${entry.asset}, and the configuration now gives ${plan.assetName}`
    : (kind === "github" || kind === "gitlab") && entry.tag !== plan.releaseTag ? `is for the tag ${entry.tag ?? "(none)"}, and this build takes ${plan.releaseTag}`
    : kind === "url" && entry.url !== redactUrl(plan.location!) ? `downloads ${triple}'s asset from ${entry.url ?? "(no URL)"}, and the configuration now gives ${redactUrl(plan.location!)}`
    : undefined;
  if (!differs) return entry;
  if (required) fail(`${LOCK_FILE} ${differs}, and --locked (-C locked=true) builds only what it covers. ${fix}`);
  warn(`${LOCK_FILE} ${differs}, so it does not pin this build's asset (it is checked as without a lock). ${fix}`);
  return undefined;
}

/** The placeholders every template of `target` may use: the built-in ones and the target's vars. */
function targetValues(entry: TargetConfig, target: TargetInfo, version: string, projectVersion: string): Values {
  return {
    version,
    project_version: projectVersion,
    target: target.triple,
    os: target.os,
    arch: target.arch,
    platform: `${target.os}-${target.arch}`,
    archive: entry.archive,
    goos: target.goos,
    goarch: target.goarch,
    exe: target.os === "windows" ? ".exe" : "",
    ...entry.vars,
  };
}

/**
 * The asset's name and, for url and path sources, where it is. Without an asset template the
 * name is the last part of the URL or path. A name is one file name, checked here once filled.
 */
function assetOf(upstream: UpstreamConfig, triple: string, values: Values): { assetName: string; location?: string } {
  const template = upstream.assets.get(triple) ?? upstream.asset;
  const key = upstream.assets.has(triple) ? `[tool.binwheel.upstream] assets."${triple}"` : template !== undefined ? "[tool.binwheel.upstream] asset" : `[tool.binwheel.upstream] ${upstream.source.kind}`;
  const source = upstream.source;
  let assetName = template === undefined ? undefined : expand(template, values);
  let location: string | undefined;
  if (source.kind === "url" || source.kind === "path") {
    // The URL or path may name the asset ({asset}); then the asset template fills it.
    location = expand(source.template, { ...values, ...(assetName !== undefined && { asset: assetName }) });
    // "bin/" names the folder bin: its name is the last part before the slash.
    if (source.kind === "path") location = location.replace(/\/+$/, "");
    assetName ??= source.kind === "url" ? lastUrlSegment(location, triple) : location.split("/").pop() ?? "";
  }
  const problem = pathProblem(assetName ?? "");
  if (problem || assetName!.includes("/")) {
    fail(`pyproject.toml: ${key} gives ${JSON.stringify(assetName)} for ${triple}, which ${problem ?? 'holds a "/"'}; an asset name is one file name.`);
  }
  if (source.kind === "path") {
    const pathProblemText = pathProblem(location!);
    if (pathProblemText) fail(`pyproject.toml: [tool.binwheel.upstream] path gives "${printable(location!)}" for ${triple}, which ${pathProblemText}.`);
  }
  return { assetName: assetName!, ...(location !== undefined && { location }) };
}

/** The file name a filled URL ends with; a URL that does not parse once filled is an error. */
function lastUrlSegment(url: string, triple: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  } catch {
    fail(`pyproject.toml: [tool.binwheel.upstream] url gives "${printable(url)}" for ${triple}, which is not a URL binwheel can read a file name from.`);
  }
}

/**
 * An include rule's folder once its placeholders are filled: a clean relative path inside one of
 * the project's package folders (so neither a wheel nor an editable install can put upstream
 * files next to .dist-info, into a .pth file, or outside the packages).
 */
function checkedDestination(project: Project, rule: IncludeRule, toDir: string): string {
  const packages = project.config.packages.filter((p) => !p.isModule).map((p) => p.name);
  const top = toDir.split("/")[0]!;
  const problem = pathProblem(toDir)
    ?? (!packages.includes(top) ? `is not inside one of the package folders (${packages.join(", ") || "none"})`
      : toDir === top ? "is the package folder itself, which holds the project's own files" : undefined);
  if (problem) {
    fail(`pyproject.toml: ${rule.label}: to = "${rule.to}" gives "${printable(toDir)}", which ${problem}. Send the files into a package folder, e.g. "${packages[0] ?? "mypkg"}/_bin/{platform}".`);
  }
  return toDir;
}

/** The wheel folders the include rules fill, for every configured target (rules with placeholders only a build knows, such as {version}, are left out). */
export function binaryDirsOfAllTargets(project: Project): string[] {
  const dirs = new Set<string>();
  for (const entry of project.config.targets) {
    const target = targetInfo(entry.triple)!;
    const { version: _, project_version: __, ...values } = targetValues(entry, target, "", "");
    for (const rule of project.config.include) {
      if (!appliesTo(rule.targets, entry.triple)) continue;
      const dir = expand(rule.to, values);
      if (!dir.includes("{")) dirs.add(dir);
    }
  }
  return [...dirs];
}
