"""Independent verdicts on the wheels of a local PyPI mirror, for binwheel check's corpus test.

Run with a Python that has packaging (26.3), trove-classifiers and email-validator installed (all
on the mirror), and readelf on PATH:

    python judge.py WHEEL... > judged.jsonl

One JSON object per wheel: what each independent judge says about it, as short findings.
  packaging  packaging.metadata.Metadata.from_email(METADATA, validate=True), as written
  pypi       what PyPI's upload would refuse, read from warehouse's forklift/legacy.py and
             forklift/metadata.py: packaging's validation of the metadata twine sends (twine drops
             License-File below Metadata-Version 2.4), PyPI's own metadata rules, the file name
             rules, License-File present under .dist-info/licenses/, RECORD and METADATA present
  installer  pypa/installer's rules (WheelFile.validate_record, _process_WHEEL_file), reimplemented
             here from its source because installer is not on the mirror
  readelf    the highest GLIBC_x.y an ELF member needs (readelf -V) against the manylinux tags, and
             its GLIBCXX_/CXXABI_/GCC_ versions against auditwheel's policy for the tag
This script is the record of how test/data/check-corpus/verdicts.json was judged; it is not run by
the tests (they have no packaging, no network).
"""
import base64
import csv
import email.utils
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

import email_validator
import packaging.metadata as pm
import packaging.tags
import packaging.utils
import packaging.version
from trove_classifiers import all_classifiers, deprecated_classifiers

SUPPORTED = {"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}


def errors_of(group):
    out = []
    for e in getattr(group, "exceptions", [group]):
        out.extend(errors_of(e) if hasattr(e, "exceptions") else [f"{getattr(e, 'field', '?')}: {e}"])
    return out


def validate(raw):
    try:
        return pm.Metadata.from_raw(raw, validate=True), []
    except Exception as e:  # ExceptionGroup of InvalidMetadata
        return None, errors_of(e)


def pypi_metadata_rules(meta):
    found = []
    if meta.metadata_version not in SUPPORTED:
        found.append(f"metadata-version: {meta.metadata_version} not supported by PyPI")
    if meta.version.local:
        found.append("version: local version")
    if meta.summary and len(meta.summary) > 512:
        found.append("summary: longer than 512")
    for field in ("author_email", "maintainer_email"):
        addr = getattr(meta, field)
        if addr:
            _, address = email.utils.parseaddr(addr)
            if address:
                try:
                    email_validator.validate_email(address, check_deliverability=False)
                except email_validator.EmailNotValidError as exc:
                    found.append(f"{field}: {address!r} {exc}")
    for c in sorted(set(meta.classifiers or []) - set(all_classifiers)):
        found.append(f"classifier: {c!r} unknown")
    for c in sorted(set(meta.classifiers or []) & deprecated_classifiers.keys()):
        found.append(f"classifier: {c!r} deprecated")
    for label, url in (meta.project_urls or {}).items():
        if not label or len(label) > 32 or not url:
            found.append(f"project-url: {label!r}")
    for req in meta.requires_dist or []:
        if req.url:
            found.append(f"requires-dist: direct URL {req}")
    if meta.license and meta.license_expression:
        found.append("license: both License and License-Expression")
    return found


def judge(path):
    base = os.path.basename(path)
    out = {"wheel": base, "size": os.path.getsize(path), "packaging": [], "pypi": [], "installer": [], "readelf": []}
    name_part, version_part = base.split("-")[:2]
    dist_info = f"{name_part}-{version_part}.dist-info"
    try:
        name, version, _, tags = packaging.utils.parse_wheel_filename(base)
    except packaging.utils.InvalidWheelFilename as e:
        out["pypi"].append(f"filename: {e}")
        return out
    z = zipfile.ZipFile(path)
    names = [i.filename for i in z.infolist() if not i.filename.endswith("/")]
    # METADATA: packaging as written, then what PyPI sees through twine.
    try:
        content = z.read(f"{dist_info}/METADATA")
    except KeyError:
        out["pypi"].append("METADATA missing")
        content = None
    if content is not None:
        raw, unparsed = pm.parse_email(content)
        _, problems = validate(dict(raw))
        out["packaging"] = problems + [f"unparsed: {k}" for k in unparsed]
        # PyPI deletes form fields whose value is distutils' "UNKNOWN" before it validates.
        sent = {k: v for k, v in raw.items() if not (isinstance(v, str) and v.strip() == "UNKNOWN")}
        if packaging.version.Version(sent.get("metadata_version", "0")) < packaging.version.Version("2.4"):
            sent.pop("license_files", None)
        if sent.get("metadata_version") == "2.0":
            out["pypi"].append("metadata-version: 2.0 not supported by PyPI")
            sent["metadata_version"] = "2.1"  # go on, to see what else PyPI would say
        meta, problems = validate(sent)
        out["pypi"] += problems
        if meta is not None:
            out["pypi"] += pypi_metadata_rules(meta)
            if packaging.utils.canonicalize_name(meta.name) != name:
                out["pypi"].append("filename: name does not match Name")
            if name_part != packaging.utils.canonicalize_name(meta.name).replace("-", "_"):
                out["pypi"].append("filename: name part not normalized")
            if meta.version != version:
                out["pypi"].append("filename: version does not match Version")
            for lf in meta.license_files or []:
                if f"{dist_info}/licenses/{lf}" not in names:
                    out["pypi"].append(f"license-file: {lf} missing")
    if f"{dist_info}/WHEEL" not in names:
        out["pypi"].append("WHEEL missing")
    if f"{dist_info}/RECORD" not in names:
        out["pypi"].append("RECORD missing")
        return out
    # installer: WHEEL, then RECORD as validate_record(validate_contents=True) reads it.
    try:
        wheel_meta = email.message_from_bytes(z.read(f"{dist_info}/WHEEL"))
        if not (wheel_meta["Wheel-Version"] or "").startswith("1."):
            out["installer"].append("WHEEL: Wheel-Version not 1.x")
        if wheel_meta["Root-Is-Purelib"] not in ("true", "false"):
            out["installer"].append(f"WHEEL: Root-Is-Purelib {wheel_meta['Root-Is-Purelib']!r} (installer: only 'true' is purelib)")
        wheel_tags = {str(t) for v in wheel_meta.get_all("Tag") or [] for t in packaging.tags.parse_tag(v)}
        if {str(t) for t in tags} != wheel_tags or len(wheel_meta.get_all("Tag") or []) != len(wheel_tags):
            out["installer"].append("WHEEL: Tag lines differ from the file name's tags")
    except KeyError:
        pass
    rows = {}
    for row in csv.reader(z.read(f"{dist_info}/RECORD").decode("utf-8").splitlines()):
        if row:
            rows[row[0]] = row
    for n in names:
        signature = n.startswith(f"{dist_info}/") and n.rsplit("/", 1)[-1] in ("RECORD.jws", "RECORD.p7s")
        row = rows.pop(n, None)
        if signature:
            if row is not None:
                out["installer"].append(f"RECORD: signature {n} listed")
            continue
        if row is None:
            out["installer"].append(f"RECORD: {n} not listed")
            continue
        if n == f"{dist_info}/RECORD":
            continue
        if len(row) != 3 or not row[1] or not row[2]:
            out["installer"].append(f"RECORD: {n} has no hash or size")
            continue
        algo, _, value = row[1].partition("=")
        h = hashlib.new(algo)
        size = 0
        with z.open(n) as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
        if base64.urlsafe_b64encode(h.digest()).decode().rstrip("=") != value:
            hexmatch = h.hexdigest() == value.lower()
            out["installer"].append(f"RECORD: {n} hash differs{' (hex digest)' if hexmatch else ''}")
        elif str(size) != row[2]:
            out["installer"].append(f"RECORD: {n} size differs")
    if rows:
        out["installer"].append(f"RECORD: {len(rows)} rows name no file (installer ignores them)")
    # readelf: the glibc needs of ELF members against manylinux tags.
    claimed = [t.platform for t in tags]
    glibc_tag = None
    for p in claimed:
        m = re.match(r"manylinux_(\d+)_(\d+)_", p) or re.match(r"manylinux(1|2010|2014)_", p)
        if m:
            v = (2, int(m.group(2))) if m.lastindex == 2 else {"1": (2, 5), "2010": (2, 12), "2014": (2, 17)}[m.group(1)]
            glibc_tag = v if glibc_tag is None or v < glibc_tag else glibc_tag
    if glibc_tag:
        with tempfile.TemporaryDirectory() as tmp:
            for info in z.infolist():
                if info.filename.endswith("/") or info.file_size < 64:
                    continue
                with z.open(info) as f:
                    if f.read(4) != b"\x7fELF":
                        continue
                target = os.path.join(tmp, "member")
                with z.open(info) as f, open(target, "wb") as w:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        w.write(chunk)
                text = subprocess.run(["readelf", "-V", "--wide", target], capture_output=True, text=True).stdout
                need = max(((int(a), int(b)) for a, b in re.findall(r"Name: GLIBC_(\d+)\.(\d+)", text)), default=None)
                if need and need > glibc_tag:
                    out["readelf"].append(f"{info.filename} needs GLIBC_{need[0]}.{need[1]} > tag {glibc_tag[0]}.{glibc_tag[1]}")
                # libstdc++'s and libgcc's versions against auditwheel's newest policy at or below the tag.
                policy = policy_for(glibc_tag)
                for prefix, version in re.findall(r"Name: (GLIBCXX|CXXABI|GCC)_([\d.]+)", text):
                    if policy and prefix in policy and version not in policy[prefix]:
                        out["readelf"].append(f"{info.filename} needs {prefix}_{version}, not in auditwheel's policy for glibc {glibc_tag[0]}.{glibc_tag[1]}")
                        break
    return out


def policy_for(glibc):
    """auditwheel's x86_64 symbol versions of the newest manylinux policy at or below `glibc` (vendored in test/data/auditwheel)."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "auditwheel", "manylinux-policy.json")) as f:
        policies = [p for p in json.load(f) if p["name"] != "linux" and "x86_64" in p["symbol_versions"]]
    fitting = [p for p in policies if tuple(map(int, p["name"].split("_")[1:3])) <= glibc]
    return fitting[-1]["symbol_versions"]["x86_64"] if fitting else None


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps(judge(p)), flush=True)
