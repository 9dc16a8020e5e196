"""binwheel: a PEP 517 build backend that ships an upstream project's prebuilt binaries in wheels.

This package is a thin shim: the hooks gather facts about the Python running the build and hand
the work to binwheel's bundled executable (``_core.mjs``), run by Node.js.
"""

from ._backend import (
    build_editable,
    build_sdist,
    build_wheel,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]
