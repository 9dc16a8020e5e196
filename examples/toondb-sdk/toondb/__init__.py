"""ToonDB Python SDK (binwheel's example project)."""

import subprocess

__version__ = "0.3.2"


class Database:
    """A stand-in for the SDK's database handle."""

    def __init__(self, path):
        self.path = path

    @classmethod
    def open(cls, path):
        return cls(path)


def server_version():
    """Runs the bundled toondb-server, found through the module binwheel generates."""
    from toondb._binaries import executable

    return subprocess.run([executable("toondb-server"), "--help"], capture_output=True, text=True, check=True).stdout
