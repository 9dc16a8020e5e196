"""The zig-pypi style direct script: tarfile streamed into zipfile (deflate 6), 1 MiB chunks.

  direct.py ARCHIVE SDK_DIR OUT_DIR
"""
import base64
import hashlib
import os
import sys
import tarfile
import zipfile

archive, sdk, out = sys.argv[1:4]
name = "toondb_client-0.3.2"
dist_info = name + ".dist-info"
rows = []


def add(z, arcname, mode, chunks):
    info = zipfile.ZipInfo(arcname, (1980, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16
    info.create_system = 3
    info.compress_type = zipfile.ZIP_DEFLATED
    h, n = hashlib.sha256(), 0
    with z.open(info, "w") as dst:
        for chunk in chunks:
            h.update(chunk)
            n += len(chunk)
            dst.write(chunk)
    rows.append("%s,sha256=%s,%d" % (arcname, base64.urlsafe_b64encode(h.digest()).rstrip(b"=").decode(), n))


def read(f):
    while True:
        chunk = f.read(1 << 20)
        if not chunk:
            return
        yield chunk


os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(os.path.join(out, name + "-py3-none-manylinux_2_17_x86_64.whl"), "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
    for root, _, files in sorted(os.walk(os.path.join(sdk, "toondb"))):
        for f in sorted(files):
            path = os.path.join(root, f)
            with open(path, "rb") as src:
                add(z, os.path.relpath(path, sdk).replace(os.sep, "/"), 0o644, read(src))
    with tarfile.open(archive, "r|gz") as tar:
        for m in tar:
            if m.isfile():
                kind, base = m.name.split("/")[-2:]
                add(z, "toondb/%s/linux-x86_64/%s" % ("_bin" if kind == "bin" else "lib", base), m.mode & 0o777, read(tar.extractfile(m)))
    for fname, text in (("METADATA", "Metadata-Version: 2.1\nName: toondb-client\nVersion: 0.3.2\n"),
                        ("WHEEL", "Wheel-Version: 1.0\nGenerator: direct.py\nRoot-Is-Purelib: false\nTag: py3-none-manylinux_2_17_x86_64\n")):
        add(z, dist_info + "/" + fname, 0o644, [text.encode()])
    z.writestr(dist_info + "/RECORD", "\n".join(rows + [dist_info + "/RECORD,,"]) + "\n")
