"""PEP 517 and PEP 660 hooks: each one sends a JSON request to the bundled executable and
returns the answer it writes back."""

import json
import os
import shutil
import subprocess
import tempfile

from . import _host, _node


def get_requires_for_build_wheel(config_settings=None):
    # Ask the frontend for a Node.js wheel only when this machine has no usable Node.
    return [] if _node.find_node() else [_node.NODE_REQUIREMENT]


get_requires_for_build_sdist = get_requires_for_build_wheel
get_requires_for_build_editable = get_requires_for_build_wheel


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    return _call("prepare_metadata_for_build_wheel", config_settings, metadata_directory)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    return _call("prepare_metadata_for_build_editable", config_settings, metadata_directory)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _call("build_wheel", config_settings, wheel_directory, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _call("build_editable", config_settings, wheel_directory, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    return _call("build_sdist", config_settings, sdist_directory)


def _call(hook, config_settings, directory, metadata_directory=None):
    """Runs one hook in the core; on failure the core has printed why, so exit without a traceback."""
    node = _node.require_node()
    scratch = tempfile.mkdtemp(prefix="binwheel-hook-")
    try:
        request = os.path.join(scratch, "request.json")
        result = os.path.join(scratch, "result.json")
        with open(request, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "hook": hook,
                    "source_dir": os.getcwd(),
                    "directory": os.path.abspath(directory),
                    "metadata_directory": metadata_directory and os.path.abspath(metadata_directory),
                    "config_settings": config_settings or {},
                    "host": _host.host_facts(),
                },
                f,
            )
        code = subprocess.call(
            _node.core_command(node) + ["--pep517", request, result],
            stdin=subprocess.DEVNULL,
            env=_node.node_environment(),
        )
        if code != 0:
            raise SystemExit(code)
        with open(result, encoding="utf-8") as f:
            return json.load(f)["return"]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
