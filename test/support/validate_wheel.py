"""Strict wheel validator for binwheel's end-to-end tests.

Usage: python validate_wheel.py WHEEL  -> prints a JSON summary; exits 1 listing every problem.
Checks what PyPI and installers check (research/wheel-spec.md sections 1-2): the file name, zip
framing (section 1.7), RECORD hashes and sizes, WHEEL tags, and METADATA with packaging's
validator. Needs `packaging` (installed by the tests into their tools venv).
"""

import base64
import configparser
import csv
import email.parser
import hashlib
import io
import json
import stat
import struct
import sys
import zipfile

from packaging.metadata import Metadata
from packaging.tags import parse_tag
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version


def framing_problems(data):
    """Reads the zip byte by byte: what Python's zipfile tolerates, PyPI may not."""
    problems = []
    eocd = data.rfind(b"PK\x05\x06")
    if eocd < 0 or eocd + 22 != len(data):
        return ["no end of central directory record exactly at the end (trailing data or a comment)"], [], {}
    _, _, _, count, cd_size, cd_offset, comment_len = struct.unpack_from("<HHHHIIH", data, eocd + 4)
    if cd_offset + cd_size != eocd:
        problems.append("central directory size/offset do not reach the end record")
    central = []
    p = cd_offset
    for _ in range(count):
        (sig, made_by, needed, flags, method, mtime, mdate, crc, csize, usize, nlen, elen, clen,
         disk, iattr, eattr, offset) = struct.unpack_from("<IHHHHHHIIIHHHHHII", data, p)
        name = data[p + 46:p + 46 + nlen].decode("utf-8")
        if sig != 0x02014B50:
            problems.append("bad central directory signature")
            break
        if made_by >> 8 != 3:
            problems.append("%s: 'version made by' is not Unix" % name)
        if elen or clen:
            problems.append("%s: extra field or comment in the central directory" % name)
        mode = eattr >> 16
        if not stat.S_ISREG(mode):
            problems.append("%s: external attributes lack S_IFREG (mode %o)" % (name, mode))
        if name.endswith("/"):
            problems.append("%s: directory entry" % name)
        if flags & 0x8:
            problems.append("%s: data descriptor flag set" % name)
        if method not in (0, 8):
            problems.append("%s: compression method %d" % (name, method))
        central.append((name, flags, method, crc, csize, usize, offset, mode))
        p += 46 + nlen + elen + clen
    expected_offset = 0
    for name, flags, method, crc, csize, usize, offset, mode in central:
        if offset != expected_offset:
            problems.append("%s: local header not where the previous entry ended" % name)
        sig, needed, lflags, lmethod, _, _, lcrc, lcsize, lusize, nlen, elen = struct.unpack_from("<IHHHHHIIIHH", data, offset)
        lname = data[offset + 30:offset + 30 + nlen].decode("utf-8")
        if sig != 0x04034B50:
            problems.append("%s: bad local header signature" % name)
        if (lname, lflags, lmethod, lcrc, lcsize, lusize) != (name, flags, method, crc, csize, usize):
            problems.append("%s: local header differs from the central directory" % name)
        if elen:
            problems.append("%s: extra field in the local header" % name)
        expected_offset = offset + 30 + nlen + elen + csize
    if expected_offset != cd_offset:
        problems.append("bytes between the last entry and the central directory")
    names = [c[0] for c in central]
    if len(set(names)) != len(names):
        problems.append("duplicate entry names")
    return problems, names, {c[0]: c[7] & 0o777 for c in central}


def validate(path):
    problems = []
    filename = path.replace("\\", "/").rsplit("/", 1)[-1]
    name, version, build, tags = parse_wheel_filename(filename)
    stem = filename.split("-")
    if stem[0] != str(canonicalize_name(name)).replace("-", "_"):
        problems.append("file name: distribution part %r is not normalized" % stem[0])
    if stem[1] != str(Version(stem[1])):
        problems.append("file name: version %r is not normalized" % stem[1])
    with open(path, "rb") as f:
        data = f.read()
    framing, names, modes = framing_problems(data)
    problems += framing
    if not names:
        return problems, {}
    dist_info = "%s-%s.dist-info" % (stem[0], stem[1])
    dist_infos = {n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")}
    if dist_infos != {dist_info}:
        problems.append("dist-info folders %s, expected only %s" % (sorted(dist_infos), dist_info))
    non_dist = [n for n in names if not n.startswith(dist_info + "/")]
    if names[:len(non_dist)] != non_dist or non_dist != sorted(non_dist):
        problems.append("entries are not sorted with .dist-info last")
    if names[-1] != dist_info + "/RECORD":
        problems.append("RECORD is not the last entry")

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        contents = {n: z.read(n) for n in names}  # also checks every CRC
    record_rows = list(csv.reader(io.StringIO(contents[dist_info + "/RECORD"].decode("utf-8"))))
    recorded = {}
    for row in record_rows:
        if len(row) != 3:
            problems.append("RECORD row with %d fields: %r" % (len(row), row))
            continue
        recorded[row[0]] = row
    if set(recorded) != set(names):
        problems.append("RECORD lists %s; the zip holds %s" % (sorted(set(recorded) ^ set(names)), "the rest"))
    for n, content in contents.items():
        row = recorded.get(n)
        if n == dist_info + "/RECORD":
            if row and row[1:] != ["", ""]:
                problems.append("RECORD's own row has a hash or size")
            continue
        digest = base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
        if row and (row[1] != "sha256=" + digest or row[2] != str(len(content))):
            problems.append("RECORD hash or size wrong for %s" % n)

    wheel = email.parser.Parser().parsestr(contents[dist_info + "/WHEEL"].decode("utf-8"))
    wheel_tags = set(wheel.get_all("Tag") or [])
    file_tags = {str(t) for t in tags}
    if wheel_tags != file_tags:
        problems.append("WHEEL tags %s differ from the file name's %s" % (sorted(wheel_tags), sorted(file_tags)))
    if wheel["Wheel-Version"] != "1.0":
        problems.append("Wheel-Version is %r" % wheel["Wheel-Version"])
    for t in wheel_tags:
        parse_tag(t)

    raw = contents[dist_info + "/METADATA"]
    metadata = Metadata.from_email(raw, validate=True)
    if canonicalize_name(metadata.name) != canonicalize_name(name) or metadata.version != version:
        problems.append("METADATA name/version differ from the file name")
    for license_file in metadata.license_files or []:
        if dist_info + "/licenses/" + license_file not in contents:
            problems.append("License-File %s is not in .dist-info/licenses/" % license_file)

    entry_points = {}
    if dist_info + "/entry_points.txt" in contents:
        parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
        parser.optionxform = str
        parser.read_string(contents[dist_info + "/entry_points.txt"].decode("utf-8"))
        entry_points = {s: dict(parser.items(s)) for s in parser.sections()}

    return problems, {
        "name": metadata.name,
        "version": str(metadata.version),
        "tags": sorted(file_tags),
        "root_is_purelib": wheel["Root-Is-Purelib"],
        "files": names,
        "modes": {n: oct(m) for n, m in modes.items()},
        "metadata": raw.decode("utf-8"),
        "entry_points": entry_points,
        "requires_dist": [str(r) for r in metadata.requires_dist or []],
        "provides_extra": [str(e) for e in metadata.provides_extra or []],
    }


def main():
    problems, summary = validate(sys.argv[1])
    if problems:
        sys.stderr.write("\n".join(problems) + "\n")
        sys.exit(1)
    json.dump(summary, sys.stdout)


if __name__ == "__main__":
    main()
