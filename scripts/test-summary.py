#!/usr/bin/env python3
"""Counts test results from one or more meson testlog.json files and prints
the project's closing line: "N passed, N failed, N skipped".

TAP test points are counted one by one (a program with 120 checks counts
120).  A program that failed without printing a failing point (a crash, a
timeout, a bad plan) counts as one more failure, so nothing is hidden."""
import json
import re
import sys

POINT = re.compile(r"^(not ok|ok)\b(.*)$")


def count_tap(stdout):
    passed = failed = skipped = 0
    for line in stdout.splitlines():
        m = POINT.match(line)
        if not m:
            continue
        directive = m.group(2)
        if re.search(r"#\s*skip", directive, re.I):
            skipped += 1
        elif m.group(1) == "ok" or re.search(r"#\s*todo", directive, re.I):
            passed += 1
        else:
            failed += 1
    plan_skip = re.search(r"^1\.\.0\s*#\s*skip", stdout, re.I | re.M)
    return passed, failed, skipped, bool(plan_skip)


def main(paths):
    passed = failed = skipped = 0
    for path in paths:
        try:
            with open(path) as f:
                tests = [json.loads(l) for l in f if l.strip()]
        except (OSError, ValueError) as e:
            print(f"test-summary: {path}: {e}", file=sys.stderr)
            failed += 1
            continue
        for t in tests:
            result = t.get("result", "")
            p, fl, s, plan_skip = count_tap(t.get("stdout") or "")
            if result == "SKIP" or plan_skip:
                skipped += max(s, 1)
                continue
            passed += p
            failed += fl
            skipped += s
            ok = result in ("OK", "EXPECTEDFAIL")
            if not ok and fl == 0:
                failed += 1          # crashed, timed out or broke its plan
            elif ok and p + fl + s == 0:
                passed += 1          # a non-TAP test that passed
    print(f"{passed} passed, {failed} failed, {skipped} skipped")


if __name__ == "__main__":
    main(sys.argv[1:])
