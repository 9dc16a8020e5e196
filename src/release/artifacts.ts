// The distribution files of one version: built for every target (and the sdist), or picked up
// from a folder a previous step built them into.
import { readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import type { Project } from "../config/pyproject.js";
import type { BuildOptions } from "../config/settings.js";
import { fail } from "../errors.js";
import { buildSdist } from "../sdist/build.js";
import { buildWheel } from "../wheel/build.js";
import { sha256OfFile } from "../fs/hash.js";
import { distributionStem } from "../wheel/tags.js";
import type { TargetInfo } from "../platform/triples.js";

export interface Artifact {
  file: string;
  name: string;
  kind: "wheel" | "sdist";
  /** The target triple a wheel was built for, when known. */
  target?: string;
  /** The wheel's platform tags as in its name ("any" for pure wheels). */
  tags?: string;
  size: number;
  sha256: string;
}

/**
 * Builds the sdist (if asked) and the wheels of `targets` (default: every configured target), two
 * targets at a time. If any build fails, or two targets give one wheel name (the second would
 * have replaced the first), the files this call wrote are removed before the error is passed on.
 */
export async function buildArtifacts(project: Project, outDir: string, options: BuildOptions, env: NodeJS.ProcessEnv, sdist: boolean, targets?: readonly string[]): Promise<Artifact[]> {
  const built: { file: string; target?: string }[] = [];
  const jobs: (string | undefined)[] = targets ? [...targets] : project.config.upstream ? project.config.targets.map((t) => t.triple) : [undefined];
  let next = 0;
  let failed = false;
  // Two builds at a time: downloads overlap with compression, and there are two cores.
  const worker = async () => {
    while (next < jobs.length && !failed) {
      const target = jobs[next++];
      try {
        const wheel = await buildWheel({ projectDir: project.root, outDir, options: { ...options, ...(target && { target }) }, env });
        const twin = built.find((b) => b.file === wheel);
        built.push({ file: wheel, ...(target && { target }) });
        if (twin) sameWheel(wheel, twin.target, target);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  try {
    if (sdist) built.push({ file: await buildSdist({ projectDir: project.root, outDir, options, env }) });
    const outcomes = await Promise.allSettled([worker(), worker()]);
    const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (rejected) throw rejected.reason;
  } catch (e) {
    removeArtifacts(outDir, built.map((b) => b.file));
    throw e;
  }
  built.sort((a, b) => (a.file < b.file ? -1 : 1));
  return Promise.all(built.map((b) => describe(path.join(outDir, b.file), b.target)));
}

/** Two targets built one wheel name: the second replaced the first. Says which, and how to keep one. */
function sameWheel(wheel: string, first: string | undefined, second: string | undefined): never {
  const tags = wheel.slice(0, -4).split("-").pop()!;
  fail(
    `${first} and ${second} both build ${wheel}: their binaries get the same platform tags (${tags}), as static binaries do for a gnu and a musl target, ` +
      "so one wheel would replace the other. Nothing was kept. Build one of them: remove the other from [tool.binwheel.targets] " +
      `(one wheel whose tags name both serves both), or give each its own tags there ("${second}" = "<tags>"). binwheel targets --fetch shows each target's tags.`,
  );
}

/** A target and its wheel's platform tags, when known (set in pyproject.toml, or derived from its binaries). */
export interface TargetTags {
  target: TargetInfo;
  tags?: readonly string[];
}

/**
 * What `binwheel targets` warns about: two targets with the same tags build one wheel name (a
 * build of both stops); two that share some tags leave installers to pick either wheel. With
 * tags not yet known, a gnu and a musl target of one architecture may still get the same ones.
 */
export function tagOverlaps(targets: readonly TargetTags[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < targets.length; i++) {
    for (const other of targets.slice(i + 1)) {
      const one = targets[i]!;
      const [a, b] = [one.target.triple, other.target.triple];
      if (one.tags && other.tags) {
        const shared = one.tags.filter((t) => other.tags!.includes(t));
        const same = shared.length === one.tags.length && shared.length === other.tags.length;
        if (same) found.push(`${a} and ${b} have the same tags (${shared.join(".")}): they build one wheel name, and a build of both stops. Keep one of them.`);
        else if (shared.length) found.push(`${a} and ${b} share ${shared.join(", ")}: an installer on such a system may take either wheel. Give them tags that do not overlap.`);
      } else if (one.target.libc && other.target.libc && one.target.libc !== other.target.libc && one.target.arch === other.target.arch) {
        found.push(`${a} and ${b} get the same tags if their binaries are static (one wheel name for both); binwheel targets --fetch shows the tags.`);
      }
    }
  }
  return found;
}

/** Removes distributions a failed run wrote (the README promises a failure leaves nothing). */
export function removeArtifacts(outDir: string, names: string[]): void {
  for (const name of names) rmSync(path.join(outDir, name), { force: true });
}

/** The version's wheels and sdist found in `dir` (files of other projects or versions are ignored). */
export async function collectArtifacts(project: Project, dir: string): Promise<Artifact[]> {
  const stem = distributionStem(project.metadata.name, project.metadata.version);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    fail(`${dir} does not exist; build the distributions into it first (binwheel build --all-targets --sdist --out-dir ${dir}).`);
  }
  const mine = names.filter((n) => n === `${stem}.tar.gz` || (n.startsWith(`${stem}-`) && n.endsWith(".whl"))).sort();
  if (mine.length === 0) fail(`${dir} holds no wheel or sdist of ${project.metadata.name} ${project.metadata.version} (${stem}-*.whl, ${stem}.tar.gz).`);
  return Promise.all(mine.map((n) => describe(path.join(dir, n), undefined)));
}

async function describe(file: string, target: string | undefined): Promise<Artifact> {
  const name = path.basename(file);
  const sha256 = await sha256OfFile(file);
  const wheel = name.endsWith(".whl");
  return {
    file,
    name,
    kind: wheel ? "wheel" : "sdist",
    ...(target && { target }),
    ...(wheel && { tags: name.slice(0, -4).split("-").pop()! }),
    size: statSync(file).size,
    sha256,
  };
}
