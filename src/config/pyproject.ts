// pyproject.toml -> a validated Project: the first step of every build.
import { readFileSync } from "node:fs";
import path from "node:path";
import toml from "toml";
import { fail } from "../errors.js";
import { readProject, type ProjectMetadata } from "./project.js";
import { readTool, type BinwheelConfig } from "./tool.js";
import { Table, isTable } from "./values.js";

export interface Project {
  /** Absolute path of the folder holding pyproject.toml. */
  root: string;
  metadata: ProjectMetadata;
  config: BinwheelConfig;
}

export function loadProject(root: string): Project {
  const file = path.join(root, "pyproject.toml");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    fail(`no pyproject.toml in ${root}: binwheel builds projects configured by a pyproject.toml with a [project] table.`);
  }
  let data: unknown;
  try {
    data = toml.parse(text);
  } catch (e) {
    const err = e as Error & { location?: { start: { line: number; column: number } } };
    const at = err.location ? ` at line ${err.location.start.line}, column ${err.location.start.column}` : "";
    fail(`${file} is not valid TOML${at}: ${err.message}`);
  }
  const doc = new Table("", data as Record<string, unknown>);
  if (!isTable(doc.data["project"])) {
    fail(`${file} has no [project] table; binwheel reads the name, version and the rest of the metadata from it (PEP 621).`);
  }
  const project = new Table("[project]", doc.data["project"]);
  const tool = doc.table("tool")?.data["binwheel"];
  if (tool !== undefined && !isTable(tool)) fail("pyproject.toml: tool.binwheel must be a table ([tool.binwheel]).");
  const metadata = readProject(project, root);
  const config = readTool(tool === undefined ? undefined : new Table("[tool.binwheel]", tool), metadata.name, root);
  return { root, metadata, config };
}
