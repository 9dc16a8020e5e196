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
  /** A direct command's file in the scripts folder instead ("mytool", "mytool.exe"). */
  script?: string;
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

/** A command the launcher module runs: an executable in the package, or (a direct command, for `python -m`) one in a scripts folder. */
export type LaunchedCommand = { name: string; wheelPath: string } | { name: string; script: string };

export function renderLauncher(packageName: string, commands: LaunchedCommand[], libraryDirs: string[]): string {
  const names = new Map(functionNames(commands.map((c) => c.name)));
  const scripts = commands.some((c) => "script" in c);
  // Only what every command needs is imported: this module's start-up is each command's.
  return `"""Console commands that run the executables bundled in this wheel (written by binwheel)."""
import os
import sys

${rootLines(launcherPath(packageName))}


_LIBRARY_DIRS = [${libraryDirs.map(py).join(", ")}]


def _run(executable):
    args = sys.argv[1:]
    if os.name == "nt":
        # Windows has no exec(): run the program with its DLL folders on PATH and pass its exit code on.
        import subprocess

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
${scripts ? `

${SCRIPT_FINDER}
` : ""}${commands.map((c) => `

def ${names.get(c.name)}():
    ${"script" in c ? `try:
        executable = _script(${py(c.script)})
    except LookupError as e:
        sys.exit("%s: %s" % (${py(c.name)}, e))
    _run(executable)` : `_run(_path(${py(c.wheelPath)}))`}
`).join("")}`;
}

/** `<package>/__main__.py`: `python -m <package>` runs `command` as its console command would. */
export function renderMain(packageName: string, command: string, fn: string): string {
  return `"""python -m ${packageName}: runs the ${command} command (written by binwheel)."""
import sys

if __name__ == "__main__":
    from ${packageName}._binwheel_scripts import ${fn}

    sys.argv[0] = ${py(command)}
    ${fn}()
`;
}

/** The path of `<package>/__main__.py`. */
export function mainPath(packageName: string): string {
  return `${packageName}/__main__.py`;
}

/** The function of the launcher module that runs `command` (the shell launcher's fallback calls it). */
export function launcherFunction(commands: string[], command: string): string {
  return new Map(functionNames(commands)).get(command)!;
}

export interface ShellLauncher {
  command: string;
  /** The package holding the launcher module, and the function there that runs the command. */
  packageName: string;
  fn: string;
  /** The executable's wheel path, and the .dist-info folder that marks this very install. */
  wheelPath: string;
  distInfo: string;
  /** The distribution's name and version, which the Python fallback checks it imports. */
  distribution: string;
  version: string;
}

/**
 * A POSIX sh script installed as {dist}.data/scripts/<command>: it finds the executable from its
 * own place for the usual install layouts (a venv, --user, --prefix, a system's dist-packages,
 * macOS framework builds' --user, --target) and execs it, with no fork on the way; when none
 * fits, it asks Python (the launcher module). Only this install's files count: the .dist-info
 * of this version must sit beside the executable's package.
 */
export function renderShellLauncher(l: ShellLauncher): string {
  const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const release = `${l.distribution} ${l.version}`;
  // The fallback runs with -c, which puts the current folder first on sys.path: drop it, so that no
  // folder the user happens to be in can stand in for the package; and accept only this version.
  const fallback = [
    "import sys",
    'if sys.path and sys.path[0] == "": del sys.path[0]',
    `sys.argv[0] = ${py(l.command)}`,
    "try:",
    "    from importlib.metadata import version",
    `    found = version(${py(l.distribution)})`,
    "except Exception:",
    "    found = None",
    `if found != ${py(l.version)}:`,
    `    sys.exit(${py(`${l.command}: the Python found (%s) has %s, not ${release}, which this command belongs to; reinstall ${l.distribution}`)} % (sys.executable, found and ${py(`${l.distribution} `)} + found or ${py(`no ${l.distribution}`)}))`,
    `from ${l.packageName}._binwheel_scripts import ${l.fn}`,
    `${l.fn}()`,
  ].join("\n");
  return `#!/bin/sh
# ${l.command}: runs ${l.wheelPath} (written by binwheel; the wheel's .data/scripts).
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self") || break
  case $link in /*) self=$link ;; *) case $self in */*) self=\${self%/*}/$link ;; *) self=$link ;; esac ;; esac
done
case $self in */*) here=\${self%/*} ;; *) here=. ;; esac
for site in "$here"/../lib/python3*/site-packages "$here"/../lib64/python3*/site-packages "$here"/../lib/pypy3*/site-packages "$here"/../lib/python3*/dist-packages "$here"/../lib/python3/dist-packages "$here"/../lib/python/site-packages "$here"/..; do
  if [ -x "$site"/${q(l.wheelPath)} ] && [ -d "$site"/${q(l.distInfo)} ]; then
    exec "$site"/${q(l.wheelPath)} "$@"
  fi
done
for python in "$here/python3" "$here/python" python3 python; do
  if command -v "$python" >/dev/null 2>&1; then
    exec "$python" -c ${q(fallback)} "$@"
  fi
done
echo ${q(`${l.command}: cannot find ${l.wheelPath} of ${release} beside this script, nor a Python to ask`)} >&2
exit 127
`;
}

/** Where the installer put a direct command's file, as the locator and `python -m` find it. */
const SCRIPT_FINDER = `def _script(file):
    """Where the installer put a command's file: the scripts folders pip, uv and installer use."""
    import sysconfig

    if sys.version_info >= (3, 10):
        user = sysconfig.get_preferred_scheme("user")
    elif os.name == "nt":
        user = "nt_user"
    elif sys.platform == "darwin" and getattr(sys, "_framework", None):
        user = "osx_framework_user"
    else:
        user = "posix_user"
    site = _ROOT
    folders = [
        sysconfig.get_path("scripts"),
        sysconfig.get_path("scripts", vars={"base": sys.base_prefix}),
        sysconfig.get_path("scripts", scheme=user),
        # --prefix: <prefix>/lib/pythonX.Y/site-packages or <prefix>/Lib/site-packages
        os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(site))), "bin"),
        os.path.join(os.path.dirname(os.path.dirname(site)), "Scripts"),
        # --target: <target>/bin beside the packages
        os.path.join(site, "bin"),
    ]
    for folder in folders:
        candidate = os.path.join(folder, file)
        if os.path.isfile(candidate):
            return candidate
    raise LookupError("the command %r of this wheel is not in any scripts folder (looked in %s)" % (file, ", ".join(folders)))`;

export interface LocatorFacts {
  target: string;
  platform: string;
  executables: BundledFile[];
  libraryDirs: string[];
}

export function renderLocator(modulePath: string, facts: LocatorFacts): string {
  const executables = facts.executables.filter((e) => !e.script).map((e) => `    ${py(e.name)}: ${py(e.wheelPath)},`).join("\n");
  const scripts = facts.executables.filter((e) => e.script).map((e) => `    ${py(e.name)}: ${py(e.script!)},`).join("\n");
  return `"""Where this wheel's bundled binaries are (written by binwheel; do not edit).

    from ${modulePath.replace(/\.py$/, "").replace(/\//g, ".")} import executable, library_dir
    subprocess.run([executable("toondb-server"), "--help"])
"""
import os
import sys

${rootLines(modulePath)}


#: The Rust target triple and the {os}-{arch} platform the bundled binaries were built for.
TARGET = ${py(facts.target)}
PLATFORM = ${py(facts.platform)}

_EXECUTABLES = {
${executables}
}
# Executables installed as commands themselves: the installer put them in a scripts folder.
_SCRIPTS = {
${scripts}
}
_LIBRARY_DIRS = [${facts.libraryDirs.map(py).join(", ")}]


def executables():
    """A dict of every bundled executable's name (without ".exe") to its absolute path."""
    return {name: executable(name) for name in sorted(set(_EXECUTABLES) | set(_SCRIPTS))}


def executable(name):
    """The absolute path of the bundled executable \`name\` (without ".exe")."""
    if name in _EXECUTABLES:
        return _path(_EXECUTABLES[name])
    if name in _SCRIPTS:
        return _script(_SCRIPTS[name])
    raise LookupError(
        "no bundled executable named %r; this wheel has: %s" % (name, ", ".join(sorted(set(_EXECUTABLES) | set(_SCRIPTS))) or "none")
    )


${SCRIPT_FINDER}


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
