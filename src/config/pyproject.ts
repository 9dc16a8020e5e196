// pyproject.toml -> a validated Project: the first step of every build.
import { existsSync } from "node:fs";
import path from "node:path";
import toml from "toml";
import { fail } from "../errors.js";
import { readUtf8 } from "../fs/files.js";
import { projectName, readProject, type ProjectMetadata } from "./project.js";
import { readTool, type BinwheelConfig } from "./tool.js";
import { TOOL } from "./spec.js";
import { Table, isTable } from "./values.js";
import { dynamicVersion } from "./version.js";
import { readLock, type Lock } from "./lock.js";

export interface Project {
  /** Absolute path of the folder holding pyproject.toml. */
  root: string;
  metadata: ProjectMetadata;
  config: BinwheelConfig;
  /** binwheel.lock, when the project has an upstream and the file exists. */
  lock?: Lock;
  /**
   * The upstream release builds take (undefined without an upstream): the -C upstream-version
   * override, else [tool.binwheel.upstream] version, else the lock's, else the project version.
   */
  upstreamVersion?: string;
}

/**
 * `override` is the `-C upstream-version` value, which a dynamic version may follow. `lock: "skip"`
 * leaves binwheel.lock unread (for `binwheel lock`, which writes it).
 */
export function loadProject(root: string, override?: string, { lock: lockMode = "read" }: { lock?: "read" | "skip" } = {}): Project {
  const file = path.join(root, "pyproject.toml");
  if (!existsSync(file)) fail(`no pyproject.toml in ${root}: binwheel builds projects configured by a pyproject.toml with a [project] table.`);
  const text = readUtf8(file, file);
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
  // [tool.binwheel] is read after [project] (whose errors come first) unless a dynamic version needs it.
  let config: BinwheelConfig | undefined;
  let lock: Lock | undefined;
  const readConfig = () => {
    if (config) return config;
    config = readTool(tool === undefined ? undefined : new Table("[tool.binwheel]", tool, TOOL), projectName(project), root);
    if (config.upstream && lockMode === "read") lock = readLock(root);
    return config;
  };
  const named = () => override ?? readConfig().upstream?.version ?? lock?.upstreamVersion;
  const metadata = readProject(project, root, () => {
    const { version, upstream } = readConfig();
    return dynamicVersion(root, version, upstream, named());
  });
  const { upstream } = readConfig();
  return { root, metadata, config: readConfig(), ...(lock && { lock }), ...(upstream && { upstreamVersion: named() ?? metadata.version }) };
}
