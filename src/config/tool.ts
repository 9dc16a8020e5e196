// [tool.binwheel] -> where the upstream binaries come from, which targets ship, what goes where.
import { existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { fail } from "../errors.js";
import { isInside, projectFile } from "../files.js";
import { escapedName, isValidCommandName } from "../names.js";
import { ALL_PLACEHOLDERS, checkTemplate, checkedUpstreamVersion } from "../template.js";
import { KNOWN_TRIPLES, targetInfo, type Os } from "../target/triples.js";
import { Table, quoteKey } from "./values.js";

export interface PackageSource {
  /** Import name, e.g. "toondb". */
  name: string;
  /** Absolute path of the package folder, or of the module file when `isModule`. */
  path: string;
  isModule: boolean;
}

export interface UpstreamConfig {
  owner: string;
  repo: string;
  /** The upstream version; undefined means "the project version". */
  version?: string;
  tag: string;
  asset: string;
  /** Triple -> an asset name template for that target only (upstreams that name one differently). */
  assets: Map<string, string>;
  /** Triple -> pinned lowercase sha256 hex of that target's asset. */
  sha256: Map<string, string>;
  /** Fail, instead of warning, when no hash is known for an asset. */
  requireChecksum: boolean;
}

export interface IncludeRule {
  from: string;
  to: string;
  /** How the rule is named in messages: `[[tool.binwheel.include]] #2 (from = "lib/*")`. */
  label: string;
}

/** Where a dynamic [project] version comes from. */
export type VersionSource = { file: string } | { upstream: true };

export interface SdistConfig {
  /** Extra globs (relative to the project root) to put in the sdist. */
  include: string[];
  /** Globs of files to leave out of the sdist. */
  exclude: string[];
}

export interface BinwheelConfig {
  packages: PackageSource[];
  version?: VersionSource;
  /** Wheel path of the generated runtime locator module, e.g. "toondb/_binaries.py". */
  locator?: string;
  sdist: SdistConfig;
  upstream?: UpstreamConfig;
  /** Triple -> "auto" or the platform tags to use, in declaration order. */
  targets: [string, "auto" | string[]][];
  include: IncludeRule[];
  /** Console command -> executable file name (without ".exe"). */
  scripts: [string, string][];
}

const TOOL_KEYS = ["packages", "version", "locator", "upstream", "targets", "include", "scripts", "sdist"] as const;
const UPSTREAM_KEYS = ["github", "version", "tag", "asset", "assets", "sha256", "require-checksum"] as const;
const TAG_PREFIXES: Record<Os, RegExp> = {
  linux: /^(manylinux|musllinux|linux)_/,
  macos: /^macosx_/,
  windows: /^win/,
};
/** Command names uv refuses to install, since they would shadow the interpreter. */
const RESERVED_COMMANDS = /^(python|python3|python3\.\d+|pythonw|pypy.*|graalpy.*|pip|pip3)$/;

export function readTool(tool: Table | undefined, projectName: string, root: string): BinwheelConfig {
  const t = tool ?? new Table("[tool.binwheel]", {});
  t.onlyKeys(TOOL_KEYS);
  const upstream = readUpstream(t);
  const targets = readTargets(t);
  const include = readInclude(t);
  if (upstream && (targets.length === 0 || include.length === 0)) {
    fail(
      `pyproject.toml: [tool.binwheel.upstream] is set, so ${targets.length === 0 ? "[tool.binwheel.targets] must list the target triples this project ships (e.g. \"x86_64-unknown-linux-gnu\" = \"auto\")" : "[[tool.binwheel.include]] must say which archive files go into the wheel (from = \"bin/*\", to = \"mypkg/_bin/{platform}\")"}.`,
    );
  }
  if (!upstream && (targets.length > 0 || include.length > 0)) {
    fail(`pyproject.toml: ${targets.length > 0 ? "[tool.binwheel.targets]" : "[[tool.binwheel.include]]"} needs [tool.binwheel.upstream] to say which GitHub release the binaries come from (github = "owner/repo", asset = "...").`);
  }
  for (const key of ["sha256", "assets"] as const) {
    for (const [triple] of upstream?.[key] ?? []) {
      if (!targets.some(([t]) => t === triple)) {
        fail(`pyproject.toml: [tool.binwheel.upstream] ${key} names "${triple}", which is not in [tool.binwheel.targets].`);
      }
    }
  }
  const scripts = readScripts(t);
  if (scripts.length > 0 && !upstream) {
    fail("pyproject.toml: [tool.binwheel.scripts] runs bundled executables, so it needs [tool.binwheel.upstream]; use [project.scripts] for Python functions.");
  }
  const packages = readPackages(t, projectName, root);
  if (scripts.length > 0 && !packages.some((p) => !p.isModule)) {
    fail("pyproject.toml: [tool.binwheel.scripts] needs a package folder (with __init__.py) in [tool.binwheel] packages to hold its launcher module.");
  }
  const version = readVersionSource(t, root);
  const locator = readLocator(t, packages, upstream);
  return {
    packages,
    ...(version && { version }),
    ...(locator && { locator }),
    sdist: readSdist(t),
    ...(upstream && { upstream }),
    targets,
    include,
    scripts,
  };
}

function readPackages(t: Table, projectName: string, root: string): PackageSource[] {
  const names = t.stringArray("packages");
  const wanted = names ?? [escapedName(projectName)];
  return wanted.map((name) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      fail(`pyproject.toml: [tool.binwheel] packages entry "${name}" must be a top-level import name (letters, digits, "_").`);
    }
    for (const base of [root, path.join(root, "src")]) {
      const dir = path.join(base, name);
      if (existsSync(path.join(dir, "__init__.py"))) return { name, path: insideProject(root, dir), isModule: false };
      const module = `${dir}.py`;
      if (existsSync(module) && statSync(module).isFile()) return { name, path: insideProject(root, module), isModule: true };
    }
    fail(
      names
        ? `pyproject.toml: [tool.binwheel] packages lists "${name}", but neither ${name}/__init__.py, ${name}.py nor the same under src/ exists in ${root}.`
        : `pyproject.toml: no Python package named "${name}" (the project name) was found in ${root} or ${root}/src; set [tool.binwheel] packages = ["<import name>"].`,
    );
  });
}

/** `file`, after checking that following its links keeps it inside the project. */
function insideProject(root: string, file: string): string {
  const real = realpathSync(file);
  if (!isInside(realpathSync(root), real)) {
    fail(`pyproject.toml: [tool.binwheel] packages: ${path.relative(root, file)} is a link to ${real}, outside the project; binwheel packages only files inside the project. Move the package into the project.`);
  }
  return file;
}

function readUpstream(t: Table): UpstreamConfig | undefined {
  const u = t.table("upstream");
  if (!u) return undefined;
  u.onlyKeys(UPSTREAM_KEYS);
  const github = u.requiredString("github", 'the upstream repository as "owner/name", e.g. "toondb/toondb"');
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(github);
  if (!match) fail(`pyproject.toml: ${u.key("github")} "${github}" must be "owner/name", e.g. "toondb/toondb".`);
  const tag = u.string("tag") ?? "v{version}";
  checkTemplate(tag, ["version", "project_version"], u.key("tag"));
  const asset = u.requiredString("asset", 'the asset name template, e.g. "toondb-{version}-{target}.{archive}"');
  checkTemplate(asset, ALL_PLACEHOLDERS, u.key("asset"));
  if (!asset.includes("{target}") && !asset.includes("{platform}") && !asset.includes("{os}")) {
    fail(`pyproject.toml: ${u.key("asset")} "${asset}" must contain {target} (or {platform}/{os} and {arch}) so each target gets its own asset.`);
  }
  const assets = new Map<string, string>();
  for (const [triple, template] of u.stringTable("assets")) {
    checkTemplate(template, ALL_PLACEHOLDERS, u.key(`assets.${quoteKey(triple)}`));
    assets.set(triple, template);
  }
  const sha256 = new Map<string, string>();
  for (const [triple, hex] of u.stringTable("sha256")) {
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
      fail(`pyproject.toml: ${u.key(`sha256.${quoteKey(triple)}`)} must be 64 hexadecimal digits (a sha256).`);
    }
    sha256.set(triple, hex.toLowerCase());
  }
  const version = u.string("version");
  if (version !== undefined) checkedUpstreamVersion(version, `pyproject.toml: ${u.key("version")}`);
  return {
    owner: match[1]!,
    repo: match[2]!,
    ...(version !== undefined && { version }),
    tag,
    asset,
    assets,
    sha256,
    requireChecksum: u.boolean("require-checksum") ?? false,
  };
}

function readTargets(t: Table): [string, "auto" | string[]][] {
  return t.stringTable("targets").map(([triple, tag]) => {
    const key = t.key(`targets.${quoteKey(triple)}`);
    const info = targetInfo(triple);
    if (!info) fail(`pyproject.toml: ${key}: "${triple}" is not a target binwheel knows. Known targets: ${KNOWN_TRIPLES.join(", ")}.`);
    if (tag === "auto") return [triple, "auto"];
    const tags = tag.split(".");
    for (const one of tags) {
      if (!/^[a-z0-9_]+$/.test(one) || !TAG_PREFIXES[info.os].test(one)) {
        fail(`pyproject.toml: ${key} = "${tag}": "${one}" is not a ${info.os} platform tag. Use "auto" or a tag such as "${info.defaultTags.join(".")}".`);
      }
    }
    return [triple, tags];
  });
}

function readInclude(t: Table): IncludeRule[] {
  return (t.tableArray("include") ?? []).map((rule, i) => {
    rule.onlyKeys(["from", "to"]);
    const from = rule.requiredString("from", 'a glob over the archive\'s paths, e.g. "bin/*"');
    const to = rule.requiredString("to", 'a folder inside the wheel, e.g. "mypkg/_bin/{platform}"');
    checkTemplate(from, ALL_PLACEHOLDERS, rule.key("from"));
    checkTemplate(to, ALL_PLACEHOLDERS, rule.key("to"));
    for (const [key, value] of [["from", from], ["to", to]] as const) {
      if (value.startsWith("/") || value.includes("\\") || value.split("/").includes("..")) {
        fail(`pyproject.toml: ${rule.key(key)} "${value}" must be a relative path with "/" separators and no "..".`);
      }
    }
    return { from, to: to.replace(/\/+$/, ""), label: `[[tool.binwheel.include]] #${i + 1} (from = "${from}")` };
  });
}

function readScripts(t: Table): [string, string][] {
  return t.stringTable("scripts").map(([name, executable]) => {
    const key = t.key(`scripts.${quoteKey(name)}`);
    if (!isValidCommandName(name)) fail(`pyproject.toml: ${key}: a command name may only contain letters, digits, "_", "." and "-", and must start with a letter, digit or "_".`);
    if (RESERVED_COMMANDS.test(name)) fail(`pyproject.toml: ${key}: "${name}" would shadow the Python interpreter or pip; choose another command name.`);
    if (!/^[^/\\]+$/.test(executable)) {
      fail(`pyproject.toml: ${key} = "${executable}" must be the executable's file name (no folders), e.g. "toondb-bulk".`);
    }
    return [name, executable.replace(/\.exe$/i, "")];
  });
}

function readVersionSource(t: Table, root: string): VersionSource | undefined {
  const v = t.table("version");
  if (!v) return undefined;
  v.onlyKeys(["file", "upstream"]);
  const file = v.string("file");
  const upstream = v.boolean("upstream");
  if ((file !== undefined) === (upstream === true)) {
    fail(`pyproject.toml: ${t.key("version")} must be { file = "<path>" } (a __version__ in a Python file, or a Cargo.toml) or { upstream = true } (the upstream release's version).`);
  }
  if (file !== undefined) return { file: projectFile(root, file, v.key("file")).relative };
  return { upstream: true };
}

function readLocator(t: Table, packages: PackageSource[], upstream: UpstreamConfig | undefined): string | undefined {
  const locator = t.string("locator");
  if (locator === undefined) return undefined;
  const key = t.key("locator");
  if (!upstream) fail(`pyproject.toml: ${key} finds bundled binaries at run time, so it needs [tool.binwheel.upstream].`);
  const parts = locator.split("/");
  const inPackage = packages.some((p) => !p.isModule && p.name === parts[0]);
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*\.py$/.test(locator) || parts.length < 2 || !inPackage || /^(__init__|__main__|_binwheel_scripts)\.py$/.test(parts[parts.length - 1]!)) {
    fail(`pyproject.toml: ${key} = "${locator}" must be the path of a new module inside one of the packages (${packages.map((p) => p.name).join(", ")}), e.g. "${packages[0]?.name ?? "mypkg"}/_binaries.py".`);
  }
  return locator;
}

function readSdist(t: Table): SdistConfig {
  const s = t.table("sdist");
  if (!s) return { include: [], exclude: [] };
  s.onlyKeys(["include", "exclude"]);
  const globs = (name: "include" | "exclude") => {
    const list = s.stringArray(name) ?? [];
    for (const glob of list) {
      if (glob.startsWith("/") || glob.includes("\\") || glob.split("/").includes("..")) {
        fail(`pyproject.toml: ${s.key(name)} pattern "${glob}" must be relative to the project root, use "/" and not contain "..".`);
      }
    }
    return list;
  };
  return { include: globs("include"), exclude: globs("exclude") };
}
