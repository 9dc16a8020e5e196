// [tool.binwheel.scripts] -> a small generated module with one function per console command,
// each replacing the Python process with the bundled executable (POSIX) or running it with the
// bundled library folders on PATH and passing its exit code through (Windows).

export interface BundledCommand {
  /** The console command, e.g. "toondb-bulk". */
  name: string;
  /** The executable's path inside the wheel, e.g. "toondb/_bin/linux-x86_64/toondb-bulk". */
  wheelPath: string;
}

export interface Launcher {
  /** Where the module goes in the wheel, e.g. "toondb/_binwheel_scripts.py". */
  wheelPath: string;
  source: string;
  /** console_scripts entries: command -> "toondb._binwheel_scripts:run_toondb_bulk". */
  entryPoints: [string, string][];
}

export function renderLauncher(packageName: string, commands: BundledCommand[], libraryDirs: string[]): Launcher {
  const used = new Set<string>();
  const functions = commands.map((command) => {
    let fn = `run_${command.name.replace(/\W/g, "_")}`;
    while (used.has(fn)) fn += "_";
    used.add(fn);
    return { ...command, fn };
  });
  const py = (s: string) => JSON.stringify(s); // a JSON string of ASCII path characters is a valid Python literal
  const source = `"""Console commands that run the executables bundled in this wheel (written by binwheel)."""
import os
import subprocess
import sys

# Paths are relative to the folder that holds the "${packageName}" package (site-packages).
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = [${libraryDirs.map(py).join(", ")}]


def _path(relative):
    return os.path.join(_ROOT, *relative.split("/"))


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
${functions.map((f) => `

def ${f.fn}():
    _run(${py(f.wheelPath)})
`).join("")}`;
  return {
    wheelPath: `${packageName}/_binwheel_scripts.py`,
    source,
    entryPoints: functions.map((f) => [f.name, `${packageName}._binwheel_scripts:${f.fn}`]),
  };
}
