// build_editable (PEP 660): the wheel holds a .pth file that puts the source tree on sys.path, and
// the host's upstream binaries (with the generated launcher and locator modules) are written into
// the package folders of the source tree, at the same paths they have in a wheel, as maturin's
// develop does. Editing the Python code needs no reinstall; the console commands work.
//
// Writing into the author's tree is done with care: every path passes the artifact gate, lands
// inside a package folder (never through a link that leaves it), and never replaces a file that
// binwheel did not write there itself. What it wrote is recorded (editable-record.ts) with each
// file's hash, so a later install may replace its own files (and remove those it no longer
// needs) but nothing the author made or changed.
import { lstatSync, mkdirSync, realpathSync, rmSync, type Stats } from "node:fs";
import path from "node:path";
import { ArtifactPaths, UNSAFE_CHARACTERS, pathProblem, printable } from "../fs/artifact-path.js";
import { loadProject, type Project } from "../config/pyproject.js";
import { fail } from "../errors.js";
import { folderLeaves, isInside } from "../fs/files.js";
import { info } from "../log.js";
import { escapedName } from "../python/names.js";
import { binaryDirsOfAllTargets } from "../plan/target-plan.js";
import { sha256OfFile } from "../fs/hash.js";
import { bundleBinaries, distInfoEntries, generatedPaths, withScratch, type WheelRequest } from "./build.js";
import { distInfoDir, distInfoFiles, readPreparedMetadata } from "./distinfo.js";
import { readEditableRecord, writeEditableRecord } from "./editable-record.js";
import { extractMember, memberFromBuffer } from "./member.js";
import { PURE_TAGS, binaryTags, renderWheelFile, wheelFileName, type WheelTags } from "./tags.js";
import { writeWheel } from "./write.js";
import type { ZipEntry } from "./zip-writer.js";

export async function buildEditable(req: WheelRequest): Promise<string> {
  const project = loadProject(req.projectDir, req.options.upstreamVersion);
  return withScratch(async (scratch, spool) => {
    let tags: WheelTags = PURE_TAGS;
    let triple: string | undefined;
    let scripts: ZipEntry[] = [];
    if (project.config.upstream) {
      const bundle = await bundleBinaries(project, req, scratch, spool, { editable: true });
      tags = binaryTags(bundle.platformTags);
      triple = bundle.plan.target.triple;
      await writeIntoTree(project, bundle.files);
      // Direct commands go where any command goes: into the environment's scripts folder.
      scripts = bundle.scripts;
      info(`editable install: wrote ${bundle.included.length} files from ${bundle.plan.assetName} and ${bundle.generated.length} generated modules into the source tree`);
    }
    const distInfo = distInfoDir(project);
    const described = req.metadataDir ? await readPreparedMetadata(project, req.metadataDir) : await distInfoFiles(project, triple, true);
    const roots = [...new Set(project.config.packages.map((p) => path.dirname(p.path)))];
    // Each line of a .pth is a path, or code when it starts with "import": a line break in a path would be both.
    const unsafe = roots.find((root) => UNSAFE_CHARACTERS.test(root));
    if (unsafe) fail(`the project's folder ${printable(unsafe)} holds a control character or line break, which a .pth file cannot hold safely. Move the project to a plainer path.`);
    const pth = `${roots.join("\n")}\n`;
    const entries = [
      { name: `${escapedName(project.metadata.name)}.pth`, mode: 0o644, member: memberFromBuffer(Buffer.from(pth, "utf8")) },
      ...scripts,
      ...distInfoEntries(distInfo, described, renderWheelFile(tags, !project.config.upstream)),
    ];
    const fileName = wheelFileName(project.metadata.name, project.metadata.version, tags);
    await writeWheel(req.outDir, fileName, distInfo, entries, req.env);
    return fileName;
  });
}

async function writeIntoTree(project: Project, files: ZipEntry[]): Promise<void> {
  const paths = new ArtifactPaths("the editable install");
  for (const f of files) paths.add(f.name, f.origin!);
  const previous = readEditableRecord(project.root);
  // Everything is checked before anything is written: a refusal leaves the tree as it was.
  const planned: { file: ZipEntry; destination: string; relative: string }[] = [];
  for (const file of files) {
    const { destination, pkg } = inPackage(project, file.name, file.origin!);
    const relative = path.relative(project.root, destination).split(path.sep).join("/");
    const leaves = folderLeaves(pkg, path.dirname(destination));
    if (leaves) fail(`${file.origin} would be written to ${file.name}, but ${leaves}. Remove the link.`);
    if (lstatOrUndefined(destination)) {
      const recorded = previous[relative];
      if (recorded === undefined || !lstatOrUndefined(destination)!.isFile() || (await fileHash(destination)) !== recorded) {
        fail(
          `the editable install would write ${relative} (${file.origin}), but a file binwheel did not write is there ` +
            `(or it changed since binwheel wrote it). binwheel never replaces the project's own files: move or delete ${relative}, or change the include rule's "to".`,
        );
      }
    }
    planned.push({ file, destination, relative });
  }
  const written: Record<string, string> = {};
  let complete = false;
  try {
    for (const { file, destination, relative } of planned) {
      mkdirSync(path.dirname(destination), { recursive: true });
      await extractMember(file.member, destination, file.mode);
      written[relative] = file.member.sha256;
    }
    // Files an earlier install wrote and this one does not (another target's binaries): removed
    // if untouched, and only where binwheel writes (a record is a file in the tree, not an order).
    const owned = ownedPaths(project);
    for (const [relative, hash] of Object.entries(previous)) {
      if (relative in written || !owned(relative)) continue;
      const file = path.join(project.root, ...relative.split("/"));
      if (lstatOrUndefined(file)?.isFile() && isInside(realpathSync(project.root), realpathSync(file)) && (await fileHash(file)) === hash) rmSync(file);
    }
    complete = true;
  } finally {
    // A stop half way still records what was written, so the next install may replace it.
    await writeEditableRecord(project.root, complete ? written : { ...previous, ...written });
  }
}

/** Whether a project-relative path is one binwheel writes: in an include destination, or a generated module. */
function ownedPaths(project: Project): (relative: string) => boolean {
  const dirs = binaryDirsOfAllTargets(project);
  const generated = generatedPaths(project);
  return (relative) => {
    if (pathProblem(relative)) return false;
    for (const pkg of project.config.packages) {
      const inTree = path.relative(project.root, path.dirname(pkg.path)).split(path.sep).join("/");
      const wheelPath = inTree ? (relative.startsWith(`${inTree}/`) ? relative.slice(inTree.length + 1) : undefined) : relative;
      if (wheelPath !== undefined && (generated.includes(wheelPath) || dirs.some((d) => wheelPath.startsWith(`${d}/`)))) return true;
    }
    return false;
  };
}

/** Where a wheel path lives in the source tree: inside the package folder it starts with. */
function inPackage(project: Project, wheelPath: string, origin: string): { destination: string; pkg: string } {
  const [top, ...rest] = wheelPath.split("/");
  const pkg = project.config.packages.find((p) => !p.isModule && p.name === top);
  if (!pkg || rest.length === 0) fail(`${origin} would go to ${wheelPath}, which is not inside one of the project's package folders; an editable install writes only there.`);
  return { destination: path.join(pkg.path, ...rest), pkg: pkg.path };
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/** RECORD's form of a file's sha256 (urlsafe base64), streamed. */
async function fileHash(file: string): Promise<string> {
  return Buffer.from(await sha256OfFile(file), "hex").toString("base64url");
}
