"""Strict sdist validator for binwheel's end-to-end tests.

Usage: python validate_sdist.py SDIST  -> prints a JSON summary; exits 1 listing every problem.
Checks what PyPI, build and installers check (research/wheel-spec.md section 3): the PEP 625 file
name, one top folder, PKG-INFO first and valid, regular files only, normalized modes and owners,
one mtime, the gzip header, and no executables or libraries (ELF, Mach-O, PE).
"""

import gzip
import json
import struct
import sys
import tarfile

from packaging.metadata import Metadata
from packaging.utils import canonicalize_name, parse_sdist_filename

MAGIC = (b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")


def validate(path):
    problems = []
    filename = path.replace("\\", "/").rsplit("/", 1)[-1]
    name, version = parse_sdist_filename(filename)
    stem = filename[: -len(".tar.gz")]
    if stem != "%s-%s" % (str(canonicalize_name(name)).replace("-", "_"), version):
        problems.append("file name %s is not {normalized_name}-{version}.tar.gz" % filename)
    with open(path, "rb") as f:
        head = f.read(10)
    gzip_mtime = struct.unpack_from("<I", head, 4)[0]
    if head[3] & 0x08:
        problems.append("gzip header carries a file name")
    members = []
    with tarfile.open(path, "r:gz") as tar:
        infos = tar.getmembers()
        if tar.pax_headers:
            problems.append("global pax header")
        for info in infos:
            if not info.isreg():
                problems.append("%s is not a regular file" % info.name)
            if info.name.split("/")[0] != stem or info.name.startswith(("/", "./")) or ".." in info.name.split("/"):
                problems.append("%s is not under the top folder %s/" % (info.name, stem))
            if info.mode not in (0o644, 0o755):
                problems.append("%s has mode %o" % (info.name, info.mode))
            if (info.uid, info.gid, info.uname, info.gname) != (0, 0, "", ""):
                problems.append("%s has an owner" % info.name)
            if info.mtime != gzip_mtime:
                problems.append("%s has mtime %d, the gzip header %d" % (info.name, info.mtime, gzip_mtime))
            data = tar.extractfile(info).read() if info.isreg() else b""
            if data[:4] in MAGIC or (data[:2] == b"MZ" and b"PE\0\0" in data[:1024]):
                problems.append("%s is a binary" % info.name)
            members.append({"name": info.name[len(stem) + 1:], "mode": oct(info.mode), "size": info.size})
        if not infos or infos[0].name != stem + "/PKG-INFO":
            problems.append("PKG-INFO is not the first member")
        raw = tar.extractfile(stem + "/PKG-INFO").read()
    metadata = Metadata.from_email(raw, validate=True)
    if metadata.metadata_version not in ("2.2", "2.3", "2.4"):
        problems.append("PKG-INFO Metadata-Version %s" % metadata.metadata_version)
    if canonicalize_name(metadata.name) != canonicalize_name(name) or metadata.version != version:
        problems.append("PKG-INFO name/version differ from the file name")
    for license_file in metadata.license_files or []:
        if license_file not in [m["name"] for m in members]:
            problems.append("License-File %s is not in the sdist" % license_file)
    return problems, {"members": members, "mtime": gzip_mtime, "pkg_info": raw.decode("utf-8"), "version": str(metadata.version)}


def main():
    problems, summary = validate(sys.argv[1])
    if problems:
        sys.stderr.write("\n".join(problems) + "\n")
        sys.exit(1)
    json.dump(summary, sys.stdout)


if __name__ == "__main__":
    main()
