// `binwheel lock`: each configured target's asset, fetched and verified as a build would (a pin,
// the host's digest, a checksum file, attestations), then described for binwheel.lock: its source,
// tag and the commit the tag points to, its name, resolved download URL (without login, query or
// fragment: the file is committed, and a link's query may be a signature), size and sha256. The old
// lock is no pin here: relocking is how a project accepts new bytes (another release, a re-upload).
import { lstatSync, statSync } from "node:fs";
import path from "node:path";
import { loadProject, type Project } from "../config/pyproject.js";
import type { BuildOptions } from "../config/settings.js";
import { fail, redactUrl } from "../errors.js";
import { info, warn } from "../log.js";
import { planTarget } from "../plan/target-plan.js";
import { writeThroughTemporary } from "../fs/tempfiles.js";
import { withScratch } from "../wheel/build.js";
import { writeFully } from "../fs/write-fully.js";
import { fetchUpstreamAsset } from "../upstream/asset.js";
import { Client, makeFetch } from "../upstream/http/fetch.js";
import { LOCK_FILE, readLock, renderLock, sourceId, type Lock, type LockedAsset } from "../config/lock.js";
import { openSource } from "../upstream/sources/select.js";

/** Writes `root`/binwheel.lock for every target; `options.upstreamVersion` moves it to that release. */
export async function writeLock(root: string, options: BuildOptions, env: NodeJS.ProcessEnv): Promise<Lock> {
  const project = projectToLock(root, options.upstreamVersion);
  const upstream = project.config.upstream!;
  const targets = new Map<string, LockedAsset>();
  for (const { triple } of project.config.targets) {
    const plan = planTarget(project, { ...options, target: triple, locked: false }, undefined, env);
    const entry = await withScratch(async (scratch) => {
      const asset = await fetchUpstreamAsset(plan, scratch, env, options, root);
      if (asset.folder) {
        warn(`${triple}'s upstream is the folder ${plan.location}, which has no one hash to lock; builds of ${triple} read it as it is. Point path at an archive to lock it.`);
        return undefined;
      }
      const kind = upstream.source.kind;
      let url = kind === "url" ? plan.location : undefined;
      let commit: string | undefined;
      // The download URL and the tag's commit come from the host itself, not from a cache or a local folder.
      if ((kind === "github" || kind === "gitlab") && !env["BINWHEEL_ASSET_DIR"] && !options.offline) {
        const source = openSource(plan, env);
        const fetchImpl = await makeFetch(env);
        const remote = await source.locate(new Client(fetchImpl, source.policy, env), fetchImpl, { commit: true });
        url = remote.url;
        commit = remote.commit;
      }
      return {
        source: sourceId(upstream),
        ...((kind === "github" || kind === "gitlab") && { tag: plan.releaseTag }),
        ...(commit && { commit }),
        asset: plan.assetName,
        ...(url && { url: redactUrl(url) }),
        size: statSync(asset.file).size,
        sha256: asset.sha256,
      };
    });
    if (entry) targets.set(triple, entry);
  }
  const lock: Lock = { upstreamVersion: project.upstreamVersion!, targets };
  const text = renderLock(lock);
  const file = path.join(root, LOCK_FILE);
  // The new lock replaces the old file (or a link, never written through); a folder it cannot.
  if (isFolder(file)) fail(`${file} is a folder; binwheel lock writes the lock file there. Move the folder away, then run binwheel lock again.`);
  await writeThroughTemporary(file, (out) => writeFully(out, Buffer.from(text), 0));
  info(`wrote ${LOCK_FILE}: ${upstream.name} ${lock.upstreamVersion}, ${targets.size} target${targets.size === 1 ? "" : "s"}`);
  return lock;
}

/**
 * The project as the lock will see it: the release is --upstream-version, else the one
 * [tool.binwheel.upstream] version names, else the current lock's, else the project version. A lock
 * that cannot be read is replaced (with a warning), never a reason not to write a new one.
 */
function projectToLock(root: string, override: string | undefined): Project {
  let previous: Lock | undefined;
  try {
    previous = readLock(root);
  } catch (e) {
    warn(`${(e as Error).message.split(". ")[0]}; writing a new one.`);
  }
  const project = loadProject(root, override, { lock: "skip" });
  if (!project.config.upstream) fail(`${root} has no [tool.binwheel.upstream]: there are no upstream binaries to lock.`);
  const configured = project.config.upstream.version;
  if (override !== undefined && configured !== undefined && override !== configured) {
    fail(`--upstream-version ${override} differs from [tool.binwheel.upstream] version = "${configured}", which every build takes; change the version there, then run binwheel lock.`);
  }
  const version = override ?? configured ?? previous?.upstreamVersion;
  return version === undefined || version === project.upstreamVersion ? project : loadProject(root, version, { lock: "skip" });
}

function isFolder(file: string): boolean {
  try {
    return lstatSync(file).isDirectory();
  } catch {
    return false;
  }
}
