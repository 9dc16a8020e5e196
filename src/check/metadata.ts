// Core metadata (METADATA, PKG-INFO) checked with the rules PyPI and packaging's validator apply
// (research/wheel-spec.md §2): field syntax, fields newer than the declared version, and what
// PyPI refuses (local versions, direct URL requirements, long URL labels, Private classifiers).
import { normalizeName } from "../python/names.js";
import { isLocalVersion, normalizeVersion } from "../python/pep440.js";
import { parseRequirement } from "../python/requirements.js";
import { canonicalizeLicenseExpression } from "../python/spdx.js";

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

const VERSIONS = ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"];
const SINGLE = [
  "Metadata-Version", "Name", "Version", "Summary", "Description", "Description-Content-Type", "Keywords",
  "Author", "Author-email", "Maintainer", "Maintainer-email", "License", "License-Expression",
  "Requires-Python", "Home-page", "Download-URL",
];
/** The metadata version that introduced each field (older ones are 1.x). */
const INTRODUCED: Record<string, string> = {
  "Description-Content-Type": "2.1", "Provides-Extra": "2.1", Dynamic: "2.2",
  "License-Expression": "2.4", "License-File": "2.4", "Import-Name": "2.5", "Import-Namespace": "2.5",
};
const EMAIL = /^[^\s@<>,"]+@[^\s@<>,"]+\.[^\s@<>,"]+$/;

export interface MetadataContext {
  /** Paths that License-File values must name (the .dist-info/licenses/ or sdist files). */
  licenseFiles: Set<string>;
  /** "PKG-INFO" needs metadata 2.2 or later. */
  kind: "METADATA" | "PKG-INFO";
}

/** Every problem with `meta`, as sentences. */
export function checkCoreMetadata(meta: CoreMetadata, context: MetadataContext): string[] {
  const problems: string[] = [];
  const all = (name: string) => meta.fields.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  const one = (name: string) => all(name)[0];
  const version = one("Metadata-Version");
  if (!version || !VERSIONS.includes(version)) problems.push(`Metadata-Version ${version ?? "is missing"}${version ? " is not one PyPI accepts" : ""}`);
  if (context.kind === "PKG-INFO" && version && version < "2.2") problems.push(`PKG-INFO must have Metadata-Version 2.2 or later, not ${version}`);
  for (const field of SINGLE) if (all(field).length > 1) problems.push(`${field} appears ${all(field).length} times`);
  for (const [field, since] of Object.entries(INTRODUCED)) {
    if (version && all(field).length && version < since) problems.push(`${field} needs Metadata-Version ${since}, but the file declares ${version}`);
  }
  const name = one("Name");
  if (!name || !/^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name)) problems.push(`Name ${name ? `"${name}" is not valid` : "is missing"}`);
  const ver = one("Version");
  const normalized = ver === undefined ? null : normalizeVersion(ver);
  if (normalized === null) problems.push(`Version ${ver ? `"${ver}" is not a PEP 440 version` : "is missing"}`);
  else if (isLocalVersion(normalized)) problems.push(`Version ${ver} is a local version, which PyPI refuses`);
  const summary = one("Summary");
  if (summary !== undefined && (summary.includes("\n") || summary.length > 512)) problems.push("Summary must be one line of at most 512 characters");
  const dct = one("Description-Content-Type");
  if (dct !== undefined) {
    const [type, ...params] = dct.split(";").map((p) => p.trim());
    if (!["text/plain", "text/x-rst", "text/markdown"].includes(type!.toLowerCase())) problems.push(`Description-Content-Type "${dct}" is not text/plain, text/x-rst or text/markdown`);
    for (const p of params) {
      const [k, v] = p.split("=").map((x) => x.trim());
      if (k === "charset" && v?.toUpperCase() !== "UTF-8") problems.push(`Description-Content-Type charset must be UTF-8, not ${v}`);
      if (k === "variant" && !["GFM", "CommonMark"].includes(v ?? "")) problems.push(`Description-Content-Type variant must be GFM or CommonMark, not ${v}`);
    }
  } else if (meta.body.trim()) {
    problems.push("a description without Description-Content-Type is rendered as reStructuredText, and PyPI refuses it if that fails");
  }
  for (const field of ["Author-email", "Maintainer-email"]) {
    for (const value of all(field)) {
      for (const address of splitAddresses(value)) {
        const email = addrSpec(address);
        if (!email || !EMAIL.test(email)) problems.push(`${field} "${address.trim()}" is not a valid address`);
      }
    }
  }
  const expression = one("License-Expression");
  if (expression !== undefined) {
    try {
      const canonical = canonicalizeLicenseExpression(expression);
      if (canonical !== expression) problems.push(`License-Expression "${expression}" is not in canonical form ("${canonical}")`);
    } catch (e) {
      problems.push(`License-Expression "${expression}" is not valid: ${(e as Error).message}`);
    }
    if (one("License") !== undefined) problems.push("License and License-Expression cannot both be present");
  }
  for (const file of all("License-File")) {
    if (file.startsWith("/") || file.includes("\\") || file.split("/").includes("..") || /[*?[\]]/.test(file)) problems.push(`License-File "${file}" is not a plain relative path`);
    else if (!context.licenseFiles.has(file)) problems.push(`License-File "${file}" is not in the ${context.kind === "METADATA" ? "wheel's .dist-info/licenses/" : "sdist"}`);
  }
  for (const classifier of all("Classifier")) {
    if (/^private\s*::/i.test(classifier)) problems.push(`Classifier "${classifier}" is a Private classifier, which PyPI refuses on purpose`);
  }
  for (const requirement of all("Requires-Dist")) {
    try {
      if (parseRequirement(requirement).isUrl) problems.push(`Requires-Dist "${requirement}" is a direct URL reference, which PyPI refuses`);
    } catch (e) {
      problems.push(`Requires-Dist: ${(e as Error).message}`);
    }
  }
  const python = one("Requires-Python");
  if (python !== undefined && !/^\s*(~=|===|==|!=|<=|>=|<|>)\s*[\w.*+!-]+(\s*,\s*(~=|===|==|!=|<=|>=|<|>)\s*[\w.*+!-]+)*\s*$/.test(python)) {
    problems.push(`Requires-Python "${python}" is not a version specifier`);
  }
  for (const value of all("Project-URL")) {
    const [label, url] = splitOnce(value, ",");
    if (!url || label.trim().length > 32 || !/^https?:\/\/\S+$/.test(url.trim())) problems.push(`Project-URL "${value}" must be "label, http(s) URL" with a label of at most 32 characters`);
  }
  const newStyleExtras = version !== undefined && version >= "2.3";
  for (const extra of all("Provides-Extra")) {
    const bad = newStyleExtras ? !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(extra) : normalizeName(extra) === "";
    if (bad) problems.push(`Provides-Extra "${extra}" is not a normalized extra name`);
  }
  for (const field of all("Dynamic")) {
    if (["name", "version", "metadata-version"].includes(field.toLowerCase())) problems.push(`Dynamic cannot list ${field}`);
  }
  return problems;
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const i = value.indexOf(separator);
  return i < 0 ? [value, undefined] : [value.slice(0, i), value.slice(i + 1)];
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
