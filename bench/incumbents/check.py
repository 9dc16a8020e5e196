"""The incumbent for `npm run bench -- check`: what installers do to verify a wheel, in Python.

For each wheel (the largest first, over two processes, as binwheel check uses two threads): read
RECORD with the csv module, inflate every member with zipfile (which checks each CRC-32), hash it
with hashlib and compare with RECORD, as pypa/installer's validate_record(validate_contents=True)
does; parse METADATA and WHEEL with the email parser. Prints the number of wheels that failed.
"""
import base64
import concurrent.futures
import csv
import email.parser
import hashlib
import os
import sys
import zipfile


def verify(path):
    name, version = os.path.basename(path).split("-")[:2]
    dist_info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(path) as z:
        rows = {row[0]: row for row in csv.reader(z.read(f"{dist_info}/RECORD").decode().splitlines()) if row}
        for meta in ("METADATA", "WHEEL"):
            email.parser.BytesParser().parsebytes(z.read(f"{dist_info}/{meta}"))
        ok = True
        for info in z.infolist():
            if info.filename.endswith("/"):
                continue
            h = hashlib.sha256()
            with z.open(info) as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            row = rows.get(info.filename)
            if info.filename.endswith("/RECORD"):
                continue
            if row is None or row[1] != "sha256=" + base64.urlsafe_b64encode(h.digest()).decode().rstrip("="):
                ok = False
        return ok


if __name__ == "__main__":
    wheels = sorted(sys.argv[1:], key=os.path.getsize, reverse=True)
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        print(sum(1 for ok in pool.map(verify, wheels) if not ok))
