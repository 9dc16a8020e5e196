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
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
import { ArtifactPaths } from "../artifact-path.js";
import { loadProject, type Project } from "../config/pyproject.js";
import { fail } from "../errors.js";
import { isInside } from "../files.js";
import { info } from "../log.js";
import { escapedName } from "../names.js";
import { bundleBinaries, distInfoEntries, withScratch, type WheelRequest } from "./build.js";
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
    if (project.config.upstream) {
      const bundle = await bundleBinaries(project, req, scratch, spool);
      tags = binaryTags(bundle.platformTags);
      triple = bundle.plan.target.triple;
      await writeIntoTree(project, bundle.files);
      info(`editable install: wrote ${bundle.included.length} files from ${bundle.plan.assetName} and ${bundle.generated.length} generated modules into the source tree`);
    }
    const distInfo = distInfoDir(project);
    const described = req.metadataDir ? await readPreparedMetadata(project, req.metadataDir) : await distInfoFiles(project, triple);
    const pth = `${[...new Set(project.config.packages.map((p) => path.dirname(p.path)))].join("\n")}\n`;
    const entries = [
      { name: `${escapedName(project.metadata.name)}.pth`, mode: 0o644, member: memberFromBuffer(Buffer.from(pth, "utf8")) },
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
  const written: Record<string, string> = {};
  for (const f of files) {
    const destination = inPackage(project, f.name, f.origin!);
    const relative = path.relative(project.root, destination).split(path.sep).join("/");
    if (existsSync(destination) || isLink(destination)) {
      const recorded = previous[relative];
      if (recorded === undefined || !isRegularFile(destination) || fileHash(destination) !== recorded) {
        fail(
          `the editable install would write ${relative} (${f.origin}), but a file binwheel did not write is there ` +
            `(or it changed since binwheel wrote it). binwheel never replaces the project's own files: move or delete ${relative}, or change the include rule's "to".`,
        );
      }
    }
    await extractMember(f.member, destination, f.mode);
    written[relative] = f.member.sha256;
  }
  // Files an earlier install wrote and this one does not (another version's binaries): removed if untouched.
  for (const [relative, hash] of Object.entries(previous)) {
    if (relative in written) continue;
    const file = path.join(project.root, ...relative.split("/"));
    if (isRegularFile(file) && isInside(realpathSync(project.root), realpathSync(file)) && fileHash(file) === hash) rmSync(file);
  }
  await writeEditableRecord(project.root, written);
}

/**
 * Where a wheel path lives in the source tree: inside the package folder it starts with, and
 * still inside it once links are followed (the folders created below it are new, so not links).
 */
function inPackage(project: Project, wheelPath: string, origin: string): string {
  const [top, ...rest] = wheelPath.split("/");
  const pkg = project.config.packages.find((p) => !p.isModule && p.name === top);
  if (!pkg || rest.length === 0) fail(`${origin} would go to ${wheelPath}, which is not inside one of the project's package folders; an editable install writes only there.`);
  const realPkg = realpathSync(pkg.path);
  let existing = path.dirname(path.join(pkg.path, ...rest));
  while (!existsSync(existing)) existing = path.dirname(existing);
  const real = realpathSync(existing);
  if (!isInside(realPkg, real)) {
    fail(`${origin} would be written to ${wheelPath}, but ${path.relative(project.root, existing)} is a link to ${real}, outside the package folder ${pkg.name}. Remove the link.`);
  }
  mkdirSync(path.dirname(path.join(pkg.path, ...rest)), { recursive: true });
  return path.join(pkg.path, ...rest);
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function isRegularFile(file: string): boolean {
  try {
    return lstatSync(file).isFile();
  } catch {
    return false;
  }
}

function fileHash(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("base64url");
}
