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
import { warn } from "../log.js";
import type { TargetPlan } from "../plan/target-plan.js";
import { commandsFor, distInfoDir, launcherPackage } from "./distinfo.js";
import { memberFromBuffer } from "./member.js";
import { launcherFunction, renderShellLauncher, type BundledFile, type LaunchedCommand } from "./runtime.js";
import { distributionStem } from "./tags.js";
import type { ZipEntry } from "./zip-writer.js";

export interface CommandPlan {
  /** {dist}.data/scripts entries: direct executables and shell launchers. */
  scripts: ZipEntry[];
  /** Executables that moved to .data/scripts (direct), wheel path -> script path: not written in the package too. */
  moved: Map<string, string>;
  /** Every launcher-mode command, and a direct command `python -m` runs, for the Python launcher module. */
  launched: LaunchedCommand[];
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
      warnOfDataBeside(name, wheelPath, plan, included);
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
  // python -m <package> runs its command through the launcher module, a direct one too (found in the scripts folder).
  const main = scripts.find((s) => s.name === project.config.main);
  if (main?.direct) result.launched.push({ name: main.name, script: `${main.name}${exe}` });
  result.executables = executables.map(({ name, wheelPath }) => ({ name, wheelPath, ...(directByExecutable.has(name) && { script: directByExecutable.get(name)! }) }));
  return result;
}

/**
 * A direct executable leaves its folder for the scripts folder; files its include rule put beside
 * that folder (a bin/ next to share/ or lib/, as cmake's ../share) stay in the package, where a
 * program that looks for them relative to itself no longer finds them. Said, not refused: many
 * programs never look.
 */
function warnOfDataBeside(command: string, wheelPath: string, plan: TargetPlan, included: IncludedFile[]): void {
  const folder = path.posix.dirname(wheelPath);
  const parent = path.posix.dirname(folder);
  // The rule that placed the executable: only its own destination is the program's layout.
  const destination = plan.include.map((r) => r.toDir).filter((dir) => wheelPath.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length)[0];
  if (destination === undefined || (parent !== destination && !parent.startsWith(`${destination}/`))) return;
  const beside = included.map((f) => f.wheelPath).filter((p) => p.startsWith(`${parent}/`) && !p.startsWith(`${folder}/`));
  if (beside.length === 0) return;
  const folders = [...new Set(beside.map((p) => `${p.slice(parent.length + 1).split("/")[0]}${p.slice(parent.length + 1).includes("/") ? "/" : ""}`))].sort();
  warn(
    `[tool.binwheel.scripts] ${command} is direct, so ${wheelPath} is installed alone in the scripts folder, but ${beside.length} included file${beside.length === 1 ? "" : "s"} ` +
      `beside its folder (${folders.map((f) => `../${f}`).join(", ")}, under ${parent}/) stay${beside.length === 1 ? "s" : ""} in the package: a program that finds its data relative to itself will not find ${beside.length === 1 ? "it" : "them"}. ` +
      `If ${command} does, keep it a launcher (direct = false on the command, or commands = "launcher").`,
  );
}
