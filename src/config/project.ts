// [project] (PEP 621) -> the core metadata of the distribution. Files it names (readme,
// license files) are read here, so everything after this step is pure data.
import path from "node:path";
import { fail, redactUrl } from "../errors.js";
import { globFiles, projectFile, readUtf8 } from "../fs/files.js";
import { isReservedCommand, isValidCommandName, isValidProjectName, normalizeExtra } from "../python/names.js";
import { normalizeVersion, specifierSetError } from "../python/pep440.js";
import { parseRequirement } from "../python/requirements.js";
import { canonicalizeLicenseExpression } from "../python/spdx.js";
import { Table, isTable, quoteKey } from "./values.js";

export interface Person {
  name?: string;
  email?: string;
}

export interface Readme {
  text: string;
  contentType: string;
  /** The file it came from, relative to the project root (the sdist carries it). */
  file?: string;
}

export interface LicenseFile {
  /** Path relative to the project root, with `/` separators (the `License-File` value). */
  relative: string;
  absolute: string;
}

export interface ProjectMetadata {
  name: string;
  /** Normalized PEP 440 version. */
  version: string;
  description?: string;
  readme?: Readme;
  requiresPython?: string;
  licenseExpression?: string;
  licenseText?: string;
  licenseFiles: LicenseFile[];
  authors: Person[];
  maintainers: Person[];
  keywords: string[];
  classifiers: string[];
  urls: [string, string][];
  dependencies: string[];
  /** Normalized extra name -> PEP 508 requirements, in declaration order. */
  optionalDependencies: [string, string[]][];
  scripts: [string, string][];
  guiScripts: [string, string][];
  /** Group -> (name, object reference) pairs, `console_scripts` and `gui_scripts` excluded. */
  entryPoints: [string, [string, string][]][];
}

const PROJECT_KEYS = [
  "name", "version", "description", "readme", "requires-python", "license", "license-files",
  "authors", "maintainers", "keywords", "classifiers", "urls", "dependencies",
  "optional-dependencies", "scripts", "gui-scripts", "entry-points", "dynamic",
] as const;

/** PEP 639's defaults when `license-files` is absent (the same as hatchling and setuptools). */
const DEFAULT_LICENSE_GLOBS = ["LICEN[CS]E*", "COPYING*", "NOTICE*", "AUTHORS*"];
const ENTRY_POINT_NAME = /^[\w.-]+$/;
/** Entry point group names (entry points spec): dotted words, as `\w` matches them in Python. */
const ENTRY_POINT_GROUP = /^[\p{L}\p{N}_]+(\.[\p{L}\p{N}_]+)*$/u;
const OBJECT_REFERENCE = /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*(:[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*)?$/;

/**
 * Reads [project]. `dynamicVersion` supplies the version when [project] dynamic lists it
 * (see version.ts); it is only called then.
 */
/** [project] name, checked. */
export function projectName(project: Table): string {
  const name = project.requiredString("name", "the distribution name, e.g. \"toondb-client\"");
  if (!isValidProjectName(name)) {
    fail(`pyproject.toml: [project] name "${name}" is not a valid project name: use ASCII letters, digits, "-", "_" and ".", starting and ending with a letter or digit.`);
  }
  return name;
}

/** The normalized form of a version read from `source`, or an error naming it. */
export function checkedVersion(raw: string, source: string): string {
  const version = normalizeVersion(raw);
  if (version === null) {
    fail(`${source.startsWith("[") ? "pyproject.toml: " : ""}${source} "${raw}" is not a valid PEP 440 version (for example "1.2.0", "1.2.0rc1" or "1.2.0.post1").`);
  }
  return version;
}

export function readProject(project: Table, root: string, dynamicVersion: () => string): ProjectMetadata {
  project.onlyKeys(PROJECT_KEYS);
  const name = projectName(project);
  const dynamic = project.stringArray("dynamic") ?? [];
  for (const field of dynamic) {
    if (field === "version") continue;
    fail(
      `pyproject.toml: [project] dynamic lists "${field}", but binwheel computes only the version at build time. ` +
        `Write ${field} in [project] and remove it from dynamic.`,
    );
  }
  let version: string;
  if (dynamic.includes("version")) {
    if (project.has("version")) {
      fail('pyproject.toml: [project] version is set and also listed in [project] dynamic; keep one (remove "version" from dynamic, or the version key).');
    }
    version = dynamicVersion();
  } else {
    const raw = project.requiredString("version", 'a PEP 440 version such as "0.3.2" (or list "version" in [project] dynamic)');
    version = checkedVersion(raw, "[project] version");
  }

  const description = project.string("description");
  if (description !== undefined && /[\r\n]/.test(description)) {
    fail("pyproject.toml: [project] description must be a single line (it becomes the Summary field); put longer text in the readme.");
  }

  const readme = readReadme(project, root);
  const license = readLicense(project, root);
  return {
    name,
    version,
    ...(description !== undefined && { description }),
    ...optional("readme", readme),
    ...optional("requiresPython", readRequiresPython(project)),
    ...license,
    authors: readPeople(project, "authors"),
    maintainers: readPeople(project, "maintainers"),
    keywords: readKeywords(project),
    classifiers: readClassifiers(project, license.licenseExpression),
    urls: readUrls(project),
    dependencies: readRequirements(project, "dependencies", project.stringArray("dependencies") ?? []),
    optionalDependencies: readOptionalDependencies(project),
    scripts: readEntryPointTable(project, "scripts"),
    guiScripts: readEntryPointTable(project, "gui-scripts"),
    entryPoints: readEntryPoints(project),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function readReadme(project: Table, root: string): Readme | undefined {
  const value = project.data["readme"];
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    const contentType = contentTypeFor(value);
    if (!contentType) {
      fail(`pyproject.toml: [project] readme "${value}" has an unknown extension; use .md, .rst or .txt, or write readme = { file = "${value}", content-type = "text/markdown" }.`);
    }
    return { ...readProjectText(root, value, project.key("readme")), contentType };
  }
  if (!isTable(value)) project.wrong("readme", 'a file name such as "README.md" or a table such as { file = "README.md", content-type = "text/markdown" }');
  const table = project.table("readme")!;
  table.onlyKeys(["file", "text", "content-type"]);
  const file = table.string("file");
  const text = table.string("text");
  if ((file === undefined) === (text === undefined)) {
    fail(`pyproject.toml: ${project.key("readme")} must have exactly one of "file" or "text".`);
  }
  const readme = file === undefined ? { text: text! } : readProjectText(root, file, table.key("file"));
  const contentType = table.requiredString("content-type", 'the readme\'s type: "text/markdown", "text/x-rst" or "text/plain"');
  const base = contentType.split(";")[0]!.trim().toLowerCase();
  if (!["text/markdown", "text/x-rst", "text/plain"].includes(base)) {
    fail(`pyproject.toml: ${table.key("content-type")} "${contentType}" is not supported; use "text/markdown", "text/x-rst" or "text/plain".`);
  }
  return { ...readme, contentType };
}

function contentTypeFor(file: string): string | undefined {
  const ext = path.extname(file).toLowerCase();
  return { ".md": "text/markdown", ".rst": "text/x-rst", ".txt": "text/plain" }[ext];
}

/** A text file named by `key`: inside the project (projectFile) and UTF-8. */
function readProjectText(root: string, relative: string, key: string): { text: string; file: string } {
  const file = projectFile(root, relative, key);
  return { text: readUtf8(file.absolute, `${file.relative} (${key})`), file: file.relative };
}

function readRequiresPython(project: Table): string | undefined {
  const value = project.string("requires-python");
  const why = value === undefined ? undefined : specifierSetError(value);
  if (why) fail(`pyproject.toml: [project] requires-python "${value}" is not a PEP 440 specifier set: ${why}. Example: ">=3.9".`);
  return value;
}

function readLicense(project: Table, root: string): Pick<ProjectMetadata, "licenseExpression" | "licenseText" | "licenseFiles"> {
  const value = project.data["license"];
  const globs = project.stringArray("license-files");
  if (typeof value === "string") {
    let licenseExpression: string;
    try {
      licenseExpression = canonicalizeLicenseExpression(value);
    } catch (e) {
      fail(`pyproject.toml: [project] license "${value}" is not a valid SPDX license expression: ${(e as Error).message}. Example: "MIT" or "Apache-2.0 OR MIT".`);
    }
    return { licenseExpression, licenseFiles: findLicenseFiles(root, globs) };
  }
  if (value !== undefined) {
    // The legacy table form (PEP 621): { text = "..." } or { file = "..." }.
    if (!isTable(value)) project.wrong("license", 'an SPDX license expression such as "MIT" (or the legacy table { file = "LICENSE" })');
    const table = project.table("license")!;
    table.onlyKeys(["text", "file"]);
    if (globs !== undefined) {
      fail('pyproject.toml: [project] license-files cannot be combined with the legacy table form of [project] license; write license = "<SPDX expression>" instead.');
    }
    const text = table.string("text");
    const file = table.string("file");
    if ((text === undefined) === (file === undefined)) {
      fail(`pyproject.toml: ${project.key("license")} must have exactly one of "text" or "file" (or better, be an SPDX expression string such as "MIT").`);
    }
    if (text !== undefined) return { licenseText: text, licenseFiles: [] };
    return { licenseFiles: [licenseFile(root, file!, table.key("file"))] };
  }
  return { licenseFiles: findLicenseFiles(root, globs) };
}

function findLicenseFiles(root: string, globs: string[] | undefined): LicenseFile[] {
  const found = new Map<string, LicenseFile>();
  for (const glob of globs ?? DEFAULT_LICENSE_GLOBS) {
    if (glob.startsWith("/") || glob.split("/").includes("..") || glob.includes("\\")) {
      fail(`pyproject.toml: [project] license-files pattern "${glob}" must be relative to the project root, use "/" and not contain "..".`);
    }
    const matches = globFiles(root, glob);
    if (matches.length === 0 && globs !== undefined) {
      fail(`pyproject.toml: [project] license-files pattern "${glob}" matches no file in ${root}. Fix the pattern or add the file.`);
    }
    const key = globs === undefined ? `[project] license-files (absent, so the default pattern "${glob}")` : `[project] license-files pattern "${glob}"`;
    for (const relative of matches) found.set(relative, licenseFile(root, relative, key));
  }
  return [...found.values()].sort((a, b) => (a.relative < b.relative ? -1 : 1));
}

/** A license file: inside the project and UTF-8 (PEP 639), its path as License-File writes it. */
function licenseFile(root: string, relative: string, key: string): LicenseFile {
  const file = projectFile(root, relative, key);
  readUtf8(file.absolute, `${file.relative} (${key})`);
  return file;
}

function readPeople(project: Table, key: "authors" | "maintainers"): Person[] {
  return (project.tableArray(key) ?? []).map((person) => {
    person.onlyKeys(["name", "email"]);
    const name = person.string("name");
    const email = person.string("email");
    if (name === undefined && email === undefined) {
      fail(`pyproject.toml: ${person.where} needs a "name", an "email" or both.`);
    }
    if (email !== undefined && !/^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/.test(email)) {
      fail(`pyproject.toml: ${person.key("email")} "${email}" is not a valid email address.`);
    }
    return { ...optional("name", name), ...optional("email", email) };
  });
}

/** `License ::` classifiers are superseded by an SPDX `license` (PEP 639; flit and setuptools refuse both). */
function readClassifiers(project: Table, licenseExpression: string | undefined): string[] {
  const classifiers = project.stringArray("classifiers") ?? [];
  const legacy = classifiers.find((c) => /^License\s*::/.test(c));
  if (legacy !== undefined && licenseExpression !== undefined) {
    fail(`pyproject.toml: [project] classifiers lists "${legacy}", but [project] license is an SPDX expression, which supersedes License :: classifiers (PEP 639). Remove the License :: classifiers.`);
  }
  return classifiers;
}

function readKeywords(project: Table): string[] {
  const keywords = project.stringArray("keywords") ?? [];
  for (const keyword of keywords) {
    if (keyword.includes(",")) {
      fail(`pyproject.toml: [project] keywords entry "${keyword}" must not contain a comma (keywords are joined with commas).`);
    }
  }
  return keywords;
}

function readUrls(project: Table): [string, string][] {
  const urls = project.stringTable("urls");
  for (const [label, url] of urls) {
    const key = project.key(`urls.${quoteKey(label)}`);
    if (label.length > 32) fail(`pyproject.toml: ${key}: the label is longer than 32 characters, which PyPI rejects.`);
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !["http:", "https:"].includes(parsed.protocol)) {
      fail(`pyproject.toml: ${key} "${redactUrl(url)}" is not a valid http(s) URL.`);
    }
  }
  return urls;
}

function readRequirements(table: Table, key: string, requirements: string[]): string[] {
  requirements.forEach((requirement, i) => {
    try {
      parseRequirement(requirement);
    } catch (e) {
      fail(`pyproject.toml: ${table.key(key)}[${i}]: ${(e as Error).message}.`);
    }
  });
  return requirements;
}

function readOptionalDependencies(project: Table): [string, string[]][] {
  const table = project.table("optional-dependencies");
  if (!table) return [];
  const seen = new Map<string, string>();
  return Object.keys(table.data).map((extra) => {
    const key = quoteKey(extra);
    if (!/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(extra)) {
      fail(`pyproject.toml: ${table.key(key)} is not a valid extra name: use letters, digits, "-", "_" and ".".`);
    }
    const normalized = normalizeExtra(extra);
    const earlier = seen.get(normalized);
    if (earlier !== undefined) {
      fail(`pyproject.toml: ${table.key(key)} and ${table.key(quoteKey(earlier))} are the same extra once normalized ("${normalized}"); merge them.`);
    }
    seen.set(normalized, extra);
    const requirements = table.stringArray(extra)!;
    return [normalized, readRequirements(table, key, requirements)];
  });
}

function readEntryPointTable(table: Table, key: string): [string, string][] {
  const entries = table.stringTable(key);
  // [project] scripts and gui-scripts name commands: files in the environment's scripts folder.
  const isScript = table.where === "[project]";
  for (const [name, reference] of entries) {
    const where = table.key(`${quoteKey(key)}.${quoteKey(name)}`);
    if (isScript && !isValidCommandName(name)) {
      fail(`pyproject.toml: ${where}: a command name may only contain letters, digits, "_", "." and "-", and must start with a letter, digit or "_".`);
    }
    if (isScript && isReservedCommand(name)) fail(`pyproject.toml: ${where}: "${name}" would shadow the Python interpreter or pip; choose another command name.`);
    if (!ENTRY_POINT_NAME.test(name)) fail(`pyproject.toml: ${where}: the name may only contain letters, digits, "_", "." and "-".`);
    const ref = reference.replace(/\s+/g, "");
    if (!OBJECT_REFERENCE.test(ref) || (isScript && !ref.includes(":"))) {
      fail(`pyproject.toml: ${where} "${reference}" must be an object reference such as "package.module:function".`);
    }
  }
  return entries;
}

function readEntryPoints(project: Table): [string, [string, string][]][] {
  const groups = project.table("entry-points");
  if (!groups) return [];
  return Object.keys(groups.data).map((group) => {
    if (group === "console_scripts" || group === "gui_scripts") {
      const table = group === "console_scripts" ? "scripts" : "gui-scripts";
      fail(`pyproject.toml: [project.entry-points.${group}] is not allowed; use [project.${table}] instead.`);
    }
    if (!ENTRY_POINT_GROUP.test(group)) {
      fail(`pyproject.toml: ${groups.key(quoteKey(group))} is not a valid entry point group name: use letters, digits and "_", in parts joined by "." (e.g. "myapp.plugins").`);
    }
    return [group, readEntryPointTable(groups, group)];
  });
}
