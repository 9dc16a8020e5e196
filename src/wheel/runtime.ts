// Python modules binwheel generates into the wheel (and, for editable installs, into the source
// tree): the launcher behind [tool.binwheel.scripts], and the runtime locator that tells the
// SDK's own code where its bundled executables and libraries are. Both find their files relative
// to their own location, so they work from site-packages and from a source checkout alike.
import { closeSync, openSync, readSync } from "node:fs";

export interface BundledFile {
  /** The executable's name without ".exe" (the locator's key), e.g. "toondb-bulk". */
  name: string;
  /** Path inside the wheel, e.g. "toondb/_bin/linux-x86_64/toondb-bulk". */
  wheelPath: string;
}

/** True when `file` starts like a module binwheel generated (its docstring says so). */
export function isGeneratedModule(file: string): boolean {
  const head = Buffer.alloc(200);
  const fd = openSync(file, "r");
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return head.toString("utf8").split("\n")[0]!.includes("(written by binwheel");
}

/** The launcher module's path in the wheel: inside the first package. */
export function launcherPath(packageName: string): string {
  return `${packageName}/_binwheel_scripts.py`;
}

/** console_scripts entries for the commands; they depend on the configuration only. */
export function scriptEntryPoints(packageName: string, commands: string[]): [string, string][] {
  return functionNames(commands).map(([command, fn]) => [command, `${packageName}._binwheel_scripts:${fn}`]);
}

function functionNames(commands: string[]): [string, string][] {
  const used = new Set<string>();
  return commands.map((command) => {
    let fn = `run_${command.replace(/\W/g, "_")}`;
    while (used.has(fn)) fn += "_";
    used.add(fn);
    return [command, fn];
  });
}

/** A JSON string of a path is a valid Python string literal (paths here are printable). */
const py = (s: string) => JSON.stringify(s);

/** The lines that locate the wheel's root (site-packages) from a module at `modulePath`. */
function rootLines(modulePath: string): string {
  const depth = modulePath.split("/").length;
  const up = "os.path.dirname(".repeat(depth);
  return `# Paths below are relative to the folder that holds the top-level package (site-packages).
_ROOT = ${up}os.path.abspath(__file__)${")".repeat(depth)}


def _path(relative):
    return os.path.join(_ROOT, *relative.split("/"))`;
}

export function renderLauncher(packageName: string, commands: { name: string; wheelPath: string }[], libraryDirs: string[]): string {
  const names = new Map(functionNames(commands.map((c) => c.name)));
  return `"""Console commands that run the executables bundled in this wheel (written by binwheel)."""
import os
import subprocess
import sys

${rootLines(launcherPath(packageName))}


_LIBRARY_DIRS = [${libraryDirs.map(py).join(", ")}]


def _run(relative):
    executable = _path(relative)
    args = sys.argv[1:]
    if os.name == "nt":
        # Windows has no exec(): run the program with its DLL folders on PATH and pass its exit code on.
        env = dict(os.environ)
        env["PATH"] = os.pathsep.join([_path(d) for d in _LIBRARY_DIRS] + [env.get("PATH", "")])
        process = subprocess.Popen([executable] + args, env=env, close_fds=False)
        while True:
            try:
                sys.exit(process.wait())
            except KeyboardInterrupt:
                pass  # the program got the Ctrl+C too; let it decide when to stop
    if not os.access(executable, os.X_OK):
        # Some installers drop the executable bit; restore it if we may.
        try:
            os.chmod(executable, os.stat(executable).st_mode | 0o111)
        except OSError:
            pass
    os.execv(executable, [sys.argv[0]] + args)
${commands.map((c) => `

def ${names.get(c.name)}():
    _run(${py(c.wheelPath)})
`).join("")}`;
}

export interface LocatorFacts {
  target: string;
  platform: string;
  executables: BundledFile[];
  libraryDirs: string[];
}

export function renderLocator(modulePath: string, facts: LocatorFacts): string {
  const executables = facts.executables.map((e) => `    ${py(e.name)}: ${py(e.wheelPath)},`).join("\n");
  return `"""Where this wheel's bundled binaries are (written by binwheel; do not edit).

    from ${modulePath.replace(/\.py$/, "").replace(/\//g, ".")} import executable, library_dir
    subprocess.run([executable("toondb-server"), "--help"])
"""
import os

${rootLines(modulePath)}


#: The Rust target triple and the {os}-{arch} platform the bundled binaries were built for.
TARGET = ${py(facts.target)}
PLATFORM = ${py(facts.platform)}

_EXECUTABLES = {
${executables}
}
_LIBRARY_DIRS = [${facts.libraryDirs.map(py).join(", ")}]


def executables():
    """A dict of every bundled executable's name (without ".exe") to its absolute path."""
    return {name: _path(relative) for name, relative in _EXECUTABLES.items()}


def executable(name):
    """The absolute path of the bundled executable \`name\` (without ".exe")."""
    try:
        return _path(_EXECUTABLES[name])
    except KeyError:
        raise LookupError(
            "no bundled executable named %r; this wheel has: %s" % (name, ", ".join(sorted(_EXECUTABLES)) or "none")
        ) from None


def library_dirs():
    """The absolute paths of the folders holding the bundled shared libraries."""
    return [_path(d) for d in _LIBRARY_DIRS]


def library_dir():
    """The folder of the bundled shared libraries (the first one, if there are several)."""
    if not _LIBRARY_DIRS:
        raise LookupError("this wheel bundles no shared libraries")
    return _path(_LIBRARY_DIRS[0])
`;
}
