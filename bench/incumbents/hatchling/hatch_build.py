"""Extracts $TOONDB_ARCHIVE and force-includes bin/* and lib/* under toondb/, tagged manylinux_2_17."""
import os
import shutil
import tarfile
import tempfile

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if self.target_name != "wheel":
            return
        self._tmp = tempfile.mkdtemp(prefix="toondb-hatch-")
        with tarfile.open(os.environ["TOONDB_ARCHIVE"], "r:gz") as tar:
            tar.extractall(self._tmp, filter="data")
        top = os.path.join(self._tmp, os.listdir(self._tmp)[0]) if len(os.listdir(self._tmp)) == 1 else self._tmp
        for sub, dest in (("bin", "toondb/_bin/linux-x86_64"), ("lib", "toondb/lib/linux-x86_64")):
            for name in sorted(os.listdir(os.path.join(top, sub))):
                build_data["force_include"][os.path.join(top, sub, name)] = f"{dest}/{name}"
        build_data["pure_python"] = False
        build_data["tag"] = "py3-none-manylinux_2_17_x86_64"

    def finalize(self, version, build_data, artifact_path):
        shutil.rmtree(getattr(self, "_tmp", ""), ignore_errors=True)
