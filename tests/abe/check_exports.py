#!/usr/bin/env python3
"""Every global symbol that libabe defines starts with abe_ (the naming
scheme at the top of src/abe/abe.h), so that the library cannot clash
with roam's other code or with bls12381.  TAP: one line per object file.
Usage: check_exports.py LIBABE.a"""
import shutil
import subprocess
import sys

SANITIZER = ("__odr_asan.", "__asan_", "__ubsan_")
PREFIX = "abe_"


def main():
    if len(sys.argv) != 2:
        print("usage: check_exports.py LIBABE.a", file=sys.stderr)
        return 2
    nm = shutil.which("nm")
    if nm is None:
        print("1..0 # nm not found: install binutils")
        return 1
    out = subprocess.run([nm, "-g", "--defined-only", sys.argv[1]], check=True,
                         capture_output=True, text=True).stdout
    # nm prints "member.o:" before the symbols of each archive member.
    members = {}
    member = "?"
    for line in out.splitlines():
        if line.endswith(":"):
            member = line[:-1]
            members.setdefault(member, [])
        elif line.strip():
            members.setdefault(member, []).append(line.split()[-1])
    if not members:
        print("1..0 # no object files in %s" % sys.argv[1])
        return 1
    print("1..%d" % len(members))
    failed = 0
    for n, (name, syms) in enumerate(sorted(members.items()), 1):
        # sanitizer builds add globals of their own (__odr_asan.NAME, __asan_*)
        bad = [s for s in syms if not s.startswith((PREFIX,) + SANITIZER)]
        if bad:
            failed += 1
            print("not ok %d - %s exports names without %s: %s" %
                  (n, name, PREFIX, " ".join(sorted(bad))))
        else:
            print("ok %d - %s: %d symbols, all %s*" % (n, name, len(syms), PREFIX))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
