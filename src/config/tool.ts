// [tool.binwheel] -> where the upstream binaries come from, which targets ship, what goes where.
import { existsSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { fail } from "../errors.js";
import { isInside, projectFile } from "../fs/files.js";
import { escapedName, isReservedCommand, isValidCommandName } from "../python/names.js";
import picomatch from "picomatch";
import { TARGET_PLACEHOLDERS, checkTemplate, placeholdersOf } from "./template.js";
import { KNOWN_TRIPLES, targetInfo, type Os, type TargetInfo } from "../platform/triples.js";
import { readUpstream, type UpstreamConfig } from "./upstream.js";
import { Table, isTable, quoteKey } from "./values.js";

export interface PackageSource {
  /** Import name, e.g. "toondb". */
  name: string;
  /** Absolute path of the package folder, or of the module file when `isModule`. */
  path: string;
  isModule: boolean;
}

export type { UpstreamConfig } from "./upstream.js";

export interface TargetConfig {
  triple: string;
  /** "auto" (derive the platform tags from the binaries) or the tags to use, in declaration order. */
  tags: "auto" | string[];
  /** The target's own placeholders (`vars = { plat = "linux-x64" }`). */
  vars: Record<string, string>;
  /** What {archive} gives for this target: tar.gz on Unix and zip on Windows unless set. */
  archive: string;
}

export interface IncludeRule {
  from: string;
  to: string;
  /** A new file name for the rule's single matched file (bare executables: "jq{exe}"). */
  as?: string;
  /** Triple globs this rule applies to; undefined means every target. */
  targets?: string[];
  /** How the rule is named in messages: `[[tool.binwheel.include]] #2 (from = "lib/*")`. */
  label: string;
}

export interface ScriptConfig {
  /** The console command. */
  name: string;
  /** The executable's file name as it lands in the wheel, without ".exe". */
  executable: string;
  /** Triple globs of the targets that have this command; undefined means every target. */
  targets?: string[];
  /** The executable itself is the command ({dist}.data/scripts/<name>), not a launcher. */
  direct: boolean;
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
  targets: TargetConfig[];
  include: IncludeRule[];
  scripts: ScriptConfig[];
  /** Globs of package files (wheel paths, e.g. "toondb/_bin/darwin-arm64/**") left out of wheels and sdists. */
  exclude: string[];
}

const TOOL_KEYS = ["packages", "version", "locator", "upstream", "targets", "include", "scripts", "commands", "exclude", "sdist"] as const;
/** What `archive = ` may say in a target's table: the archive suffixes binwheel reads. */
const ARCHIVE_SUFFIXES = ["tar.gz", "tgz", "tar.xz", "txz", "tar.bz2", "tbz2", "tar.zst", "tzst", "tar", "zip"];
const TAG_PREFIXES: Record<Os, RegExp> = {
  linux: /^(manylinux(1|2010|2014)?|musllinux|linux)_/,
  macos: /^macosx_/,
  windows: /^win/,
};

export function readTool(tool: Table | undefined, projectName: string, root: string): BinwheelConfig {
  const t = tool ?? new Table("[tool.binwheel]", {});
  t.onlyKeys(TOOL_KEYS);
  const targets = readTargets(t);
  const vars = [...new Set(targets.flatMap((target) => Object.keys(target.vars)))];
  const upstreamTable = t.table("upstream");
  const upstream = upstreamTable && readUpstream(upstreamTable, vars);
  const include = readInclude(t, targets, vars);
  if (upstream && (targets.length === 0 || include.length === 0)) {
    fail(
      `pyproject.toml: [tool.binwheel.upstream] is set, so ${targets.length === 0 ? "[tool.binwheel.targets] must list the target triples this project ships (e.g. \"x86_64-unknown-linux-gnu\" = \"auto\")" : "[[tool.binwheel.include]] must say which archive files go into the wheel (from = \"bin/*\", to = \"mypkg/_bin/{platform}\")"}.`,
    );
  }
  if (!upstream && (targets.length > 0 || include.length > 0)) {
    fail(`pyproject.toml: ${targets.length > 0 ? "[tool.binwheel.targets]" : "[[tool.binwheel.include]]"} needs [tool.binwheel.upstream] to say where the binaries come from (github = "owner/repo", gitlab, url or path).`);
  }
  for (const key of ["sha256", "assets"] as const) {
    for (const [triple] of upstream?.[key] ?? []) {
      if (!targets.some((target) => target.triple === triple)) {
        fail(`pyproject.toml: [tool.binwheel.upstream] ${key} names "${triple}", which is not in [tool.binwheel.targets].`);
      }
    }
  }
  if (upstream) checkVarsDefined(upstream, targets, include);
  const commands = t.string("commands") ?? "launcher";
  if (commands !== "launcher" && commands !== "direct") {
    fail(`pyproject.toml: ${t.key("commands")} = "${commands}" must be "launcher" (the executables stay in the package, run by a small launcher) or "direct" (each executable is the command itself).`);
  }
  const scripts = readScripts(t, targets, commands === "direct");
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
    exclude: readExclude(t),
  };
}

function readExclude(t: Table): string[] {
  const globs = t.stringArray("exclude") ?? [];
  for (const glob of globs) {
    if (glob.startsWith("/") || glob.includes("\\") || glob.split("/").includes("..")) {
      fail(`pyproject.toml: ${t.key("exclude")} pattern "${glob}" must be a path inside the packages, as it lands in the wheel ("toondb/_bin/darwin-arm64/**"), with "/" and no "..".`);
    }
  }
  return globs;
}

/** True when `triple` is one of `globs` (picomatch globs over triples); no globs means every target. */
export function appliesTo(globs: string[] | undefined, triple: string): boolean {
  return globs === undefined || globs.some((glob) => picomatch.isMatch(triple, glob));
}

/** Each template a target uses names only its own vars (a var only some targets define is an error for the others). */
function checkVarsDefined(upstream: UpstreamConfig, targets: TargetConfig[], include: IncludeRule[]): void {
  const builtIn: readonly string[] = [...TARGET_PLACEHOLDERS, "asset"];
  for (const target of targets) {
    const templates: [string, string][] = [
      [upstream.assets.has(target.triple) ? `[tool.binwheel.upstream] assets."${target.triple}"` : "[tool.binwheel.upstream] asset", upstream.assets.get(target.triple) ?? upstream.asset ?? ""],
      [`[tool.binwheel.upstream] ${upstream.source.kind}`, "template" in upstream.source ? upstream.source.template : ""],
      ["[tool.binwheel.upstream] checksums", upstream.checksums ?? ""],
      ...include.filter((rule) => appliesTo(rule.targets, target.triple)).flatMap((rule): [string, string][] => [[`${rule.label} from`, rule.from], [`${rule.label} to`, rule.to], [`${rule.label} as`, rule.as ?? ""]]),
    ];
    for (const [key, template] of templates) {
      for (const name of placeholdersOf(template)) {
        const base = name.charAt(0).toLowerCase() + name.slice(1);
        if (!builtIn.includes(base) && !(base in target.vars)) {
          fail(`pyproject.toml: ${key} uses {${name}}, but [tool.binwheel.targets] "${target.triple}" defines no var "${base}". Add it to that target's vars = { ... }.`);
        }
      }
    }
  }
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

function readTargets(t: Table): TargetConfig[] {
  const table = t.table("targets");
  if (!table) return [];
  return Object.keys(table.data).map((triple): TargetConfig => {
    const key = table.key(quoteKey(triple));
    const info = targetInfo(triple);
    if (!info) fail(`pyproject.toml: ${key}: "${triple}" is not a target binwheel knows. Known targets: ${KNOWN_TRIPLES.join(", ")}.`);
    const value = table.data[triple];
    // "auto" | "<tag>[.<tag>]" | { tags, vars, archive }
    const entry = isTable(value) ? table.table(triple) : undefined;
    entry?.onlyKeys(["tags", "vars", "archive"]);
    const tagText = entry ? (entry.string("tags") ?? "auto") : typeof value === "string" ? value : table.wrong(triple, '"auto", platform tags, or a table { tags = "auto", vars = { ... }, archive = "tar.xz" }');
    const vars = Object.fromEntries(entry?.stringTable("vars") ?? []);
    for (const [name, varValue] of Object.entries(vars)) {
      const where = entry!.key(`vars.${quoteKey(name)}`);
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) fail(`pyproject.toml: ${where}: a var name is lowercase letters, digits and "_" (its title-cased form {${name.charAt(0).toUpperCase()}${name.slice(1)}} comes with it).`);
      if ((TARGET_PLACEHOLDERS as readonly string[]).includes(name) || name === "asset") fail(`pyproject.toml: ${where} would shadow the built-in placeholder {${name}}; choose another name.`);
      if (!/^[A-Za-z0-9._+~-]{1,100}$/.test(varValue)) fail(`pyproject.toml: ${where} = ${JSON.stringify(varValue)} may hold only letters, digits, ".", "_", "+", "~" and "-" (it fills names and paths).`);
    }
    const archive = entry?.string("archive") ?? info.archive;
    if (!ARCHIVE_SUFFIXES.includes(archive)) fail(`pyproject.toml: ${entry!.key("archive")} = "${archive}" is not an archive type binwheel reads: ${ARCHIVE_SUFFIXES.join(", ")}.`);
    return { triple, tags: readTags(tagText, info, entry ? entry.key("tags") : key), vars, archive };
  });
}

function readTags(text: string, info: TargetInfo, key: string): "auto" | string[] {
  if (text === "auto") return "auto";
  const tags = text.split(".");
  for (const one of tags) {
    if (!/^[a-z0-9_]+$/.test(one) || !TAG_PREFIXES[info.os].test(one)) {
      fail(`pyproject.toml: ${key} = "${text}": "${one}" is not a ${info.os} platform tag. Use "auto" or a tag such as "${info.defaultTags.join(".")}".`);
    }
  }
  return tags;
}

/** A `targets = [...]` list of triple globs, each matching at least one configured target. */
function readTargetGlobs(table: Table, targets: TargetConfig[]): string[] | undefined {
  const globs = table.stringArray("targets");
  for (const glob of globs ?? []) {
    if (!targets.some((target) => picomatch.isMatch(target.triple, glob))) {
      fail(`pyproject.toml: ${table.key("targets")} lists "${glob}", which matches none of the configured targets (${targets.map((x) => x.triple).join(", ")}).`);
    }
  }
  return globs;
}

function readInclude(t: Table, targets: TargetConfig[], vars: string[]): IncludeRule[] {
  const placeholders = [...TARGET_PLACEHOLDERS, ...vars];
  return (t.tableArray("include") ?? []).map((rule, i) => {
    rule.onlyKeys(["from", "to", "as", "targets"]);
    const from = rule.requiredString("from", 'a glob over the archive\'s paths, e.g. "bin/*"');
    const to = rule.requiredString("to", 'a folder inside a package, e.g. "mypkg/_bin/{platform}"');
    const as = rule.string("as");
    for (const [key, value] of [["from", from], ["to", to], ["as", as]] as const) {
      if (value === undefined) continue;
      checkTemplate(value, placeholders, rule.key(key));
      if (value.startsWith("/") || value.includes("\\") || value.split("/").includes("..") || (key === "as" && value.includes("/"))) {
        fail(`pyproject.toml: ${rule.key(key)} "${value}" must be a relative path with "/" separators and no ".."${key === "as" ? " (and, for as, a file name)" : ""}.`);
      }
    }
    // The destination must not move with the version: one source tree serves every version (editable installs, sdists).
    const versioned = placeholdersOf(to).find((name) => /^[vV]ersion$|^[pP]roject_version$/.test(name));
    if (versioned) fail(`pyproject.toml: ${rule.key("to")} "${to}" uses {${versioned}}; a destination cannot depend on the version. Use {platform} or {target}.`);
    const globs = readTargetGlobs(rule, targets);
    return {
      from,
      to: to.replace(/\/+$/, ""),
      ...(as !== undefined && { as }),
      ...(globs && { targets: globs }),
      label: `[[tool.binwheel.include]] #${i + 1} (from = "${from}")`,
    };
  });
}

function readScripts(t: Table, targets: TargetConfig[], direct: boolean): ScriptConfig[] {
  const table = t.table("scripts");
  if (!table) return [];
  return Object.keys(table.data).map((name): ScriptConfig => {
    const key = table.key(quoteKey(name));
    if (!isValidCommandName(name)) fail(`pyproject.toml: ${key}: a command name may only contain letters, digits, "_", "." and "-", and must start with a letter, digit or "_".`);
    if (isReservedCommand(name)) fail(`pyproject.toml: ${key}: "${name}" would shadow the Python interpreter or pip; choose another command name.`);
    // "<executable>" | { executable = "...", targets = [...], direct = true }
    const value = table.data[name];
    const entry = isTable(value) ? table.table(name) : undefined;
    entry?.onlyKeys(["executable", "targets", "direct"]);
    const executable = entry ? entry.requiredString("executable", 'the executable\'s file name, e.g. "toondb-server"') : typeof value === "string" ? value : table.wrong(name, 'the executable\'s file name, or a table { executable = "...", targets = ["*-linux-*"] }');
    if (!/^[^/\\{}]+$/.test(executable)) {
      fail(`pyproject.toml: ${entry ? entry.key("executable") : key} = "${executable}" must be the executable's file name as it lands in the wheel (no folders, no placeholders), e.g. "toondb-bulk".`);
    }
    const globs = entry && readTargetGlobs(entry, targets);
    return { name, executable: executable.replace(/\.exe$/i, ""), ...(globs && { targets: globs }), direct: entry?.boolean("direct") ?? direct };
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
