// How each [tool.binwheel.scripts] command of a target reaches the user's PATH:
// - direct: the executable itself is the command, stored once as {dist}.data/scripts/<command>
//   (".exe" on Windows), which installers copy to the scripts folder as it is;
// - a launcher, on POSIX: a small sh script in {dist}.data/scripts that finds the executable in
//   the package and execs it (no Python start-up);
// - a launcher, on Windows and in editable installs: a console_scripts entry point into the
//   generated Python module (_binwheel_scripts.py), which the other two fall back to.
import path from "node:path";
import type { IncludedFile } from "./include.js";
import type { Project } from "../config/pyproject.js";
import { fail } from "../errors.js";
import { loadedLibraries } from "../inspect/inspect.js";
import type { TargetPlan } from "../plan/target-plan.js";
import { commandsFor, distInfoDir, launcherPackage } from "./distinfo.js";
import { memberFromBuffer } from "./member.js";
import { launcherFunction, renderShellLauncher, type BundledFile } from "./runtime.js";
import { distributionStem } from "./tags.js";
import type { ZipEntry } from "./zip-writer.js";

export interface CommandPlan {
  /** {dist}.data/scripts entries: direct executables and shell launchers. */
  scripts: ZipEntry[];
  /** Executables that moved to .data/scripts (direct), wheel path -> script path: not written in the package too. */
  moved: Map<string, string>;
  /** Every launcher-mode command, for the Python launcher module. */
  launched: { name: string; wheelPath: string }[];
  /** The locator's view: every executable, direct ones by their file in the scripts folder. */
  executables: BundledFile[];
}

export const isLibrary = (wheelPath: string) => /\.(so(\.\d+)*|dylib|dll)$/i.test(wheelPath);

export function planCommands(project: Project, plan: TargetPlan, included: IncludedFile[], editable: boolean): CommandPlan {
  const { triple, os } = plan.target;
  const exe = os === "windows" ? ".exe" : "";
  const executables = included
    .filter((f) => f.mode === 0o755 && !isLibrary(f.wheelPath))
    .map((f) => ({ name: path.posix.basename(f.wheelPath).replace(/\.exe$/i, ""), wheelPath: f.wheelPath, file: f }));
  // Every binary the wheel bundles, by file name: libraries by extension or not (a macOS framework's
  // binary has none), which a direct command could no longer find from the scripts folder.
  const libraries = new Set(included.filter((f) => f.binary).map((f) => path.posix.basename(f.wheelPath).toLowerCase()));
  const scriptsDir = `${distributionStem(project.metadata.name, project.metadata.version)}.data/scripts`;
  const result: CommandPlan = { scripts: [], moved: new Map(), launched: [], executables: [] };
  const scripts = commandsFor(project, triple);
  const launchedNames = scripts.filter((s) => !s.direct).map((s) => s.name);
  const pkg = launcherPackage(project);
  const directByExecutable = new Map<string, string>();
  for (const { name, executable, direct } of scripts) {
    const found = executables.filter((e) => e.name === executable);
    if (found.length !== 1) {
      fail(
        `[tool.binwheel.scripts] ${name} = "${executable}": ${found.length === 0 ? "no" : "more than one"} included executable is named "${executable}"${os === "windows" ? ` or "${executable}.exe"` : ""} for ${triple}. ` +
          `Included executables: ${executables.map((e) => e.wheelPath).join(", ") || "none"}.`,
      );
    }
    const { wheelPath, file } = found[0]!;
    if (project.metadata.scripts.some(([n]) => n === name)) fail(`the command "${name}" is defined in both [project.scripts] and [tool.binwheel.scripts]; keep one.`);
    if (direct) {
      // From the scripts folder, the executable no longer finds libraries bundled beside it in the package.
      const needs = file.binary ? loadedLibraries(file.binary) : { names: [], rpaths: [] };
      const bundled = needs.names.find((n) => libraries.has(n.toLowerCase()));
      if (bundled) {
        fail(
          `[tool.binwheel.scripts] ${name} is direct, but ${wheelPath} loads ${bundled}, which the wheel bundles in the package${needs.rpaths.length ? ` (it looks in ${needs.rpaths.join(", ")})` : ""}: ` +
            "installed in the scripts folder, the executable could not find it. Keep this command a launcher (direct = false).",
        );
      }
      result.scripts.push({ name: `${scriptsDir}/${name}${exe}`, mode: 0o755, member: file.member });
      result.moved.set(wheelPath, `${scriptsDir}/${name}${exe}`);
      directByExecutable.set(executable, `${name}${exe}`);
    } else {
      result.launched.push({ name, wheelPath });
      if (os !== "windows" && !editable && pkg) {
        const source = renderShellLauncher({
          command: name, packageName: pkg, fn: launcherFunction(launchedNames, name), wheelPath, distInfo: distInfoDir(project),
          distribution: project.metadata.name, version: project.metadata.version,
        });
        result.scripts.push({ name: `${scriptsDir}/${name}`, mode: 0o755, member: memberFromBuffer(Buffer.from(source)) });
      }
    }
  }
  result.executables = executables.map(({ name, wheelPath }) => ({ name, wheelPath, ...(directByExecutable.has(name) && { script: directByExecutable.get(name)! }) }));
  return result;
}
