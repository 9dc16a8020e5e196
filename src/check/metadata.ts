// Core metadata (a wheel's METADATA, an sdist's PKG-INFO), judged as PyPI judges an upload: by
// packaging's validator (packaging.metadata.Metadata, which twine runs on the file and PyPI on the
// fields twine sends) and PyPI's own rules on top (warehouse/forklift/metadata.py). Two things
// twine does first are applied here too: License-File below Metadata-Version 2.4 is dropped (it
// is the pre-PEP 639 field setuptools and hatchling wrote), and a field whose value is "UNKNOWN"
// (distutils' placeholder) is deleted by PyPI before it validates. A description without
// Description-Content-Type is reStructuredText by default, which is legal.
import { escapedName, isValidProjectName, normalizeName } from "../python/names.js";
import { isLocalVersion, normalizeVersion, specifierSetError } from "../python/pep440.js";
import { parseRequirement } from "../python/requirements.js";
import { canonicalizeLicenseExpression } from "../python/spdx.js";
import type { CodeId } from "./codes.js";

export interface CoreMetadata {
  /** Header fields in order, names as written. */
  fields: [string, string][];
  body: string;
}

/** Parses RFC 822-style headers (continuation lines start with whitespace), then the body. */
export function parseCoreMetadata(text: string): CoreMetadata {
  const normalized = text.replace(/\r\n?/g, "\n");
  const end = normalized.indexOf("\n\n");
  const head = end < 0 ? normalized : normalized.slice(0, end);
  const fields: [string, string][] = [];
  for (const line of head.split("\n")) {
    if (/^[ \t]/.test(line) && fields.length) {
      const last = fields[fields.length - 1]!;
      last[1] += `\n${line.trim()}`;
    } else if (line !== "") {
      const colon = line.indexOf(":");
      fields.push(colon < 0 ? [line, ""] : [line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
  }
  return { fields, body: end < 0 ? "" : normalized.slice(end + 2) };
}

/** The versions PyPI accepts (warehouse's SUPPORTED_METADATA_VERSIONS), oldest first. */
const PYPI_VERSIONS = ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"];
/** Each field, by its name in lower case, with the version that introduced it (packaging's table). */
const FIELDS: Record<string, string> = {
  "metadata-version": "1.0", name: "1.0", version: "1.0", platform: "1.0", summary: "1.0", description: "1.0",
  keywords: "1.0", "home-page": "1.0", author: "1.0", "author-email": "1.0", license: "1.0",
  "supported-platform": "1.1", "download-url": "1.1", classifier: "1.1", requires: "1.1", provides: "1.1", obsoletes: "1.1",
  maintainer: "1.2", "maintainer-email": "1.2", "requires-dist": "1.2", "requires-python": "1.2", "requires-external": "1.2",
  "project-url": "1.2", "provides-dist": "1.2", "obsoletes-dist": "1.2",
  "description-content-type": "2.1", "provides-extra": "2.1", dynamic: "2.2",
  "license-expression": "2.4", "license-file": "2.4", "import-name": "2.5", "import-namespace": "2.5",
};
const MULTIPLE_USE = new Set([
  "platform", "supported-platform", "classifier", "requires", "provides", "obsoletes", "requires-dist",
  "requires-external", "project-url", "provides-dist", "obsoletes-dist", "provides-extra", "dynamic",
  "license-file", "import-name", "import-namespace",
]);
/** Fields PyPI lets a sdist's PKG-INFO mark Dynamic (warehouse's DYNAMIC_FIELDS). */
const PYPI_DYNAMIC = new Set([
  "platform", "supported-platform", "summary", "description", "description-content-type", "keywords", "home-page",
  "download-url", "author", "author-email", "maintainer", "maintainer-email", "license", "license-expression",
  "license-file", "classifier", "requires-dist", "requires-python", "requires-external", "project-url",
  "provides-extra", "provides-dist", "obsoletes-dist", "requires", "provides", "obsoletes", "import-name", "import-namespace",
]);
/** packaging's line boundaries: a Summary holding any of them is more than one line. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const ADDRESS = /^[^\s@<>,"]+@[^\s@<>,"]+\.[^\s@<>,"]+$/;
const PYTHON_KEYWORDS = new Set([
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
  "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
  "pass", "raise", "return", "try", "while", "with", "yield",
]);

export interface MetadataContext {
  /** METADATA in a wheel, or an sdist's PKG-INFO (each names where license files must be). */
  kind: "METADATA" | "PKG-INFO";
  /** The paths License-File values may name: under .dist-info/licenses/, or the sdist's files. */
  licenseFiles: Set<string>;
}

type Found = [CodeId, string];

/** The versions in order, 2.0 included: twine lets 2.0 through (as the 1.2 it really was), PyPI does not. */
const ORDER = ["1.0", "1.1", "1.2", "2.0", ...PYPI_VERSIONS.slice(3)];
const older = (a: string, b: string) => ORDER.indexOf(a) < ORDER.indexOf(b);

/** Every finding about `meta`, as [code, message]. */
export function checkCoreMetadata(meta: CoreMetadata, context: MetadataContext): Found[] {
  const found: Found[] = [];
  const add = (code: CodeId, message: string) => found.push([code, message]);
  // PyPI deletes "UNKNOWN" values before anything looks at them.
  const fields = meta.fields.filter(([, v]) => v.trim() !== "UNKNOWN");
  const all = (name: string) => fields.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v);
  const one = (name: string): string | undefined => all(name)[0];

  const declared = one("metadata-version");
  if (declared === undefined) add("BW401", "Metadata-Version is missing");
  else if (!PYPI_VERSIONS.includes(declared)) {
    add("BW401", `Metadata-Version ${declared} is not one PyPI accepts (${PYPI_VERSIONS.join(", ")})${declared === "2.0" ? "; 2.0 was never a published version of the spec, and packaging's validator refuses it too" : ""}`);
  }
  const version = declared !== undefined && (PYPI_VERSIONS.includes(declared) || declared === "2.0") ? declared : undefined;

  const counts = new Map<string, number>();
  for (const [k] of fields) counts.set(k.toLowerCase(), (counts.get(k.toLowerCase()) ?? 0) + 1);
  if (meta.body.trim() && counts.has("description")) counts.set("description", counts.get("description")! + 1);
  for (const [name, n] of counts) {
    if (n > 1 && Object.hasOwn(FIELDS, name) && !MULTIPLE_USE.has(name)) add("BW406", `${canonical(name)} is given ${n} times${name === "description" ? " (a Description field and a body)" : ""}; it may appear once, and packaging's validator refuses the file`);
    if (!Object.hasOwn(FIELDS, name)) add("BW407", `the field "${name}" is not a core metadata field; packaging's validator (and so twine) refuses the file`);
  }

  if (version !== undefined) {
    for (const name of counts.keys()) {
      const since = Object.hasOwn(FIELDS, name) ? FIELDS[name]! : undefined;
      if (since === undefined || !older(version, since)) continue;
      if (name === "license-file") {
        add("BW403", `License-File is a Metadata-Version 2.4 field (PEP 639), but the file declares ${version}: the pre-PEP 639 License-File of setuptools and hatchling, which twine drops when it uploads; packaging's validator refuses it, and so does PyPI when an uploader sends it (uv publish does)`);
      } else {
        add("BW402", `${canonical(name)} was introduced in Metadata-Version ${since}, but the file declares ${version}; packaging's validator, twine and PyPI refuse it`);
      }
    }
  }

  const name = one("name");
  if (!name) add("BW404", "Name is missing");
  else if (!isValidProjectName(name)) add("BW404", `Name "${name}" is not a valid project name (letters, digits, ".", "_" and "-", starting and ending with a letter or digit)`);
  const ver = one("version");
  const normalized = ver === undefined ? null : normalizeVersion(ver);
  if (!ver) add("BW404", "Version is missing");
  else if (normalized === null) add("BW404", `Version "${ver}" is not a PEP 440 version`);
  else if (isLocalVersion(normalized)) add("BW405", `Version ${ver} is a local version (after "+"), which PyPI refuses to host`);

  const summary = one("summary");
  if (summary !== undefined && LINE_BREAK.test(summary)) add("BW407", "Summary holds a line break; it must be one line");
  if (summary !== undefined && summary.length > 512) add("BW408", `Summary is ${summary.length} characters; PyPI takes at most 512`);

  const contentType = one("description-content-type");
  if (contentType !== undefined) {
    const problem = contentTypeProblem(contentType);
    if (problem) add("BW407", `Description-Content-Type "${contentType}" ${problem}`);
  }

  for (const field of ["author-email", "maintainer-email"]) {
    const value = one(field);
    // PyPI checks a field of one address (Python's parseaddr finds none in a list).
    const addresses = value === undefined ? [] : splitAddresses(value);
    if (addresses.length !== 1) continue;
    const address = addrSpec(addresses[0]!);
    if (!address || !ADDRESS.test(address)) add("BW408", `${canonical(field)} "${addresses[0]!.trim()}" is not a valid address, which PyPI refuses`);
  }

  for (const field of ["home-page", "download-url"]) {
    const url = one(field);
    if (url !== undefined && !isHttpUrl(url)) add("BW408", `${canonical(field)} "${url}" is not an http(s) URL, which PyPI refuses`);
  }
  const labels = new Set<string>();
  for (const value of all("project-url")) {
    const comma = value.indexOf(",");
    const label = (comma < 0 ? value : value.slice(0, comma)).trim();
    const url = comma < 0 ? "" : value.slice(comma + 1).trim();
    if (labels.has(label)) add("BW407", `Project-URL gives the label "${label}" twice; packaging's validator refuses the file`);
    labels.add(label);
    if (!label || label.length > 32) add("BW408", `Project-URL "${value}" needs a label of 1 to 32 characters, which PyPI requires`);
    else if (!isHttpUrl(url)) add("BW408", `Project-URL "${value}" is not "label, http(s) URL", which PyPI requires`);
  }

  const expression = one("license-expression");
  if (expression !== undefined) {
    try {
      const canonicalForm = canonicalizeLicenseExpression(expression);
      if (canonicalForm !== expression) add("BW409", `License-Expression "${expression}" is not in canonical form ("${canonicalForm}"); PyPI accepts it, but tools that compare expressions as text see two licenses`);
    } catch (e) {
      add("BW407", `License-Expression "${expression}" is not a valid SPDX expression: ${(e as Error).message}`);
    }
    if (one("license") !== undefined) add("BW408", "License and License-Expression are both present; PyPI refuses that (PEP 639 replaces License with License-Expression)");
  }
  if (version === undefined || !older(version, "2.4")) {
    for (const file of all("license-file")) {
      const problem = licenseFileProblem(file);
      if (problem) add("BW407", `License-File "${file}" ${problem}`);
      else if (!context.licenseFiles.has(file)) add("BW410", `License-File "${file}" is not in the ${context.kind === "METADATA" ? "wheel's .dist-info/licenses/" : "sdist"}; PyPI refuses the upload`);
    }
  }

  for (const classifier of all("classifier")) {
    if (/^private\s*::/i.test(classifier)) add("BW408", `Classifier "${classifier}" is a Private classifier, which PyPI refuses on purpose`);
  }
  for (const field of ["requires-dist", "provides-dist", "obsoletes-dist"]) {
    for (const requirement of all(field)) {
      try {
        if (parseRequirement(requirement).isUrl) add("BW408", `${canonical(field)} "${requirement}" is a direct URL reference, which PyPI refuses`);
      } catch (e) {
        add(field === "requires-dist" ? "BW407" : "BW408", `${canonical(field)} "${requirement}" is not a PEP 508 requirement: ${(e as Error).message}`);
      }
    }
  }
  const python = one("requires-python");
  const specifierProblem = python === undefined ? undefined : specifierSetError(python);
  if (specifierProblem) add("BW407", `Requires-Python "${python}" is not a version specifier: ${specifierProblem}`);

  for (const extra of all("provides-extra")) {
    if (!isValidProjectName(extra)) add("BW407", `Provides-Extra "${extra}" is not a valid extra name`);
    else if (version !== undefined && !older(version, "2.3") && normalizeName(extra) !== extra) {
      add("BW411", `Provides-Extra "${extra}" is not normalized ("${normalizeName(extra)}"), as Metadata-Version 2.3 requires (PEP 685); pip and uv normalize it when they compare, tools that do not miss it`);
    }
  }
  for (const field of all("dynamic")) {
    const lower = field.toLowerCase();
    if (["name", "version", "metadata-version"].includes(lower)) add("BW407", `Dynamic cannot list ${field}`);
    else if (!Object.hasOwn(FIELDS, lower)) add("BW407", `Dynamic lists "${field}", which is not a core metadata field`);
    else if (!PYPI_DYNAMIC.has(lower)) add("BW408", `Dynamic lists ${field}, which PyPI does not accept as dynamic`);
  }
  for (const field of ["import-name", "import-namespace"]) {
    for (const value of all(field)) {
      const problem = importNameProblem(value);
      if (problem) add("BW407", `${canonical(field)} "${value}" ${problem}`);
    }
  }
  return found;
}

/** A field's name as the spec spells it. */
function canonical(lower: string): string {
  return lower.split("-").map((w, i) => (w === "url" ? "URL" : i > 0 && (w === "email" || w === "page") ? w : w[0]!.toUpperCase() + w.slice(1))).join("-");
}

/** Why a Description-Content-Type is refused by packaging's validator, if it is. */
function contentTypeProblem(value: string): string | undefined {
  const [type, ...params] = value.split(";").map((p) => p.trim());
  if (!["text/plain", "text/x-rst", "text/markdown"].includes(type!.toLowerCase())) return "is not text/plain, text/x-rst or text/markdown";
  for (const param of params) {
    const eq = param.indexOf("=");
    const key = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
    const raw = eq < 0 ? "" : param.slice(eq + 1).trim();
    const v = /^".*"$/.test(raw) ? raw.slice(1, -1) : raw;
    if (key === "charset" && v.toLowerCase() !== "utf-8") return `names the charset ${v}; only UTF-8 is allowed`;
    if (key === "variant" && type!.toLowerCase() === "text/markdown" && !["GFM", "CommonMark"].includes(v)) return `names the Markdown variant ${v}; only GFM and CommonMark are allowed`;
  }
  return undefined;
}

/** packaging's License-File rules (PEP 639): a resolved, relative, "/"-separated path. */
function licenseFileProblem(file: string): string | undefined {
  if (file.includes("..")) return "holds a parent folder (\"..\")";
  if (file.includes("*")) return "holds a glob; License-File names resolved paths";
  if (file.startsWith("/") || /^[A-Za-z]:/.test(file) || file.startsWith("\\")) return "is absolute; it must be relative";
  if (file.includes("\\")) return "uses \"\\\"; paths use \"/\"";
  return undefined;
}

/** packaging's Import-Name rules (PEP 794): dotted identifiers, optionally "; private". */
function importNameProblem(value: string): string | undefined {
  const semicolon = value.indexOf(";");
  const name = (semicolon < 0 ? value : value.slice(0, semicolon)).trimEnd();
  for (const part of name.split(".")) {
    if (!/^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u.test(part)) return `holds "${part}", which is not a Python identifier`;
    if (PYTHON_KEYWORDS.has(part)) return `holds the keyword "${part}"`;
  }
  if (semicolon >= 0 && value.slice(semicolon + 1).trim() !== "private") return 'has an option other than "private"';
  return undefined;
}

/** What warehouse's is_valid_uri accepts: an http or https URL with a host. */
function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host !== "";
  } catch {
    return false;
  }
}

/** The address of one mailbox: `a@b.c`, `Name <a@b.c>` or `"Quoted, Name" <a@b.c>` (RFC 822). */
function addrSpec(mailbox: string): string | undefined {
  const m = /^(?:(?:"(?:[^"\\]|\\.)*"|[^"<>]*?)\s*<([^<>]*)>|([^"<>]*))$/s.exec(mailbox.trim());
  return m?.[1] ?? m?.[2]?.trim();
}

/** Splits an RFC 822 address list on commas outside quotes. */
function splitAddresses(value: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "\\" && quoted) { current += c + (value[++i] ?? ""); continue; }
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) { out.push(current); current = ""; } else current += c;
  }
  if (current.trim()) out.push(current);
  return out;
}

/** The distribution name and version METADATA or PKG-INFO gives, for comparing with a file name. */
export function identity(meta: CoreMetadata): { name: string | undefined; version: string | undefined } {
  const get = (k: string) => meta.fields.find(([f]) => f.toLowerCase() === k)?.[1];
  return { name: get("name"), version: get("version") };
}

/** True when `name` and `version` (from a file name) are what the metadata gives, normalized. */
export function sameIdentity(meta: CoreMetadata, name: string, version: string): { name: boolean; version: boolean } {
  const given = identity(meta);
  return {
    name: given.name !== undefined && escapedName(given.name) === escapedName(name),
    version: given.version !== undefined && sameVersion(given.version, version),
  };
}

/** PEP 440 equality, as packaging's Version compares (1.0 == 1.0.0: trailing zeros of the release do not count). */
function sameVersion(a: string, b: string): boolean {
  const key = (v: string) => normalizeVersion(v)?.replace(/^((?:\d+!)?\d+(?:\.\d+)*?)(?:\.0)+(?=$|\.?[a-z+])/, "$1");
  return key(a) !== undefined && key(a) === key(b);
}
