"""A PEP 517 backend that does no work: the benchmark's floor (see pyproject.toml)."""

import base64
import hashlib
import os
import zipfile

NAME = "toondb_client-0.3.2"


def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = {
        NAME + ".dist-info/METADATA": b"Metadata-Version: 2.1\nName: toondb-client\nVersion: 0.3.2\n",
        NAME + ".dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: floor\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(
        "%s,sha256=%s,%d\n" % (name, base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode(), len(data))
        for name, data in files.items()
    ) + NAME + ".dist-info/RECORD,,\n"
    files[NAME + ".dist-info/RECORD"] = record.encode()
    wheel = NAME + "-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return wheel
