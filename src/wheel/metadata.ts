// Core metadata 2.4 (METADATA in wheels) from [project], rendered as pure text.
import type { Person, ProjectMetadata } from "../config/project.js";
import { parseRequirement, withExtra } from "../python/requirements.js";

export const METADATA_VERSION = "2.4";

export function renderMetadata(meta: ProjectMetadata): string {
  const lines: string[] = [];
  const add = (field: string, value: string | undefined) => {
    if (value === undefined || value === "") return;
    // Only a legacy License text can span lines; continuation lines are indented (RFC 822).
    lines.push(`${field}: ${value.replace(/\r\n?/g, "\n").split("\n").join("\n        ")}`);
  };
  add("Metadata-Version", METADATA_VERSION);
  add("Name", meta.name);
  add("Version", meta.version);
  add("Summary", meta.description);
  add("Keywords", meta.keywords.join(","));
  addPeople(add, "Author", meta.authors);
  addPeople(add, "Maintainer", meta.maintainers);
  add("License", meta.licenseText);
  add("License-Expression", meta.licenseExpression);
  for (const file of meta.licenseFiles) add("License-File", file.relative);
  for (const classifier of meta.classifiers) add("Classifier", classifier);
  add("Requires-Python", meta.requiresPython);
  for (const requirement of meta.dependencies) add("Requires-Dist", requirement);
  for (const [label, url] of meta.urls) add("Project-URL", `${label}, ${url}`);
  for (const [extra, requirements] of meta.optionalDependencies) {
    add("Provides-Extra", extra);
    for (const requirement of requirements) add("Requires-Dist", withExtra(parseRequirement(requirement), extra));
  }
  if (meta.readme) add("Description-Content-Type", meta.readme.contentType);
  let text = lines.join("\n") + "\n";
  if (meta.readme) text += "\n" + meta.readme.text.replace(/\r\n?/g, "\n");
  return text;
}

function addPeople(add: (field: string, value: string | undefined) => void, field: string, people: Person[]): void {
  add(field, people.filter((p) => p.name !== undefined && p.email === undefined).map((p) => p.name).join(", "));
  add(`${field}-email`, people.filter((p) => p.email !== undefined).map((p) => formatAddress(p.name, p.email!)).join(", "));
}

/**
 * `Name <email>`, the name quoted when it holds an RFC 822 special such as "," or "." (flit's
 * str(email.headerregistry.Address(name, addr_spec=email))): `"Jane, Doe" <j@example.com>`.
 */
export function formatAddress(name: string | undefined, email: string): string {
  if (!name) return email;
  const display = /[()<>@,:;.\\"[\]]/.test(name) ? `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : name;
  return `${display} <${email}>`;
}

/** entry_points.txt, or undefined when the project has none. */
export function renderEntryPoints(groups: [string, [string, string][]][]): string | undefined {
  const sections = groups
    .filter(([, entries]) => entries.length > 0)
    .map(([group, entries]) => `[${group}]\n${entries.map(([name, ref]) => `${name} = ${ref}\n`).join("")}`);
  return sections.length ? sections.join("\n") : undefined;
}
