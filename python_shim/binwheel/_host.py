"""Facts about the Python that runs the build, which decide the host's target triple.

They come from the interpreter, not from Node: a 32-bit Python on a 64-bit OS, or a musl Python
in an Alpine container, needs other binaries than the machine's Node would suggest.
"""

import os
import re
import struct
import subprocess
import sys
import sysconfig

PT_INTERP = 3


def host_facts():
    facts = {"platform": sysconfig.get_platform(), "pointerBits": struct.calcsize("P") * 8}
    if sys.platform.startswith("linux"):
        libc = _libc()
        if libc:
            facts["libc"] = libc
    return facts


def _libc():
    interpreter = elf_interpreter(sys.executable)
    if interpreter and "musl" in os.path.basename(interpreter):
        version = _musl_version(interpreter)
        return {"family": "musl", "version": version} if version else {"family": "musl"}
    try:
        glibc = os.confstr("CS_GNU_LIBC_VERSION")  # e.g. "glibc 2.36"
    except (AttributeError, ValueError, OSError):
        glibc = None
    if glibc and glibc.startswith("glibc "):
        return {"family": "glibc", "version": glibc.split()[1]}
    return None


def elf_interpreter(path):
    """The PT_INTERP (dynamic loader) of an ELF file, or None (not ELF, static, unreadable)."""
    try:
        with open(path, "rb") as f:
            ident = f.read(16)
            if len(ident) < 16 or ident[:4] != b"\x7fELF" or ident[4] not in (1, 2):
                return None
            is64 = ident[4] == 2
            order = "<" if ident[5] == 1 else ">"
            header = f.read(48 if is64 else 36)
            if is64:
                phoff, phentsize, phnum = struct.unpack_from(order + "16xQ14xHH", header)
            else:
                phoff, phentsize, phnum = struct.unpack_from(order + "12xI10xHH", header)
            for i in range(min(phnum, 512)):
                f.seek(phoff + i * phentsize)
                entry = f.read(phentsize)
                if len(entry) < (56 if is64 else 32):
                    return None
                if is64:
                    p_type, p_offset, p_filesz = struct.unpack_from(order + "I4xQ16xQ", entry)
                else:
                    p_type, p_offset, p_filesz = struct.unpack_from(order + "II8xI", entry)
                if p_type == PT_INTERP and 0 < p_filesz < 4096:
                    f.seek(p_offset)
                    return f.read(p_filesz).split(b"\0", 1)[0].decode("ascii", "replace")
    except (OSError, struct.error):
        return None
    return None


def _musl_version(loader):
    """musl's loader prints "Version 1.2.4" on stderr when run without arguments."""
    try:
        err = subprocess.run(
            [loader], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, timeout=30, check=False,
        ).stderr.decode("ascii", "replace")
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"^Version (\d+\.\d+(?:\.\d+)?)", err, re.MULTILINE)
    return match.group(1) if match else None
