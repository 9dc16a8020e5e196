// build_wheel: project -> (upstream asset -> included binaries) + Python packages + .dist-info
// -> one zip, written to a temporary name in the output folder and renamed when complete.
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, open, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadProject, type Project } from "../config/pyproject.js";
import type { BuildOptions } from "../config/settings.js";
import { fail } from "../errors.js";
import { info } from "../log.js";
import { includeFromArchive, type IncludedFile } from "../archive/include.js";
import type { HostFacts } from "../target/host.js";
import { binaryDirsOfAllTargets, planTarget, type TargetPlan } from "../target/plan.js";
import { fetchUpstreamAsset } from "../upstream/asset.js";
import { renderLauncher, type Launcher } from "./launcher.js";
import { memberFromBuffer, Spool } from "./member.js";
import { renderEntryPoints, renderMetadata } from "./metadata.js";
import { renderRecord } from "./record.js";
import { packageFiles } from "./sources.js";
import { PURE_TAGS, binaryTags, distributionStem, renderWheelFile, wheelFileName } from "./tags.js";
import { ZipWriter, dosTime, type ZipEntry } from "./zip-writer.js";

export interface WheelRequest {
  projectDir: string;
  outDir: string;
  options: BuildOptions;
  /** Facts about the Python running the build; undefined when the CLI runs without the shim. */
  host?: HostFacts;
  env: NodeJS.ProcessEnv;
}

/** Builds the wheel and returns its file name (placed in `outDir`). */
export async function buildWheel(req: WheelRequest): Promise<string> {
  const project = loadProject(req.projectDir);
  const scratch = await mkdtemp(path.join(tmpdir(), "binwheel-"));
  const spool = await Spool.create(path.join(scratch, "spool"));
  try {
    let entries: ZipEntry[];
    let fileName: string;
    if (project.config.upstream) {
      const plan = planTarget(project, req.options, req.host);
      const asset = await fetchUpstreamAsset(plan, scratch, req.env);
      const included = await includeFromArchive(asset, plan, spool);
      const launcher = makeLauncher(project, plan, included);
      const tags = binaryTags(plan.platformTags);
      fileName = wheelFileName(project.metadata.name, project.metadata.version, tags);
      entries = [
        ...included.map((f) => ({ name: f.wheelPath, mode: f.mode, member: f.member })),
        ...(launcher ? [{ name: launcher.wheelPath, mode: 0o644, member: memberFromBuffer(Buffer.from(launcher.source)) }] : []),
        ...(await sourceEntries(project, binaryDirsOfAllTargets(project), spool)),
        ...(await distInfoEntries(project, renderWheelFile(tags, false), launcher)),
      ];
    } else {
      fileName = wheelFileName(project.metadata.name, project.metadata.version, PURE_TAGS);
      entries = [
        ...(await sourceEntries(project, [], spool)),
        ...(await distInfoEntries(project, renderWheelFile(PURE_TAGS, true), undefined)),
      ];
    }
    checkUnique(entries);
    const recordPath = `${distInfoDir(project)}/RECORD`;
    await writeWheel(req.outDir, fileName, orderForWheel(entries, project), recordPath, spool, req.env);
    return fileName;
  } finally {
    await spool.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Resolves [tool.binwheel.scripts] to the included executables of this target. */
function makeLauncher(project: Project, plan: TargetPlan, included: IncludedFile[]): Launcher | undefined {
  const { scripts, packages } = project.config;
  if (scripts.length === 0) return undefined;
  const pkg = packages.find((p) => !p.isModule);
  if (!pkg) fail("[tool.binwheel.scripts] needs a Python package (a folder with __init__.py) in [tool.binwheel] packages to hold the launcher module.");
  const wanted = (exe: string) => (plan.target.os === "windows" ? [`${exe}.exe`, exe] : [exe]);
  const commands = scripts.map(([name, exe]) => {
    const names = wanted(exe);
    const found = included.filter((f) => names.includes(path.posix.basename(f.wheelPath)));
    if (found.length !== 1) {
      const executables = included.filter((f) => f.mode === 0o755).map((f) => f.wheelPath);
      fail(
        `[tool.binwheel.scripts] ${name} = "${exe}": ${found.length === 0 ? "no" : "more than one"} included file is named ${names.map((n) => `"${n}"`).join(" or ")} for ${plan.target.triple}. ` +
          `Included executables: ${executables.join(", ") || "none"}.`,
      );
    }
    return { name, wheelPath: found[0]!.wheelPath };
  });
  const clash = commands.find((c) => project.metadata.scripts.some(([n]) => n === c.name));
  if (clash) fail(`the command "${clash.name}" is defined in both [project.scripts] and [tool.binwheel.scripts]; keep one.`);
  const libraryDirs = [...new Set(included.filter((f) => /\.(so(\.\d+)*|dylib|dll)$/i.test(f.wheelPath)).map((f) => path.posix.dirname(f.wheelPath)))];
  return renderLauncher(pkg.name, commands, libraryDirs.sort());
}

/** Small files are compressed in memory; large ones (data files) stream through the spool. */
async function sourceEntries(project: Project, skipDirs: string[], spool: Spool): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  for (const f of packageFiles(project.config.packages, skipDirs)) {
    const member = f.size > 1 << 20 ? await spool.add(createReadStream(f.absolute)) : memberFromBuffer(await readFile(f.absolute));
    entries.push({ name: f.wheelPath, mode: f.mode, member });
  }
  return entries;
}

async function distInfoEntries(project: Project, wheelFile: string, launcher: Launcher | undefined): Promise<ZipEntry[]> {
  const { metadata } = project;
  const distInfo = distInfoDir(project);
  const text = (name: string, content: string): ZipEntry => ({ name: `${distInfo}/${name}`, mode: 0o644, member: memberFromBuffer(Buffer.from(content, "utf8")) });
  const entryPoints = renderEntryPoints([
    ["console_scripts", [...metadata.scripts, ...(launcher?.entryPoints ?? [])]],
    ["gui_scripts", metadata.guiScripts],
    ...metadata.entryPoints,
  ]);
  const licenses = await Promise.all(
    metadata.licenseFiles.map(async (f) => ({
      name: `${distInfo}/licenses/${f.relative}`,
      mode: 0o644,
      member: memberFromBuffer(await readFile(f.absolute)),
    })),
  );
  return [
    text("METADATA", renderMetadata(metadata)),
    text("WHEEL", wheelFile),
    ...(entryPoints ? [text("entry_points.txt", entryPoints)] : []),
    ...licenses,
  ];
}

function checkUnique(entries: ZipEntry[]): void {
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) {
      fail(`two files would go to ${e.name} in the wheel: one from the project's sources and one from the upstream archive. Move the include destination or remove the file from the source tree.`);
    }
    seen.add(e.name);
  }
}

/** Sorted by path, with the .dist-info folder last (RECORD is appended after it). */
function orderForWheel(entries: ZipEntry[], project: Project): ZipEntry[] {
  const distInfo = `${distInfoDir(project)}/`;
  const key = (e: ZipEntry) => (e.name.startsWith(distInfo) ? `1${e.name}` : `0${e.name}`);
  return [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function distInfoDir(project: Project): string {
  return `${distributionStem(project.metadata.name, project.metadata.version)}.dist-info`;
}

async function writeWheel(
  outDir: string,
  fileName: string,
  entries: ZipEntry[],
  recordPath: string,
  spool: Spool,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const temp = path.join(outDir, `.${fileName}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const out = await open(temp, "wx");
  let complete = false;
  try {
    const zip = new ZipWriter(out, spool, dosTime(env["SOURCE_DATE_EPOCH"]));
    for (const entry of entries) await zip.add(entry);
    const record = renderRecord(entries.map((e) => ({ path: e.name, sha256: e.member.sha256, size: e.member.size })), recordPath);
    await zip.add({ name: recordPath, mode: 0o644, member: memberFromBuffer(Buffer.from(record, "utf8")) });
    const size = await zip.finish();
    await out.close();
    await rename(temp, path.join(outDir, fileName));
    complete = true;
    info(`built ${fileName} (${entries.length + 1} files, ${(size / 1048576).toFixed(1)} MiB)`);
  } finally {
    if (!complete) {
      await out.close().catch(() => {});
      await rm(temp, { force: true });
    }
  }
}

