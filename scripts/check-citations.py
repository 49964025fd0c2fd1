#!/usr/bin/env python3
"""Checks that roam's documents and comments cite only what a clone contains.

Usage: check-citations.py [REPO_ROOT]   (default: the parent of this folder)

Scans every git-tracked text file under src/, docs/, tests/, lab/, bench/, fuzz/,
scripts/ and README.md, and reports three kinds of violation:

 1. A cited document that is not in the repository.  Every token naming a
    *.md file, every `docs/...` path and every relative markdown link target
    must exist.  A *.md name is looked up relative to the citing file, to the
    repository root, and to docs/; a bare name such as `roamd.md` may also
    be any tracked file of that name (docs/roamd.md; SOURCE.md next to the
    vectors it describes).  Names are case-sensitive.
 2. A cited section that does not exist.  After a *.md name (or in a
    markdown link):
      `§N` or `§N.M` (also lists such as `§3 and §5`)  - a numbered heading
                                                        "N." / "N.M" there;
      `#anchor`                                        - a GitHub-style
                                                        heading anchor;
      `§"Title"` or `, "Title"`                        - a heading whose text,
                                                        without its number,
                                                        starts with Title
                                                        (case-insensitive).
 3. An absolute path into a build or developer machine: anything under
    /work, /mnt or /Users; /home/USER/... and /root/... unless the next
    component is a dot-directory (`/root/.config/roam` is a runtime location
    of a per-user file, not a citation); and any path through
    `shared/spec`, `shared/seed` or `shared/DESIGN`, relative or not.
    System locations that roam uses at run time (/etc, /var, /run, /proc,
    /sys, /dev, /usr, /tmp, /srv, ...) are never flagged.

This script itself is not scanned.  Each violation is printed as `FILE:LINE: message` on stderr (and as a TAP
diagnostic on stdout).  Output is TAP, one test point per rule; the exit
status is 1 if any point failed.
"""
import os
import re
import subprocess
import sys

ROOTS = ("src", "docs", "tests", "lab", "bench", "scripts", "fuzz", "README.md")
SELF = "scripts/check-citations.py"

# A *.md token: not part of a longer path or URL (no '/' or word character
# before it, so https://host/x/README.md and /abs/x.md are not taken here).
MD_TOKEN = re.compile(r"(?<![A-Za-z0-9_./:-])((?:\.\.?/)*[A-Za-z0-9_-][A-Za-z0-9_./-]*\.md)(?![A-Za-z0-9_])")
DOCS_TOKEN = re.compile(r"(?<![A-Za-z0-9_./:-])(docs/[A-Za-z0-9_./-]*)")
MD_LINK = re.compile(r"\]\(([^()\s]+)\)")
SECTION_LIST = re.compile(r"^((?:\s*(?:,|;|and|or|to|–|-|&)?\s*§\s*\d+(?:\.\d+)*)+)")
SECTION_NUM = re.compile(r"§\s*(\d+(?:\.\d+)*)")
SECTION_TITLE = re.compile(r'^(?:\s*§\s*|,\s*)"([^"]+)"')
ANCHOR = re.compile(r"^#([A-Za-z0-9_-]+)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
HEADING_NUM = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+")

ABS_ALWAYS = re.compile(r"(?<![A-Za-z0-9_.~:/-])/(?:work|mnt|Users)/[^\s`'\")]*")
ABS_HOME = re.compile(r"(?<![A-Za-z0-9_.~:/-])/(?:home/[^/\s`'\")]+|root)/([^\s`'\")]*)")
SHARED = re.compile(r"shared/(?:spec|seed|DESIGN)[^\s`'\")]*")


def tracked_files(root):
    """git's list of tracked files; every file under ROOTS outside git."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--", *ROOTS],
                             capture_output=True, check=True).stdout
        files = [p for p in out.decode().split("\0") if p]
        if files:
            return files
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for top in ROOTS:
        if os.path.isfile(os.path.join(root, top)):
            files.append(top)
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            files += [os.path.relpath(os.path.join(dirpath, n), root) for n in names]
    return sorted(files)


def read_text(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


class Headings:
    """Numbers, anchors and titles of one markdown file's headings."""

    def __init__(self, text):
        self.numbers, self.anchors, self.titles = set(), set(), []
        seen = {}
        fence = None
        for line in text.splitlines():
            stripped = line.lstrip()
            if stripped.startswith("```") or stripped.startswith("~~~"):
                mark = stripped[:3]
                fence = None if fence == mark else (fence or mark)
                continue
            if fence:
                continue
            m = HEADING.match(line)
            if not m:
                continue
            text_ = m.group(2)
            n = HEADING_NUM.match(text_)
            if n:
                self.numbers.add(n.group(1))
            self.titles.append(normalize_title(text_))
            slug = github_anchor(text_)
            if slug in seen:
                seen[slug] += 1
                self.anchors.add(f"{slug}-{seen[slug]}")
            else:
                seen[slug] = 0
                self.anchors.add(slug)

    def has_title(self, title):
        t = normalize_title(title)
        return any(h == t or h.startswith(t) for h in self.titles)


def trim(path):
    return path.rstrip(".,;:")


def github_anchor(text):
    s = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def normalize_title(text):
    s = HEADING_NUM.sub("", text.strip())
    s = re.sub(r"[`*_]", "", s)
    return re.sub(r"\s+", " ", s).strip().lower()


class Checker:
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.files = tracked_files(self.root)
        self.by_name = {}
        for rel in self.files:
            self.by_name.setdefault(os.path.basename(rel), []).append(
                os.path.join(self.root, rel))
        self.headings = {}
        self.violations = {1: [], 2: [], 3: []}

    def report(self, rule, rel, lineno, msg):
        self.violations[rule].append(f"{rel}:{lineno}: {msg}")

    def headings_of(self, path):
        if path not in self.headings:
            self.headings[path] = Headings(read_text(path) or "")
        return self.headings[path]

    def resolve_md(self, rel, token):
        here = os.path.dirname(os.path.join(self.root, rel))
        cands = [os.path.join(here, token), os.path.join(self.root, token),
                 os.path.join(self.root, "docs", token)]
        for c in cands:
            c = os.path.normpath(c)
            if os.path.isfile(c) and c.startswith(self.root + os.sep):
                return c
        if "/" not in token and self.by_name.get(token):
            return self.by_name[token][0]
        return None

    def check_sections(self, rel, lineno, target, cited, rest):
        """rest is the text right after a citation of target."""
        if not target.endswith(".md"):
            return
        h = self.headings_of(target)
        m = ANCHOR.match(rest)
        if m:
            if m.group(1).lower() not in h.anchors:
                self.report(2, rel, lineno, f"{cited}#{m.group(1)}: no such heading anchor")
            return
        m = SECTION_TITLE.match(rest)
        if m:
            if not h.has_title(m.group(1)):
                self.report(2, rel, lineno, f'{cited} "{m.group(1)}": no heading with that title')
            return
        m = SECTION_LIST.match(rest)
        if m:
            for num in SECTION_NUM.findall(m.group(1)):
                if num not in h.numbers:
                    self.report(2, rel, lineno, f"{cited} §{num}: no numbered heading {num}")

    def check_line(self, rel, lineno, line, is_md):
        covered = []
        for m in MD_TOKEN.finditer(line):
            token = m.group(1)
            covered.append((m.start(), m.end()))
            target = self.resolve_md(rel, token)
            if target is None:
                self.report(1, rel, lineno, f"cites {token}, which is not in the repository")
                continue
            self.check_sections(rel, lineno, target, token, line[m.end():])
        for m in DOCS_TOKEN.finditer(line):
            if any(a <= m.start() < b for a, b in covered):
                continue
            token = trim(m.group(1))
            if token == "docs/":
                continue
            if not os.path.exists(os.path.join(self.root, token)):
                self.report(1, rel, lineno, f"cites {token}, which is not in the repository")
        if is_md:
            here = os.path.dirname(os.path.join(self.root, rel))
            for m in MD_LINK.finditer(line):
                link = m.group(1)
                if re.match(r"^[a-z][a-z0-9+.-]*:", link):
                    continue
                path, _, anchor = link.partition("#")
                target = os.path.normpath(os.path.join(here, path)) if path else \
                    os.path.join(self.root, rel)
                if not os.path.exists(target):
                    self.report(1, rel, lineno, f"link to {path}, which is not in the repository")
                elif anchor and target.endswith(".md") and \
                        anchor.lower() not in self.headings_of(target).anchors:
                    self.report(2, rel, lineno, f"link to {link}: no such heading anchor")
        for m in ABS_ALWAYS.finditer(line):
            self.report(3, rel, lineno, f"absolute path {trim(m.group(0))} (outside the repository)")
        for m in ABS_HOME.finditer(line):
            if not m.group(1).startswith("."):
                self.report(3, rel, lineno,
                            f"absolute path {trim(m.group(0))} (outside the repository)")
        for m in SHARED.finditer(line):
            self.report(3, rel, lineno, f"cites {trim(m.group(0))}, which is outside the repository")

    def run(self):
        for rel in self.files:
            if rel == SELF:
                continue   # its own description names the forbidden paths
            text = read_text(os.path.join(self.root, rel))
            if text is None:
                continue
            is_md = rel.endswith(".md")
            for i, line in enumerate(text.splitlines(), 1):
                self.check_line(rel, i, line, is_md)
        names = {1: "every cited document and docs/ path is in the repository",
                 2: "every cited section exists",
                 3: "no absolute paths into build or developer machines"}
        failed = 0
        print(f"1..{len(names)}")
        for n, name in names.items():
            bad = self.violations[n]
            for v in bad:
                print(v, file=sys.stderr)
                print(f"# {v}")
            print(f"{'not ok' if bad else 'ok'} {n} - {name} ({len(self.files)} files)")
            failed += bool(bad)
        return 1 if failed else 0


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else \
        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    return Checker(root).run()


if __name__ == "__main__":
    sys.exit(main())
