// entry_points.txt and the commands a wheel installs (BW5xx). PyPI reads entry_points.txt with
// Python's configparser ("=" the only delimiter, keys case-sensitive, no key twice) and refuses a
// file it cannot read or a console or GUI script name outside [\w.-]+ (warehouse's
// validate_entrypoints); pip refuses a script that is not module:object. A command lands in the
// environment's scripts folder, over whatever is there: uv refuses the names of Python's own
// launchers, and a command named pip replaces the environment's pip unless the wheel is pip's.
import { printable } from "../fs/artifact-path.js";
import { normalizeName } from "../python/names.js";
import type { Findings } from "./findings.js";

const SCRIPT_SECTIONS = ["console_scripts", "gui_scripts"];
/** Python's \w (str.isalnum() or "_"), "." and "-". */
const COMMAND_NAME = /^[\p{L}\p{N}_.-]+$/u;
const OBJECT_REFERENCE = /^[\p{L}\p{N}_.]+:[\p{L}\p{N}_.]+(\s*\[.*\])?$/u;
/** The launchers a virtual environment holds (uv refuses a command of these names, astral-sh/uv#19535). */
const PYTHON_LAUNCHER = /^(python|pythonw|python3|python3\.\d+t?|pythonw3\.\d+t)(\.py|\.exe)?$/i;
const PIP = /^pip(3(\.\d+)?)?(\.exe)?$/i;

/** Reports what is wrong with the command `name` (an entry point or a .data/scripts file) of `project`. */
export function checkCommandName(name: string, where: string, project: string, findings: Findings): void {
  if (PYTHON_LAUNCHER.test(name)) findings.add("BW504", `${where} installs the command "${printable(name)}", which replaces the environment's Python launcher; uv refuses such wheels`);
  else if (PIP.test(name) && normalizeName(project) !== "pip") findings.add("BW505", `${where} installs the command "${printable(name)}", which replaces the environment's pip`);
}

/** entry_points.txt, read the way configparser reads it. */
export function checkEntryPoints(text: string, project: string, findings: Findings): void {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let sectionName = "";
  let option: string | undefined;
  let indent = 0;
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const value = line.trim();
    const at = `line ${n + 1}`;
    if (value === "" || value.startsWith("#") || value.startsWith(";")) continue;
    const lineIndent = line.length - line.trimStart().length;
    if (section && option !== undefined && lineIndent > indent) {
      section.set(option, `${section.get(option)}\n${value}`);
      continue;
    }
    indent = lineIndent;
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      sectionName = header[1]!;
      if (sections.has(sectionName)) return findings.add("BW501", `entry_points.txt gives the section [${printable(sectionName)}] twice (${at}); PyPI refuses the upload`);
      section = new Map();
      sections.set(sectionName, section);
      option = undefined;
      continue;
    }
    if (!section) return findings.add("BW501", `entry_points.txt has "${printable(value)}" before any [section] (${at}); PyPI refuses the upload`);
    const eq = value.indexOf("=");
    const key = eq < 0 ? "" : value.slice(0, eq).trimEnd();
    if (!key) return findings.add("BW501", `entry_points.txt has "${printable(value)}" in [${printable(sectionName)}], which is not "name = object reference" (${at}); PyPI refuses the upload`);
    if (section.has(key)) return findings.add("BW501", `entry_points.txt gives ${printable(key)} twice in [${printable(sectionName)}] (${at}); PyPI refuses the upload`);
    section.set(key, value.slice(eq + 1).trim());
    option = key;
  }
  for (const group of SCRIPT_SECTIONS) {
    for (const [name, reference] of sections.get(group) ?? []) {
      const shown = printable(name);
      if (!COMMAND_NAME.test(name)) {
        findings.add("BW502", `[${group}] names the command "${shown}", which PyPI refuses: a command name holds letters, digits, "_", "." and "-" only`);
        continue;
      }
      if (!OBJECT_REFERENCE.test(reference)) findings.add("BW503", `[${group}] ${shown} = "${printable(reference)}" is not module:object; pip refuses to install the command`);
      checkCommandName(name, `[${group}] ${shown}`, project, findings);
    }
  }
}
