// The .dist-info files that describe the project (METADATA, entry_points.txt, licenses/), as
// prepare_metadata_for_build_wheel writes them and build_wheel puts them in the wheel. They depend
// on the configuration only, never on the downloaded binaries.
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Project } from "../config/pyproject.js";
import { appliesTo, type ScriptConfig } from "../config/tool.js";
import { targetInfo } from "../platform/triples.js";
import { fail } from "../errors.js";
import { renderEntryPoints, renderMetadata } from "./metadata.js";
import { scriptEntryPoints } from "./runtime.js";
import { distributionStem } from "./tags.js";

export interface DistInfoFile {
  /** Path inside the .dist-info folder, e.g. "METADATA" or "licenses/LICENSE". */
  path: string;
  content: Buffer;
}

export function distInfoDir(project: Project): string {
  return `${distributionStem(project.metadata.name, project.metadata.version)}.dist-info`;
}

/** The package that holds generated modules (the launcher): the first package folder. */
export function launcherPackage(project: Project): string | undefined {
  return project.config.packages.find((p) => !p.isModule)?.name;
}

/** The [tool.binwheel.scripts] commands a wheel for `triple` has (all of them when no command is limited to some targets). */
export function commandsFor(project: Project, triple: string | undefined): ScriptConfig[] {
  return project.config.scripts.filter((s) => s.targets === undefined || (triple !== undefined && appliesTo(s.targets, triple)));
}

/**
 * The commands the Python launcher runs through console_scripts: launchers on Windows and in
 * editable installs (elsewhere a shell launcher or the executable itself is the command, commands.ts).
 */
export function pythonLaunched(project: Project, triple: string | undefined, editable: boolean): string[] {
  const windows = triple !== undefined && targetInfo(triple)?.os === "windows";
  return windows || editable ? commandsFor(project, triple).filter((c) => !c.direct).map((c) => c.name) : [];
}

/** `triple`: the target the wheel is for, which decides its commands; `editable`: for build_editable. */
export async function distInfoFiles(project: Project, triple: string | undefined, editable: boolean): Promise<DistInfoFile[]> {
  const { metadata } = project;
  const pkg = launcherPackage(project);
  const launched = pkg ? scriptEntryPoints(pkg, pythonLaunched(project, triple, editable)) : [];
  const entryPoints = renderEntryPoints([
    ["console_scripts", [...metadata.scripts, ...launched]],
    ["gui_scripts", metadata.guiScripts],
    ...metadata.entryPoints,
  ]);
  const licenses = await Promise.all(
    metadata.licenseFiles.map(async (f) => ({ path: `licenses/${f.relative}`, content: await readFile(f.absolute) })),
  );
  return [
    { path: "METADATA", content: Buffer.from(renderMetadata(metadata), "utf8") },
    ...(entryPoints ? [{ path: "entry_points.txt", content: Buffer.from(entryPoints, "utf8") }] : []),
    ...licenses,
  ];
}

/**
 * prepare_metadata_for_build_*: writes `<name>-<version>.dist-info` into `dir` and returns its
 * name. WHEEL is left out: the platform tags are only final once the binaries are known.
 */
export async function writePreparedMetadata(project: Project, dir: string, triple: string | undefined, editable: boolean): Promise<string> {
  const name = distInfoDir(project);
  const target = path.join(dir, name);
  await rm(target, { recursive: true, force: true });
  for (const file of await distInfoFiles(project, triple, editable)) {
    await mkdir(path.dirname(path.join(target, file.path)), { recursive: true });
    await writeFile(path.join(target, file.path), file.content);
  }
  return name;
}

/**
 * The files a frontend got from prepare_metadata_for_build_*, reused byte for byte. PEP 517
 * passes the .dist-info folder itself as `metadata_directory`.
 */
export async function readPreparedMetadata(project: Project, distInfoPath: string): Promise<DistInfoFile[]> {
  const name = distInfoDir(project);
  if (path.basename(distInfoPath) !== name) {
    fail(`the build was given the metadata ${path.basename(distInfoPath)}, but the project now describes ${name}; it changed since its metadata was prepared. Run the build again.`);
  }
  const files: DistInfoFile[] = [];
  for (const entry of await readdir(distInfoPath, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(distInfoPath, full).split(path.sep).join("/");
    if (relative === "RECORD" || relative === "WHEEL") continue;
    files.push({ path: relative, content: await readFile(full) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}
