// build_wheel: project -> (upstream asset -> included binaries + generated modules) + Python
// packages + .dist-info -> one zip. The binary part is shared with build_editable.
import { createReadStream, existsSync, mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { includeFromArchive, type IncludedFile } from "../archive/include.js";
import { loadProject, type Project } from "../config/pyproject.js";
import type { BuildOptions } from "../config/settings.js";
import { fail } from "../errors.js";
import { warn } from "../log.js";
import { discard, sweepTemporaries, temporaryPath } from "../tempfiles.js";
import { platformTags } from "../inspect/platform-tags.js";
import type { HostFacts } from "../target/host.js";
import { binaryDirsOfAllTargets, planTarget, type TargetPlan } from "../target/plan.js";
import { fetchUpstreamAsset } from "../upstream/asset.js";
import { AssetCache } from "../upstream/cache.js";
import { MemberCache } from "./member-cache.js";
import { commandsFor, distInfoDir, distInfoFiles, launcherPackage, readPreparedMetadata, type DistInfoFile } from "./distinfo.js";
import { BLOCK } from "./libdeflate.js";
import { DamagedCacheFile, Spool, memberFromBuffer } from "./member.js";
import { isGeneratedModule, launcherPath, renderLauncher, renderLocator } from "./runtime.js";
import { packageFiles } from "./sources.js";
import { PURE_TAGS, binaryTags, renderWheelFile, wheelFileName, type WheelTags } from "./tags.js";
import { writeWheel } from "./write.js";
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
  platformTags: string[];
  generated: GeneratedModule[];
  /** The included files and the generated modules, as wheel entries. */
  files: ZipEntry[];
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
  const project = loadProject(req.projectDir, req.options.upstreamVersion);
  return withScratch(async (scratch, spool) => {
    let tags: WheelTags = PURE_TAGS;
    let triple: string | undefined;
    const entries: ZipEntry[] = [];
    if (project.config.upstream) {
      const bundle = await bundleBinaries(project, req, scratch, spool);
      tags = binaryTags(bundle.platformTags);
      triple = bundle.plan.target.triple;
      for (const file of bundle.files) entries.push(file);
    }
    // One at a time: a spread of a huge package's files would overflow the stack.
    for (const entry of await sourceEntries(project, spool)) entries.push(entry);
    const distInfo = distInfoDir(project);
    const described = req.metadataDir ? await readPreparedMetadata(project, req.metadataDir) : await distInfoFiles(project, triple);
    entries.push(...distInfoEntries(distInfo, described, renderWheelFile(tags, !project.config.upstream)));
    const fileName = wheelFileName(project.metadata.name, project.metadata.version, tags);
    await writeWheel(req.outDir, fileName, distInfo, entries, req.env);
    return fileName;
  });
}

/**
 * Fetches the target's asset, applies the include rules, derives (or checks) the platform tags
 * from the binaries' headers and renders the generated modules.
 */
export async function bundleBinaries(project: Project, req: WheelRequest, scratch: string, spool: Spool): Promise<Bundle> {
  const plan = planTarget(project, req.options, req.host, req.env);
  const asset = await fetchUpstreamAsset(plan, scratch, req.env, req.options, project.root);
  // Compressed members go to the cache (kept for the next build of this asset) when there is one.
  // A local folder's files change with every build of it: they are not worth keeping.
  const cache = asset.folder ? undefined : AssetCache.open(req.env);
  const members = cache && MemberCache.open(cache.dir);
  const included = await includeFromArchive(asset, plan, members ?? spool, scratch, members);
  const binaries = included.flatMap((f) => (f.binary ? [{ path: f.wheelPath, info: f.binary }] : []));
  const tags = platformTags(plan.target, plan.config.tags, binaries, {
    ...(req.env["MACOSX_DEPLOYMENT_TARGET"] && { macosxDeploymentTarget: req.env["MACOSX_DEPLOYMENT_TARGET"] }),
    ...(req.env["AUDITWHEEL_PLAT"] && { auditwheelPlat: req.env["AUDITWHEEL_PLAT"] }),
  });
  const generated = generatedModules(project, plan, included);
  const files = [
    ...included.map((f) => ({ name: f.wheelPath, origin: `${plan.assetName}'s "${f.archivePath}"`, mode: f.mode, member: f.member })),
    ...generated.map((m) => ({ name: m.wheelPath, origin: `binwheel's generated module ${m.wheelPath}`, mode: 0o644, member: memberFromBuffer(Buffer.from(m.source)) })),
  ];
  return { plan, included, platformTags: tags, generated, files };
}

/**
 * Wheel paths of the modules binwheel generates; the source tree's copies (editable) are skipped.
 * A file of the project's own at such a path is an error: it would silently be replaced.
 */
export function generatedPaths(project: Project): string[] {
  const pkg = launcherPackage(project);
  const paths = [
    ...(pkg && project.config.scripts.length > 0 ? [launcherPath(pkg)] : []),
    ...(project.config.locator ? [project.config.locator] : []),
  ];
  for (const wheelPath of paths) {
    const owner = project.config.packages.find((p) => p.name === wheelPath.split("/")[0])!;
    const file = path.join(path.dirname(owner.path), ...wheelPath.split("/"));
    if (existsSync(file) && !isGeneratedModule(file)) {
      fail(
        `${wheelPath} exists in the project, but binwheel generates a module at that path (${wheelPath === project.config.locator ? "[tool.binwheel] locator" : "the launcher of [tool.binwheel.scripts]"}) and would replace it. ` +
          "Rename your module, or choose another locator path.",
      );
    }
  }
  return paths;
}

function generatedModules(project: Project, plan: TargetPlan, included: IncludedFile[]): GeneratedModule[] {
  const { locator } = project.config;
  const scripts = commandsFor(project, plan.target.triple);
  const isLibrary = (f: IncludedFile) => /\.(so(\.\d+)*|dylib|dll)$/i.test(f.wheelPath);
  const executables = included
    .filter((f) => f.mode === 0o755 && !isLibrary(f))
    .map((f) => ({ name: path.posix.basename(f.wheelPath).replace(/\.exe$/i, ""), wheelPath: f.wheelPath }));
  const libraryDirs = [...new Set(included.filter(isLibrary).map((f) => path.posix.dirname(f.wheelPath)))].sort();
  const modules: GeneratedModule[] = [];
  const pkg = launcherPackage(project);
  if (scripts.length > 0 && pkg) {
    const commands = scripts.map(({ name, executable: exe }) => {
      const found = executables.filter((e) => e.name === exe);
      if (found.length !== 1) {
        fail(
          `[tool.binwheel.scripts] ${name} = "${exe}": ${found.length === 0 ? "no" : "more than one"} included executable is named "${exe}"${plan.target.os === "windows" ? ` or "${exe}.exe"` : ""} for ${plan.target.triple}. ` +
            `Included executables: ${executables.map((e) => e.wheelPath).join(", ") || "none"}.`,
        );
      }
      return { name, wheelPath: found[0]!.wheelPath };
    });
    const clash = commands.find((c) => project.metadata.scripts.some(([n]) => n === c.name));
    if (clash) fail(`the command "${clash.name}" is defined in both [project.scripts] and [tool.binwheel.scripts]; keep one.`);
    modules.push({ wheelPath: launcherPath(pkg), source: renderLauncher(pkg, commands, libraryDirs) });
  }
  if (locator) {
    modules.push({
      wheelPath: locator,
      source: renderLocator(locator, { target: plan.target.triple, platform: plan.placeholders["platform"]!, executables, libraryDirs }),
    });
  }
  return modules;
}

/** The project's packages; files of a deflate block or more (data files) stream through the spool, as in include.ts. */
async function sourceEntries(project: Project, spool: Spool): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  for (const f of packageFiles(project.root, project.config.packages, binaryDirsOfAllTargets(project), generatedPaths(project))) {
    const member = f.size < BLOCK ? memberFromBuffer(await readFile(f.absolute)) : await spool.add(createReadStream(f.absolute));
    entries.push({ name: f.wheelPath, origin: `the project file ${path.relative(project.root, f.absolute).split(path.sep).join("/")}`, mode: f.mode, member });
  }
  return entries;
}

export function distInfoEntries(distInfo: string, files: DistInfoFile[], wheelFile: string): ZipEntry[] {
  return [...files, { path: "WHEEL", content: Buffer.from(wheelFile, "utf8") }].map((f) => ({
    name: `${distInfo}/${f.path}`,
    mode: 0o644,
    member: memberFromBuffer(f.content),
  }));
}
