// build_wheel: project -> (upstream asset -> included binaries + generated modules) + Python
// packages + .dist-info -> one zip. The binary part is shared with build_editable.
import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { includeFromArchive, type IncludedFile } from "./include.js";
import { loadProject, type Project } from "../config/pyproject.js";
import type { BuildOptions } from "../config/settings.js";
import { fail } from "../errors.js";
import { warn } from "../log.js";
import { discard, sweepTemporaries, temporaryPath } from "../fs/tempfiles.js";
import { HeadCapture } from "../inspect/capture.js";
import { inspectBuffer, type BinaryInfo } from "../inspect/inspect.js";
import { article, cannotRun, platformTags, type InspectedFile } from "../inspect/platform-tags.js";
import type { HostFacts } from "../platform/host.js";
import { binaryDirsOfAllTargets, planTarget, type TargetPlan } from "../plan/target-plan.js";
import { fetchUpstreamAsset } from "../upstream/asset.js";
import { AssetCache } from "../upstream/cache.js";
import { MemberCache } from "./member-cache.js";
import { planCommands, isLibrary, type CommandPlan } from "./commands.js";
import type { LockedAsset } from "../config/lock.js";
import { SBOM_NAME, renderSbom } from "./sbom.js";
import { distInfoDir, distInfoFiles, launcherPackage, readPreparedMetadata, type DistInfoFile } from "./distinfo.js";
import { BLOCK } from "../codec/libdeflate.js";
import { deflateDone } from "../codec/deflate.js";
import { DamagedCacheFile, Spool, memberFromBuffer, type Member } from "./member.js";
import { isGeneratedModule, launcherFunction, launcherPath, mainPath, renderLauncher, renderLocator, renderMain } from "./runtime.js";
import { packageFiles } from "./sources.js";
import { PURE_TAGS, binaryTags, renderWheelFile, wheelFileName, type WheelTags } from "./tags.js";
import { takingTurns } from "./turns.js";
import { writeWheel } from "./write.js";
import { record, spent } from "../profile.js";
import type { ZipEntry } from "./zip-writer.js";

export interface WheelRequest {
  projectDir: string;
  outDir: string;
  options: BuildOptions;
  /** Facts about the Python running the build; undefined when the CLI runs without the shim. */
  host?: HostFacts;
  env: NodeJS.ProcessEnv;
  /** A folder from prepare_metadata_for_build_wheel, whose .dist-info files are reused. */
  metadataDir?: string;
}

/** A generated Python module: its path in the wheel and its source. */
export interface GeneratedModule {
  wheelPath: string;
  source: string;
}

/** The binary side of a build: the plan, the files taken from the asset, their tags, the generated modules. */
export interface Bundle {
  plan: TargetPlan;
  included: IncludedFile[];
  /** The included binaries' headers, by wheel path. */
  binaries: InspectedFile[];
  platformTags: string[];
  generated: GeneratedModule[];
  /** The included files (bar direct commands') and the generated modules, as package entries. */
  files: ZipEntry[];
  /** {dist}.data/scripts entries: direct commands and shell launchers. */
  scripts: ZipEntry[];
  /** The asset's sha256 (hex; "" for a local folder). */
  assetSha256: string;
  /** Every file taken from the asset, by its final path in the wheel, with its sha256 (hex): for the SBOM. */
  upstreamFiles: { path: string; sha256: string }[];
}

/**
 * Runs `body` with a scratch folder and a spool, both removed afterwards. A damaged cache file
 * found on the way is deleted, reported in one line, and the build starts again, which rebuilds
 * the entry from the asset (a damaged asset is downloaded again): at most a few times.
 */
export async function withScratch<T>(body: (scratch: string, spool: Spool) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    // A temporary folder like any other: removed on a signal, swept by the next run if killed.
    sweepTemporaries(tmpdir());
    const scratch = temporaryPath(path.join(tmpdir(), "binwheel-scratch"));
    mkdirSync(scratch, { mode: 0o700 });
    const spool = await Spool.create(path.join(scratch, "spool"));
    try {
      return await body(scratch, spool);
    } catch (e) {
      if (!(e instanceof DamagedCacheFile) || attempt === 3) throw e;
      e.remove();
      warn(`${e.file} in the download cache was damaged; deleted it and building again.`);
    } finally {
      await spool.close();
      discard(scratch);
    }
  }
}

/** Builds the wheel and returns its file name (placed in `outDir`). */
export async function buildWheel(req: WheelRequest): Promise<string> {
  record("phase: start-up (process start to build)", performance.now());
  let t = performance.now();
  const project = loadProject(req.projectDir, req.options.upstreamVersion);
  spent("phase: project", t);
  return withScratch(async (scratch, spool) => {
    let tags: WheelTags = PURE_TAGS;
    let bundle: Bundle | undefined;
    const entries: ZipEntry[] = [];
    if (project.config.upstream) {
      bundle = await bundleBinaries(project, req, scratch, spool, { editable: false });
      for (const file of [...bundle.files, ...bundle.scripts]) entries.push(file);
    }
    // One at a time: a spread of a huge package's files would overflow the stack.
    t = performance.now();
    const sources = await sourceEntries(project, spool);
    // Every large file is compressed: the rest are small, compressed on this thread.
    await deflateDone();
    spent("phase: package files", t);
    t = performance.now();
    for (const entry of sources.entries) entries.push(entry);
    if (bundle) {
      const stray = sources.binaries.find((b) => cannotRun(bundle!.plan.target, b.info));
      if (stray) refuseStrayBinary(stray, `${cannotRun(bundle.plan.target, stray.info)!}, and it is one of the project's own files (not from the asset)`);
      tags = binaryTags(sources.binaries.length ? wheelPlatformTags(bundle.plan, [...bundle.binaries, ...sources.binaries], req.env) : bundle.platformTags);
    } else if (sources.binaries.length) refuseStrayBinary(sources.binaries[0]!, `is ${article(sources.binaries[0]!.info.format)} binary among the project's own files, but a pure wheel (py3-none-any) holds no binaries`);
    const distInfo = distInfoDir(project);
    const described = req.metadataDir ? await readPreparedMetadata(project, req.metadataDir) : await distInfoFiles(project, bundle?.plan.target.triple, false);
    entries.push(...distInfoEntries(distInfo, described, renderWheelFile(tags, !project.config.upstream)));
    if (bundle) {
      const sbom = await renderSbom({ project, plan: bundle.plan, assetSha256: bundle.assetSha256, files: bundle.upstreamFiles, env: req.env });
      entries.push({ name: `${distInfo}/${SBOM_NAME}`, mode: 0o644, member: memberFromBuffer(Buffer.from(sbom)) });
    }
    const fileName = wheelFileName(project.metadata.name, project.metadata.version, tags);
    spent("phase: .dist-info and SBOM", t);
    t = performance.now();
    await writeWheel(req.outDir, fileName, distInfo, entries, req.env);
    spent("phase: zip", t);
    return fileName;
  });
}

/** The platform tags `binaries` give the plan's target (checked against an explicit setting). */
function wheelPlatformTags(plan: TargetPlan, binaries: InspectedFile[], env: NodeJS.ProcessEnv): string[] {
  return platformTags(plan.target, plan.config.tags, binaries, {
    requireBundled: true,
    ...(env["MACOSX_DEPLOYMENT_TARGET"] && { macosxDeploymentTarget: env["MACOSX_DEPLOYMENT_TARGET"] }),
    ...(env["AUDITWHEEL_PLAT"] && { auditwheelPlat: env["AUDITWHEEL_PLAT"] }),
  });
}

/** The lock's size must be the bytes' size too: a lock whose sha256 and size disagree was edited by hand. */
function checkLockedSize(plan: TargetPlan, locked: LockedAsset, size: number): void {
  if (size !== locked.size) {
    fail(
      `binwheel.lock gives ${plan.target.triple}'s asset ${plan.assetName} the sha256 ${locked.sha256} and the size ${locked.size} bytes, but the bytes with that sha256 are ${size} bytes long. ` +
        "The lock was changed by hand; run binwheel lock to write it again.",
    );
  }
}

/** A binary among the project's own files that the wheel cannot carry: an error saying how to leave it out. */
function refuseStrayBinary(binary: InspectedFile, problem: string): never {
  fail(
    `${binary.path} ${problem}. ` +
      `If it is a leftover (an old build, another platform's binary), delete it or leave it out with [tool.binwheel] exclude = ["${binary.path}"].`,
  );
}

/** Assets are fetched in turns: two downloads at once would only share the link and double their garbage. */
const assetTurns = takingTurns();

/**
 * Fetches the target's asset, applies the include rules, derives (or checks) the platform tags
 * from the binaries' headers, decides how each command is installed (commands.ts) and renders
 * the generated modules. `editable`: for build_editable, whose commands run from the source tree.
 */
export async function bundleBinaries(project: Project, req: WheelRequest, scratch: string, spool: Spool, { editable }: { editable: boolean }): Promise<Bundle> {
  let t = performance.now();
  const plan = planTarget(project, req.options, req.host, req.env);
  const asset = await assetTurns(() => fetchUpstreamAsset(plan, scratch, req.env, req.options, project.root));
  spent("phase: asset", t);
  t = performance.now();
  if (plan.locked && !asset.folder) checkLockedSize(plan, plan.locked, statSync(asset.file).size);
  // Compressed members go to the cache (kept for the next build of this asset) when there is one.
  // A local folder's files change with every build of it: they are not worth keeping.
  const cache = asset.folder ? undefined : AssetCache.open(req.env);
  const members = cache && MemberCache.open(cache.dir);
  const included = await includeFromArchive(asset, plan, members ?? spool, members);
  spent("phase: archive (read, deflate, inspect)", t);
  const binaries = included.flatMap((f) => (f.binary ? [{ path: f.wheelPath, info: f.binary }] : []));
  const tags = wheelPlatformTags(plan, binaries, req.env);
  const commands = planCommands(project, plan, included, editable);
  const generated = generatedModules(project, plan, included, commands);
  const files = [
    ...included.filter((f) => !commands.moved.has(f.wheelPath)).map((f) => ({ name: f.wheelPath, origin: `${plan.assetName}'s "${f.archivePath}"`, mode: f.mode, member: f.member })),
    ...generated.map((m) => ({ name: m.wheelPath, origin: `binwheel's generated module ${m.wheelPath}`, mode: 0o644, member: memberFromBuffer(Buffer.from(m.source)) })),
  ];
  const upstreamFiles = included.map((f) => ({ path: commands.moved.get(f.wheelPath) ?? f.wheelPath, sha256: Buffer.from(f.member.sha256, "base64url").toString("hex") }));
  return { plan, included, binaries, platformTags: tags, generated, files, scripts: commands.scripts, assetSha256: asset.sha256, upstreamFiles };
}

/**
 * Wheel paths of the modules binwheel generates; the source tree's copies (editable) are skipped.
 * A file of the project's own at such a path is an error: it would silently be replaced.
 */
export function generatedPaths(project: Project): string[] {
  const pkg = launcherPackage(project);
  const paths = [
    ...(pkg && project.config.scripts.length > 0 ? [launcherPath(pkg)] : []),
    ...(pkg && project.config.main !== undefined ? [mainPath(pkg)] : []),
    ...(project.config.locator ? [project.config.locator] : []),
  ];
  for (const wheelPath of paths) {
    const owner = project.config.packages.find((p) => p.name === wheelPath.split("/")[0])!;
    const file = path.join(path.dirname(owner.path), ...wheelPath.split("/"));
    if (existsSync(file) && !isGeneratedModule(file)) {
      fail(
        `${wheelPath} exists in the project, but binwheel generates a module at that path (${wheelPath === project.config.locator ? "[tool.binwheel] locator" : wheelPath.endsWith("/__main__.py") ? "[tool.binwheel] main, for python -m" : "the launcher of [tool.binwheel.scripts]"}) and would replace it. ` +
          `${wheelPath.endsWith("/__main__.py") ? "Keep your own __main__.py and remove main" : "Rename your module, or choose another locator path"}.`,
      );
    }
  }
  return paths;
}

function generatedModules(project: Project, plan: TargetPlan, included: IncludedFile[], commands: CommandPlan): GeneratedModule[] {
  const { locator } = project.config;
  const libraryDirs = [...new Set(included.filter((f) => isLibrary(f.wheelPath)).map((f) => path.posix.dirname(f.wheelPath)))].sort();
  const modules: GeneratedModule[] = [];
  const pkg = launcherPackage(project);
  if (commands.launched.length > 0 && pkg) modules.push({ wheelPath: launcherPath(pkg), source: renderLauncher(pkg, commands.launched, libraryDirs) });
  const { main } = project.config;
  if (main !== undefined && pkg) {
    modules.push({ wheelPath: mainPath(pkg), source: renderMain(pkg, main, launcherFunction(commands.launched.map((c) => c.name), main)) });
  }
  if (locator) {
    modules.push({
      wheelPath: locator,
      source: renderLocator(locator, { target: plan.target.triple, platform: plan.placeholders["platform"]!, executables: commands.executables, libraryDirs }),
    });
  }
  return modules;
}

/**
 * The project's packages; files of a deflate block or more (data files) stream through the spool,
 * as in include.ts. Every file's headers are read as it goes by, like an upstream file's: a binary
 * among the project's own files counts toward the tags (or is refused).
 */
async function sourceEntries(project: Project, spool: Spool): Promise<{ entries: ZipEntry[]; binaries: InspectedFile[] }> {
  const entries: ZipEntry[] = [];
  const binaries: InspectedFile[] = [];
  for (const f of packageFiles(project.root, project.config.packages, binaryDirsOfAllTargets(project), generatedPaths(project), project.config.exclude)) {
    let member: Member;
    let binary: BinaryInfo | undefined;
    if (f.size < BLOCK) {
      const content = await readFile(f.absolute);
      member = memberFromBuffer(content);
      binary = await inspectBuffer(content, f.wheelPath);
    } else {
      const capture = new HeadCapture(f.wheelPath);
      const streamed = await spool.add(capture.tee(createReadStream(f.absolute)));
      member = streamed.member;
      binary = await capture.headers(streamed.content, member.size);
    }
    if (binary) binaries.push({ path: f.wheelPath, info: binary });
    entries.push({ name: f.wheelPath, origin: `the project file ${path.relative(project.root, f.absolute).split(path.sep).join("/")}`, mode: f.mode, member });
  }
  return { entries, binaries };
}

export function distInfoEntries(distInfo: string, files: DistInfoFile[], wheelFile: string): ZipEntry[] {
  return [...files, { path: "WHEEL", content: Buffer.from(wheelFile, "utf8") }].map((f) => ({
    name: `${distInfo}/${f.path}`,
    mode: 0o644,
    member: memberFromBuffer(f.content),
  }));
}
