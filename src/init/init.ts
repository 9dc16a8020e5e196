// `binwheel init`: a project's first pyproject.toml, written from a release. It reads the asset
// names (GitHub's or GitLab's API, or a folder of files), works out the targets, the asset
// template and vars, the archive kinds and the checksum file (assets.ts), fetches the smallest
// asset the way a build does (verified, cached, BINWHEEL_ASSET_DIR honoured) and reads what it
// holds (layout.ts), then checks the configuration it wrote by loading and planning it, before
// anything lands in the project. It never writes over a file without --force.
import { lstatSync, mkdirSync, readdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadProject } from "../config/pyproject.js";
import { checkedUpstreamVersion } from "../config/template.js";
import { PATTERNS, matches } from "../config/spec.js";
import { fail, redactUrl, usage } from "../errors.js";
import { isInside, makeFolderInside } from "../fs/files.js";
import { sha256OfFile } from "../fs/hash.js";
import { writeThroughTemporary } from "../fs/tempfiles.js";
import { planTarget } from "../plan/target-plan.js";
import { escapedName, isValidProjectName } from "../python/names.js";
import { normalizeVersion } from "../python/pep440.js";
import { fetchUpstreamAsset } from "../upstream/asset.js";
import { githubReleaseListing } from "../upstream/sources/github.js";
import { gitlabReleaseListing } from "../upstream/sources/gitlab.js";
import { withScratch } from "../wheel/build.js";
import { DamagedCacheFile } from "../wheel/member.js";
import { shapeOf, versionFromNames, type ChosenTarget, type ListedAsset, type ReleaseShape } from "./assets.js";
import { layoutOf, type Layout } from "./layout.js";
import { renderPyproject, type InitConfig, type InitSource } from "./render.js";

export interface InitRequest {
  projectDir: string;
  github?: string;
  gitlab?: string;
  /** A download site's URL for the assets of --from-dir: the folder, or a template with {asset}. */
  url?: string;
  /** A folder holding the release's files (read offline). */
  fromDir?: string;
  tag?: string;
  upstreamVersion?: string;
  /** The Python distribution's name (default: the main command's). */
  name?: string;
  force: boolean;
  offline: boolean;
  env: NodeJS.ProcessEnv;
}

/** The package folder the provisional configuration sends files to, renamed once the name is known. */
const SCRATCH_PACKAGE = "binwheel_init_package";
/** The most files read from a folder of assets, and how deep. */
const FOLDER_LIMIT = 2000;
const FOLDER_DEPTH = 5;

/** --url goes into pyproject.toml as written: an http(s) URL with no login, query or fragment (a signed URL's query is a credential). */
function checkInitUrl(url: string): void {
  if (redactUrl(url) !== url) {
    usage(
      `--url ${redactUrl(url)} carries a login, a query or a fragment, which would be written into pyproject.toml for everyone to read (a signed URL's query is a credential). ` +
        "Give the folder's URL without them; put a login in ~/.netrc (docs/how-to/private-repos-and-tokens.md).",
    );
  }
  const filled = url.replace(/\{[^{}]*\}/g, "x");
  if (!URL.canParse(filled) || !["https:", "http:"].includes(new URL(filled).protocol)) {
    usage(`--url ${url} is not an http(s) URL; give the download site's folder, e.g. https://example.org/releases/{version}/.`);
  }
}

/** Writes the project's pyproject.toml and package folder; returns the report (what was assumed, what was written). */
export async function initProject(req: InitRequest): Promise<string[]> {
  const projectDir = path.resolve(req.projectDir);
  const remote = [["--github", req.github], ["--gitlab", req.gitlab], ["--url", req.url]].filter(([, v]) => v !== undefined);
  if (remote.length > 1) usage(`binwheel init takes one of --github, --gitlab and --url, not ${remote.map(([f]) => f).join(" and ")}.`);
  if (req.github !== undefined && !matches({ patterns: [PATTERNS.github] }, req.github)) usage(`--github "${req.github}" must be "owner/name", e.g. "cli/cli".`);
  if (req.gitlab !== undefined && !matches({ patterns: [PATTERNS.gitlab] }, req.gitlab)) usage(`--gitlab "${req.gitlab}" must be the project's path, "group/project" or "group/subgroup/project".`);
  if (req.url !== undefined && req.fromDir === undefined) {
    usage("--url needs --from-dir: a download site lists no assets, so binwheel init reads their names from a folder holding the same files.");
  }
  if (req.url !== undefined) checkInitUrl(req.url);
  if (remote.length === 0 && req.fromDir === undefined) usage("binwheel init needs a release to read: --github OWNER/REPO, --gitlab GROUP/PROJECT, or --from-dir DIR (with --url for a download site).");
  if (req.fromDir !== undefined && req.tag !== undefined && req.url !== undefined) usage("--tag is for --github and --gitlab releases; a --url names its release in the URL (write {version} there).");

  // A folder with no host named is a path source: it must be inside the project, which is checked before it is read.
  if (remote.length === 0 && !isInside(realpathSync(existingParent(projectDir)), realpathSync(path.resolve(projectDir, req.fromDir!)))) {
    usage(`--from-dir ${req.fromDir} is outside the project, so it cannot be a path source; say where the release is published with --github, --gitlab or --url (the folder then only supplies the names).`);
  }
  const listing = await listRelease(req, projectDir);
  const [version, versionSource] = versionOf(req, listing);
  const shape = shapeOf(listing.assets, version);
  const source = sourceOf(req, projectDir, shape);
  const tag = req.github !== undefined || req.gitlab !== undefined ? tagTemplate(listing.tag ?? `v${version}`, version) : undefined;
  // Files at hand and no checksum file: pin what they are, so every download must be these bytes.
  const pins = listing.dir !== undefined && (source.checksums === undefined)
    ? await Promise.all(shape.targets.map(async (t): Promise<[string, string]> => [t.triple, await sha256OfFile(path.join(listing.dir!, t.asset))]))
    : undefined;
  const normalized = normalizeVersion(version);
  const projectVersion = normalized ?? "0.1.0";
  const base = {
    origin: `binwheel init from ${req.url !== undefined ? `${req.url} (the names read from ${req.fromDir})` : listing.where}`,
    version: projectVersion,
    source: source.value,
    ...(normalized !== version && { upstreamVersion: version }),
    ...(tag !== undefined && tag !== "v{version}" && { tag }),
    ...(source.asset !== undefined && { asset: source.asset }),
    ...(source.checksums !== undefined && { checksums: source.checksums }),
    ...(pins && { sha256: pins }),
    targets: shape.targets,
  };
  const smallest = [...shape.targets].sort((a, b) => (a.size ?? Infinity) - (b.size ?? Infinity) || rankForLook(a) - rankForLook(b))[0]!;
  const guess = commandOf(shape.template) ?? listing.fallbackName;

  const { layout, name, pkg, text } = await withScratch(async (scratch) => {
    // The provisional configuration goes through the real reader and planner, and its smallest
    // asset through the verified download path a build takes.
    const provisional = writeProject(path.join(scratch, "provisional"), SCRATCH_PACKAGE, renderPyproject({
      ...base, name: SCRATCH_PACKAGE, description: "", include: [{ from: "**", to: `${SCRATCH_PACKAGE}/_bin` }], scripts: [],
    }));
    const file = await fetchSmallest(req, provisional, scratch, smallest, source.value);
    const found = await layoutOf(file, path.posix.basename(smallest.asset), `${SCRATCH_PACKAGE}/_bin`, guess);
    const name = req.name ?? (found.commands.includes(guess) || found.commands.length !== 1 ? guess : found.commands[0]!);
    if (!isValidProjectName(name)) fail(`"${name}" is not a valid Python project name (letters, digits, "-", "_", "."); choose one with --name.`);
    const pkg = escapedName(name);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(pkg)) fail(`the project name "${name}" gives the package name "${pkg}", which Python cannot import; choose another with --name.`);
    const layout: Layout = { ...found, rules: found.rules.map((r) => ({ ...r, to: r.to.replace(SCRATCH_PACKAGE, pkg) })) };
    const text = renderPyproject({
      ...base, name, description: `${layout.commands.join(", ") || name} from ${listing.label}, as Python wheels`, include: layout.rules, scripts: layout.commands,
    });
    checkWritten(writeProject(path.join(scratch, "final"), pkg, text), shape);
    return { layout, name, pkg, text };
  });

  const written = await writeFiles(projectDir, pkg, text, name, listing.label, req.force);
  const checksums = source.checksums
    ?? (pins ? "none among the files: each asset's sha256 is pinned in [tool.binwheel.upstream.sha256] (a new release needs new pins)"
      : shape.targets.every((t) => listing.assets.find((a) => a.name === t.asset)?.digest) ? "none: GitHub's digest of each asset verifies it"
      : "none found: downloads are used unverified, with a warning; pin them with binwheel lock");
  return report({ projectDir, listing, version, versionSource, shape, checksums, smallest, layout, name, written, notes: source.notes });
}

interface Listing {
  assets: ListedAsset[];
  tag?: string;
  /** "cli/cli v2.60.0", "the folder dist/": for messages. */
  where: string;
  /** "cli/cli's releases", "https://nodejs.org": the description's words. */
  label: string;
  /** A name for the project when the assets' names suggest none: the repository's. */
  fallbackName: string;
  /** The folder the assets are in (--from-dir), absolute. */
  dir?: string;
}

async function listRelease(req: InitRequest, projectDir: string): Promise<Listing> {
  const repoName = (req.github ?? req.gitlab ?? "").split("/").pop() || "upstream";
  if (req.fromDir !== undefined) {
    const dir = path.resolve(projectDir, req.fromDir);
    // A release is flat; a download site (or a local folder) may keep each target in its own folder.
    const assets = listFolder(dir, req.github !== undefined || req.gitlab !== undefined ? 1 : FOLDER_DEPTH);
    const label = req.github ?? req.gitlab ?? (req.url !== undefined ? new URL(req.url.replace(/\{[^{}]*\}/g, "x")).host : "local files");
    return { assets, ...(req.tag !== undefined && { tag: req.tag }), where: `the folder ${req.fromDir}`, label, fallbackName: repoName, dir };
  }
  const listing = req.github !== undefined
    ? await githubReleaseListing(...(req.github.split("/") as [string, string]), req.tag, req.env)
    : await gitlabReleaseListing(req.gitlab!, req.tag, req.env);
  const owner = req.github ?? req.gitlab!;
  return { assets: listing.assets, tag: listing.tag, where: `${owner} ${listing.tag}`, label: `${owner}'s releases`, fallbackName: repoName };
}

/** Regular files below `dir` (links to regular files count), as "/"-separated paths. */
function listFolder(dir: string, depth: number): ListedAsset[] {
  const out: ListedAsset[] = [];
  const visit = (relative: string, level: number) => {
    let names: string[];
    try {
      names = readdirSync(path.join(dir, relative)).sort();
    } catch {
      fail(`--from-dir ${dir}${relative ? `/${relative}` : ""} is not a readable folder.`);
    }
    for (const name of names) {
      const inside = relative ? `${relative}/${name}` : name;
      const stat = statSync(path.join(dir, inside), { throwIfNoEntry: false });
      if (stat?.isFile()) out.push({ name: inside, size: stat.size });
      else if (stat?.isDirectory() && level < depth) visit(inside, level + 1);
      if (out.length > FOLDER_LIMIT) fail(`--from-dir ${dir} holds more than ${FOLDER_LIMIT} files; point it at the folder of one release.`);
    }
  };
  visit("", 1);
  if (out.length === 0) fail(`--from-dir ${dir} holds no files.`);
  return out;
}

/** The source setting, the asset template and checksums as that source takes them. */
function sourceOf(req: InitRequest, projectDir: string, shape: ReleaseShape): { value: InitSource; asset?: string; checksums?: string; notes: string[] } {
  const nested = shape.template.includes("/");
  if (req.github !== undefined) return { value: { github: req.github }, asset: shape.template, ...(shape.checksums && { checksums: shape.checksums }), notes: [] };
  if (req.gitlab !== undefined) return { value: { gitlab: req.gitlab }, asset: shape.template, ...(shape.checksums && { checksums: shape.checksums }), notes: [] };
  const version = versionFromUrl(req.url);
  if (req.url !== undefined) {
    const url = version ? req.url.slice(0, pathStart(req.url)) + req.url.slice(pathStart(req.url)).split(version).join("{version}") : req.url;
    if (url.includes("{asset}")) {
      if (nested) fail(`the assets in --from-dir sit in folders (${shape.targets[0]!.asset}), so the URL must lead to them without {asset}: give --url as the folder the files' paths start from.`);
      return { value: { url }, asset: shape.template, ...(shape.checksums && { checksums: shape.checksums }), notes: [] };
    }
    // The folder's URL: a flat release appends {asset}; a nested one spells the path itself (the asset is its last part).
    const folder = url.endsWith("/") ? url : `${url}/`;
    return nested
      ? { value: { url: `${folder}${shape.template}` }, ...(shape.checksums && { checksums: shape.checksums }), notes: [] }
      : { value: { url: `${folder}{asset}` }, asset: shape.template, ...(shape.checksums && { checksums: shape.checksums }), notes: [] };
  }
  // No host: the files stay in the project (checked on the way in), as a path source.
  const relative = path.relative(realpathSync(projectDir), realpathSync(path.resolve(projectDir, req.fromDir!))).split(path.sep).join("/");
  return {
    value: { path: `${relative ? `${relative}/` : ""}${shape.template}` },
    notes: shape.checksums ? [`a path source is checked against sha256 pins only, so ${shape.checksums} is not used`] : [],
  };
}

/** `dir`, or the nearest folder above it that exists (a new project's folder is made when it is written). */
function existingParent(dir: string): string {
  let at = dir;
  while (!statSync(at, { throwIfNoEntry: false })) at = path.dirname(at);
  return at;
}

/** Smaller first; without sizes, Linux x86_64 first (the most common, and usually the simplest layout). */
function rankForLook(t: ChosenTarget): number {
  return t.triple === "x86_64-unknown-linux-gnu" ? 0 : t.triple.includes("linux") ? 1 : 2;
}

/** The smallest asset, through the path a build takes; from --from-dir, that folder is BINWHEEL_ASSET_DIR. */
async function fetchSmallest(req: InitRequest, projectDir: string, scratch: string, smallest: ChosenTarget, source: InitSource): Promise<string> {
  if ("path" in source) return path.resolve(req.projectDir, req.fromDir!, smallest.asset);
  const env = req.fromDir !== undefined ? { ...req.env, BINWHEEL_ASSET_DIR: path.dirname(path.resolve(req.projectDir, req.fromDir, smallest.asset)) } : req.env;
  const project = loadProject(projectDir);
  const plan = planTarget(project, { target: smallest.triple, offline: req.offline, locked: false, verbose: false }, undefined, env);
  const asset = await fetchUpstreamAsset(plan, scratch, env, { offline: req.offline }, projectDir);
  // A cached blob is hashed again before it is read, as a build does.
  if (asset.cached && (await sha256OfFile(asset.file)) !== asset.sha256) throw new DamagedCacheFile(asset.file, `the cached ${plan.assetName}`);
  return asset.file;
}

/** A project folder holding `text` as pyproject.toml and an empty package `pkg`. */
function writeProject(dir: string, pkg: string, text: string): string {
  mkdirSync(path.join(dir, pkg), { recursive: true });
  writeFileSync(path.join(dir, "pyproject.toml"), text, { flag: "wx" });
  writeFileSync(path.join(dir, pkg, "__init__.py"), "", { flag: "wx" });
  return dir;
}

/** The written configuration, read back and planned for every target, names each target's asset as the release does. */
function checkWritten(dir: string, shape: ReleaseShape): void {
  const project = loadProject(dir);
  for (const target of shape.targets) {
    const plan = planTarget(project, { target: target.triple, offline: true, locked: false, verbose: false }, undefined, {});
    const expected = path.posix.basename(target.asset);
    if (plan.assetName !== expected) {
      throw new Error(`binwheel init wrote a configuration that names ${target.triple}'s asset ${plan.assetName}, not ${expected}`);
    }
  }
}

/** pyproject.toml (never over one without --force) and the package's __init__.py (an existing one is kept). */
async function writeFiles(projectDir: string, pkg: string, text: string, name: string, label: string, force: boolean): Promise<string[]> {
  const pyproject = path.join(projectDir, "pyproject.toml");
  const init = path.join(projectDir, pkg, "__init__.py");
  const there = (file: string) => lstatSync(file, { throwIfNoEntry: false });
  const existing = there(pyproject);
  if (existing && !force) fail(`${pyproject} exists; binwheel init writes a new one only with --force (the old one is replaced whole).`);
  if (existing && !existing.isFile()) fail(`${pyproject} is ${existing.isSymbolicLink() ? "a symbolic link" : "not a regular file"}; binwheel init replaces only a regular file. Remove it first.`);
  mkdirSync(projectDir, { recursive: true });
  const problem = makeFolderInside(projectDir, path.dirname(init));
  if (problem) fail(`${problem}; binwheel init writes only inside the project.`);
  await writeThroughTemporary(pyproject, (out) => out.writeFile(text));
  const written = [pyproject];
  if (!there(init)) {
    await writeThroughTemporary(init, (out) => out.writeFile(`"""${name}: ${label.replace(/"/g, "'")}, packaged by binwheel."""\n`));
    written.push(init);
  }
  return written;
}

/** The upstream version and where it was read: --upstream-version, else the tag, the URL, the files' names. */
function versionOf(req: InitRequest, listing: Listing): [string, string] {
  if (req.upstreamVersion !== undefined) return [checkedUpstreamVersion(req.upstreamVersion, "--upstream-version"), "--upstream-version"];
  const fromTag = listing.tag !== undefined ? versionOfTag(listing.tag) : undefined;
  if (fromTag !== undefined) return [fromTag, `the tag ${listing.tag}`];
  const fromUrl = versionFromUrl(req.url);
  if (fromUrl !== undefined) return [fromUrl, "the URL"];
  const fromNames = versionFromNames(listing.assets.map((a) => a.name));
  if (fromNames !== undefined) return [fromNames, "the files' names"];
  fail(`binwheel init found no version in ${listing.where}'s names; give it with --upstream-version.`);
}

/** The version a tag names: "v2.60.0" -> "2.60.0", "jq-1.7.1" -> "1.7.1"; undefined for a tag without digits. */
function versionOfTag(tag: string): string | undefined {
  const m = /^(.*?)(\d[A-Za-z0-9._+~-]*)$/.exec(tag);
  return m && /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,99}$/.test(m[2]!) ? m[2] : undefined;
}

/** The tag as a template: "v2.60.0" -> "v{version}", "jq-1.7.1" -> "jq-{version}"; a tag without the version stays as it is. */
function tagTemplate(tag: string, version: string): string {
  return tag.endsWith(version) ? `${tag.slice(0, -version.length)}{version}` : tag;
}

/** Where a URL's path starts: what comes before (scheme, host, port) never holds the version. */
function pathStart(url: string): number {
  const at = url.indexOf("/", url.indexOf("://") + 3);
  return at < 0 ? url.length : at;
}

function versionFromUrl(url: string | undefined): string | undefined {
  return url === undefined ? undefined : versionFromNames([url.slice(pathStart(url)).replace(/\{[^{}]*\}/g, "")]);
}

/** The command a template's name suggests: "gh_{version}_{plat}.zip" -> "gh", "node-v{version}-..." -> "node". */
function commandOf(template: string): string | undefined {
  const last = template.split("/").pop()!;
  const lead = last.slice(0, last.indexOf("{") < 0 ? last.length : last.indexOf("{")).replace(/[-_.]v$/i, "").replace(/[-_.]+$/, "");
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(lead) ? lead : undefined;
}

interface Report {
  projectDir: string;
  listing: Listing;
  version: string;
  versionSource: string;
  shape: ReleaseShape;
  checksums: string;
  smallest: ChosenTarget;
  layout: Layout;
  name: string;
  written: string[];
  notes: string[];
}

/** A path as the user can type it from here: relative inside the current folder, else absolute. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" ? "." : relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

function report({ projectDir, listing, version, versionSource, shape, checksums, smallest, layout, name, written, notes }: Report): string[] {
  const row = (label: string, text: string) => `  ${label.padEnd(10)} ${text}`;
  const width = Math.max(...shape.targets.map((t) => t.triple.length));
  const usesVars = shape.targets.some((t) => Object.keys(t.vars).length > 0);
  return [
    `binwheel init: read ${listing.assets.length} files of ${listing.where}`,
    row("version", `${version} (from ${versionSource})`),
    row("asset", shape.template + (usesVars ? "  ({plat}: the platform as this upstream spells it, a var per target)" : "")),
    ...shape.targets.map((t, i) => row(i === 0 ? "targets" : "", `${t.triple.padEnd(width)}  ${t.asset}${t.archive ? `  (archive = "${t.archive}")` : ""}`)),
    row("checksums", checksums),
    ...shape.skipped.map((s, i) => row(i === 0 ? "left out" : "", `${s.name}: ${s.why}`)),
    row("looked in", `${smallest.asset}: ${layout.found.join("; ")}`),
    ...layout.rules.map((r, i) => row(i === 0 ? "include" : "", `${r.from} -> ${r.to}${r.as ? ` (as ${r.as})` : ""}`)),
    row("commands", layout.commands.join(", ") || "none"),
    ...[...shape.notes, ...notes, `only ${path.posix.basename(smallest.asset)} was opened: other targets' archives may differ (binwheel targets --fetch reads them all)`].map((n, i) => row(i === 0 ? "note" : "", n)),
    `wrote ${written.map(shown).join(" and ")} (project "${name}")`,
    `next: binwheel targets${projectDir === process.cwd() ? "" : ` ${shown(projectDir)}`}    (add --fetch to download every asset and see each wheel's tags)`,
  ];
}
