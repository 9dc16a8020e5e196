// Config + options + host -> the plan for one target: its triple, the upstream release and
// asset to fetch, the wheel tags and the include rules with placeholders filled in.
import { pathProblem, printable } from "../artifact-path.js";
import { fail } from "../errors.js";
import type { Project } from "../config/pyproject.js";
import type { BuildOptions } from "../config/settings.js";
import type { IncludeRule, UpstreamConfig } from "../config/tool.js";
import { expand, type Placeholder } from "../template.js";
import { resolveTarget, type HostFacts } from "./host.js";
import { KNOWN_TRIPLES, targetInfo, type TargetInfo } from "./triples.js";

export interface TargetPlan {
  target: TargetInfo;
  /** "auto" (derive the platform tags from the binaries) or the configured tags, to be checked. */
  tagSetting: "auto" | string[];
  upstream: UpstreamConfig;
  upstreamVersion: string;
  releaseTag: string;
  assetName: string;
  pinnedSha256?: string;
  include: (IncludeRule & { fromGlob: string; toDir: string })[];
  placeholders: Record<Placeholder, string>;
}

export function planTarget(project: Project, options: BuildOptions, host: HostFacts | undefined, env: NodeJS.ProcessEnv): TargetPlan {
  const { config, metadata } = project;
  const upstream = config.upstream!;
  const configured = config.targets.map(([t]) => t);
  const { triple, source } = resolveTarget(options.target, host, env);
  const target = targetInfo(triple);
  if (!target) {
    fail(`"${triple}" (from ${source}) is not a target binwheel knows. Known targets: ${KNOWN_TRIPLES.join(", ")}.`);
  }
  const entry = config.targets.find(([t]) => t === triple);
  if (!entry) {
    const why = source === "this Python" ? `this machine's Python (${triple})` : `the requested target ${triple} (from ${source})`;
    fail(
      `no upstream build is configured for ${why}. [tool.binwheel.targets] lists: ${configured.join(", ")}. ` +
        `Add "${triple}" there if ${upstream.owner}/${upstream.repo} publishes it, or build another target with -C target=<triple>.`,
    );
  }
  const upstreamVersion = options.upstreamVersion ?? upstream.version ?? metadata.version;
  const placeholders: Record<Placeholder, string> = {
    version: upstreamVersion,
    project_version: metadata.version,
    target: triple,
    os: target.os,
    arch: target.arch,
    platform: `${target.os}-${target.arch}`,
    archive: target.archive,
  };
  const pinnedSha256 = upstream.sha256.get(triple);
  const assetKey = upstream.assets.has(triple) ? `[tool.binwheel.upstream] assets."${triple}"` : "[tool.binwheel.upstream] asset";
  const releaseTag = expand(upstream.tag, placeholders);
  if (/[\x00-\x20\x7f]/.test(releaseTag)) fail(`pyproject.toml: [tool.binwheel.upstream] tag gives ${JSON.stringify(releaseTag)} for ${triple}, which holds spaces or control characters; a release tag cannot.`);
  const assetName = expand(upstream.assets.get(triple) ?? upstream.asset, placeholders);
  const problem = pathProblem(assetName);
  if (problem || assetName.includes("/")) {
    fail(`pyproject.toml: ${assetKey} gives ${JSON.stringify(assetName)} for ${triple}, which ${problem ?? 'holds a "/"'}; an asset name is one file name.`);
  }
  return {
    target,
    tagSetting: entry[1],
    upstream,
    upstreamVersion,
    releaseTag,
    assetName,
    ...(pinnedSha256 !== undefined && { pinnedSha256 }),
    include: config.include.map((rule) => ({
      ...rule,
      fromGlob: expand(rule.from, placeholders),
      toDir: checkedDestination(project, rule, expand(rule.to, placeholders)),
    })),
    placeholders,
  };
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

/** The wheel folders the include rules fill, for every configured target. */
export function binaryDirsOfAllTargets(project: Project): string[] {
  const dirs = new Set<string>();
  for (const [triple] of project.config.targets) {
    const target = targetInfo(triple)!;
    const values = { target: triple, os: target.os, arch: target.arch, platform: `${target.os}-${target.arch}`, archive: target.archive };
    for (const rule of project.config.include) {
      const dir = expand(rule.to, values);
      if (!dir.includes("{")) dirs.add(dir);
    }
  }
  return [...dirs];
}
