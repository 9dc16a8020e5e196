"""PEP 517 hooks: each one sends a JSON request to the bundled executable and reads its answer."""

import json
import os
import shutil
import subprocess
import tempfile

from . import _host, _node


def get_requires_for_build_wheel(config_settings=None):
    # Ask the frontend for a Node.js wheel only when this machine has no usable Node.
    return [] if _node.find_node() else [_node.NODE_REQUIREMENT]


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _call(
        "build_wheel",
        config_settings,
        wheel_directory=os.path.abspath(wheel_directory),
        metadata_directory=metadata_directory and os.path.abspath(metadata_directory),
    )


def _call(hook, config_settings, **fields):
    """Runs one hook in the core; on failure the core has printed why, so exit without a traceback."""
    node = _node.require_node()
    scratch = tempfile.mkdtemp(prefix="binwheel-hook-")
    try:
        request = os.path.join(scratch, "request.json")
        result = os.path.join(scratch, "result.json")
        fields.update(
            hook=hook,
            source_dir=os.getcwd(),
            config_settings=config_settings or {},
            host=_host.host_facts(),
        )
        with open(request, "w", encoding="utf-8") as f:
            json.dump(fields, f)
        code = subprocess.call(
            [node, _node.core_path(), "--pep517", request, result],
            stdin=subprocess.DEVNULL,
        )
        if code != 0:
            raise SystemExit(code)
        with open(result, encoding="utf-8") as f:
            return json.load(f)["return"]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
