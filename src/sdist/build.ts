// build_sdist: `{name}-{version}.tar.gz` with one top folder, PKG-INFO first, then
// pyproject.toml, the readme, the license files, the version file, the Python packages and what
// [tool.binwheel.sdist] adds or removes. It never carries upstream binaries: wheels built from it
// fetch them, and the wheel built from the unpacked sdist equals the one built from the tree.
import { statSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { ArtifactPaths } from "../fs/artifact-path.js";
import { loadProject, type Project } from "../config/pyproject.js";
import type { BuildOptions } from "../config/settings.js";
import { buildTimestamp } from "../config/epoch.js";
import { fail } from "../errors.js";
import { globFiles, projectFile } from "../fs/files.js";
import { fileBinaryFormat } from "../inspect/magic.js";
import { info } from "../log.js";
import { binaryDirsOfAllTargets } from "../plan/target-plan.js";
import { LOCK_FILE } from "../config/lock.js";
import { generatedPaths } from "../wheel/build.js";
import { renderMetadata } from "../wheel/metadata.js";
import { packageFiles } from "../wheel/sources.js";
import { distributionStem } from "../wheel/tags.js";
import { writeThroughTemporary } from "../fs/tempfiles.js";
import { writeTarGz, type TarMember } from "./tar.js";

export interface SdistRequest {
  projectDir: string;
  outDir: string;
  options: BuildOptions;
  env: NodeJS.ProcessEnv;
}

/** Never in an sdist, whatever the include patterns say: VCS data, caches and build output. */
const NEVER = /(^|\/)(\.git|\.hg|\.svn|node_modules|__pycache__|\.tox|\.nox|\.venv|venv|dist|build)(\/|$)|\.py[co]$/;

interface Candidate {
  /** Path relative to the project root. */
  relative: string;
  /** Why it is in the sdist, for messages. */
  reason: string;
}

export async function buildSdist(req: SdistRequest): Promise<string> {
  const project = loadProject(req.projectDir, req.options.upstreamVersion);
  const stem = distributionStem(project.metadata.name, project.metadata.version);
  const files = selectFiles(project);
  const pkgInfo = Buffer.from(renderMetadata(project.metadata), "utf8");
  const members: TarMember[] = [
    { name: `${stem}/PKG-INFO`, mode: 0o644, size: pkgInfo.length, source: pkgInfo },
    ...files.map((relative) => {
      const absolute = path.join(project.root, relative);
      const stat = statSync(absolute);
      return { name: `${stem}/${relative}`, mode: stat.mode & 0o111 ? 0o755 : 0o644, size: stat.size, source: absolute };
    }),
  ];
  const fileName = `${stem}.tar.gz`;
  const paths = new ArtifactPaths(`the sdist ${fileName}`);
  for (const m of members) paths.add(m.name, m.name === `${stem}/PKG-INFO` ? "binwheel's PKG-INFO" : `the project file ${m.name.slice(stem.length + 1)}`);
  const size = await writeThroughTemporary(path.join(req.outDir, fileName), (out) => writeTarGz(out, members, buildTimestamp(req.env)));
  info(`built ${fileName} (${members.length} files, ${(size / 1024).toFixed(1)} KiB)`);
  return fileName;
}

/** The project-relative paths of the sdist's files (PKG-INFO aside), sorted, crucial ones first. */
function selectFiles(project: Project): string[] {
  const { root, metadata, config } = project;
  const crucial: Candidate[] = [
    { relative: "pyproject.toml", reason: "the build configuration" },
    ...(metadata.readme?.file ? [{ relative: normalize(metadata.readme.file), reason: "[project] readme" }] : []),
    ...metadata.licenseFiles.map((f) => ({ relative: f.relative, reason: "a license file" })),
    ...(config.version && "file" in config.version ? [{ relative: normalize(config.version.file), reason: "[tool.binwheel] version.file" }] : []),
    // Wheels built from the sdist, on any machine, are pinned to the same upstream bytes.
    ...(project.lock ? [{ relative: LOCK_FILE, reason: "the lock of the upstream assets" }] : []),
  ];
  const binaryDirs = binaryDirsOfAllTargets(project);
  const packaged: Candidate[] = packageFiles(root, config.packages, binaryDirs, generatedPaths(project), config.exclude).map((f) => ({
    relative: path.relative(root, f.absolute).split(path.sep).join("/"),
    reason: "a file of the package",
  }));
  const included: Candidate[] = config.sdist.include.flatMap((glob) => {
    const matches = globFiles(root, glob, (dir) => NEVER.test(dir)).filter((f) => !NEVER.test(f));
    if (matches.length === 0) fail(`pyproject.toml: [tool.binwheel.sdist] include pattern "${glob}" matches no file in ${root}.`);
    const reason = `[tool.binwheel.sdist] include pattern "${glob}"`;
    return matches.map((relative) => ({ relative: projectFile(root, relative, reason).relative, reason }));
  });

  const excluded = config.sdist.exclude.map((glob) => ({ glob, matches: picomatch(glob, { dot: true }) }));
  const chosen = new Map<string, Candidate>();
  for (const candidate of [...crucial, ...packaged, ...included]) {
    if (chosen.has(candidate.relative)) continue;
    const rule = excluded.find((e) => e.matches(candidate.relative));
    if (rule) {
      if (crucial.includes(candidate)) {
        fail(`pyproject.toml: [tool.binwheel.sdist] exclude pattern "${rule.glob}" would drop ${candidate.relative} (${candidate.reason}), which the sdist needs to build a wheel.`);
      }
      continue;
    }
    checkNotBinary(project, candidate, binaryDirs);
    chosen.set(candidate.relative, candidate);
  }
  const order = new Map(crucial.map((c, i) => [c.relative, i]));
  return [...chosen.keys()].sort((a, b) => (order.get(a) ?? order.size) - (order.get(b) ?? order.size) || (a < b ? -1 : a > b ? 1 : 0));
}

function checkNotBinary(project: Project, candidate: Candidate, binaryDirs: string[]): void {
  const wheelDir = binaryDirs.find((d) => project.config.packages.some((p) => {
    const inTree = path.relative(project.root, path.join(path.dirname(p.path), d)).split(path.sep).join("/");
    return candidate.relative === inTree || candidate.relative.startsWith(`${inTree}/`);
  }));
  const format = fileBinaryFormat(path.join(project.root, candidate.relative));
  if (wheelDir || format) {
    fail(
      `${candidate.reason} would put ${candidate.relative} (${format ? `${format === "ELF" ? "an" : "a"} ${format} binary` : `in the binary folder ${wheelDir}`}) in the sdist. ` +
        "An sdist carries no binaries: wheels built from it fetch the upstream ones. Narrow the pattern, or add the file to [tool.binwheel.sdist] exclude.",
    );
  }
}

function normalize(relative: string): string {
  return path.posix.normalize(relative.replace(/\\/g, "/"));
}
