// build_editable (PEP 660): the wheel holds a .pth file that puts the source tree on sys.path, and
// the host's upstream binaries (with the generated launcher and locator modules) are written into
// the package folders of the source tree, at the same paths they have in a wheel, as maturin's
// develop does. Editing the Python code needs no reinstall; the console commands work.
import { writeFile, mkdir, rename } from "node:fs/promises";
import path from "node:path";
import { loadProject, type Project } from "../config/pyproject.js";
import { info } from "../log.js";
import { escapedName } from "../names.js";
import { bundleBinaries, distInfoEntries, withScratch, type WheelRequest } from "./build.js";
import { distInfoDir, distInfoFiles, readPreparedMetadata } from "./distinfo.js";
import { extractMember, memberFromBuffer } from "./member.js";
import { PURE_TAGS, binaryTags, renderWheelFile, wheelFileName, type WheelTags } from "./tags.js";
import { writeWheel } from "./write.js";

export async function buildEditable(req: WheelRequest): Promise<string> {
  const project = loadProject(req.projectDir, req.options.upstreamVersion);
  return withScratch(async (scratch, spool) => {
    let tags: WheelTags = PURE_TAGS;
    if (project.config.upstream) {
      const bundle = await bundleBinaries(project, req, scratch, spool);
      tags = binaryTags(bundle.platformTags);
      for (const file of bundle.included) await extractMember(file.member, inSourceTree(project, file.wheelPath), file.mode);
      for (const module of bundle.generated) await writeAtomically(inSourceTree(project, module.wheelPath), module.source);
      info(`editable install: wrote ${bundle.included.length} files from ${bundle.plan.assetName} and ${bundle.generated.length} generated modules into the source tree`);
    }
    const distInfo = distInfoDir(project);
    const described = req.metadataDir ? await readPreparedMetadata(project, req.metadataDir) : await distInfoFiles(project);
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

/** Where a wheel path lives in the source tree: beside the package it starts with. */
function inSourceTree(project: Project, wheelPath: string): string {
  const top = wheelPath.split("/")[0];
  const pkg = project.config.packages.find((p) => p.name === top) ?? project.config.packages[0]!;
  return path.join(path.dirname(pkg.path), ...wheelPath.split("/"));
}

async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}
