#!/usr/bin/env python3
"""Checks roam's layering and that no files in src/ depend on each other in
a cycle (docs/design.md describes the layers).  Prints TAP.

  scripts/check-layers.py [--root DIR]   check DIR/src (default: this repo)
  scripts/check-layers.py --table        print which part may include which
  scripts/check-layers.py --self-test    the checks fail on planted faults

A part is a folder src/<part>/.  A quoted include resolves to the header of
that name in the including file's own folder, else to the one header of that
name anywhere under src/ (the build puts every part on one include path, so
two headers of one name are an error too).  Generated headers belong to the
part whose .proto makes them.

A node of the dependency graph is a file x.c together with its x.h; x depends
on y when x.c or x.h includes y.h.  A header h.h without an h.c is a node for
what it defines itself (types, macros, inline functions), while each function
it declares belongs to the node whose .c defines it: including h.h makes x
depend on h and on the nodes whose functions x uses (roamd.h declares what
server.c, session.c and peer_server.c define); h.h including the header of
one of those nodes is no dependency of h.  Any cycle is an error, inside a
part as well as across parts.

A part with a public header (PUBLIC) is included through it alone: from
other parts of src/, from bench/, and from tests/ other than its own."""
import argparse
import os
import re
import sys

# What each part of src/ may include besides itself.  "*" is every part.
ALLOWED = {
    "common":   [],
    "bls12381": ["common"],
    "abe":      ["common", "bls12381"],
    "proto":    ["common"],
    "net":      ["common", "proto"],
    "virt":     ["common", "proto"],
    "mobility": ["common", "proto", "net"],
    "roamd":    ["common", "proto", "net", "virt", "abe", "bls12381"],
    "client":   ["common", "proto", "abe"],
    "cmd":      ["*"],
}

# Parts with one public header: every other header of theirs is internal,
# for the part itself and for its own tests (tests/<part>/) only.
PUBLIC = {
    "bls12381": "bls12381.h",
    "abe":      "abe.h",
}

# Headers made at build time, by the part that owns their .proto.
GENERATED = {
    "roam.pb-c.h": "proto/roam.pb-c.h",
    "ims.pb-c.h": "mobility/ims.pb-c.h",
}

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
STRING = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
PREPROC = re.compile(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", re.M)
SOURCE_EXT = (".c", ".h")


def print_table():
    for part, may in ALLOWED.items():
        print(f"{part:9} may include: {', '.join(may) if may else '(nothing of roam)'}")


def part_of(rel):
    return rel.split("/", 1)[0]


def node_of(rel):
    return os.path.splitext(rel)[0]


def allowed_text(part):
    may = ALLOWED.get(part)
    if may is None:
        return "not in the table"
    return ", ".join(may) if may else "nothing of roam"


def scan(src):
    """Returns (files, by_name): files maps each src-relative path of a .c or
    .h to its list of (line number, included name)."""
    files, by_name = {}, {}
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for fn in sorted(filenames):
            if not fn.endswith(SOURCE_EXT):
                continue
            rel = os.path.relpath(os.path.join(dirpath, fn), src).replace(os.sep, "/")
            if "/" not in rel:
                continue                 # src/*.c would belong to no part
            incs = []
            with open(os.path.join(dirpath, fn), encoding="utf-8", errors="replace") as f:
                for n, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if m:
                        incs.append((n, m.group(1)))
            files[rel] = incs
            if fn.endswith(".h"):
                by_name.setdefault(fn, []).append(rel)
    for name, rel in GENERATED.items():
        by_name.setdefault(name, []).append(rel)
    return files, by_name


def strip_c(text):
    """C text without comments, string literals and preprocessor lines."""
    text = COMMENT.sub(" ", text)
    text = STRING.sub('""', text)
    return PREPROC.sub("", text)


def declared_names(path):
    """Names of the functions and extern objects a header declares (not its
    static inline functions, types or macros)."""
    text, names, depth, stmt = strip_c(open(path, encoding="utf-8", errors="replace").read()), [], 0, ""
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if depth == 0 and ch == ";":
            st = " ".join(stmt.replace("}", " ").split())
            stmt = ""
            if "{" in st or re.match(r"(typedef|static|struct \w+$|enum|union)\b", st):
                continue
            m = re.match(r"^[^()=]*?\b([A-Za-z_]\w*)\s*\(", st)
            if m and m.group(1) != "__attribute__":
                names.append(m.group(1))
            elif st.startswith("extern "):
                m = re.match(r"^[^=\[]*?\b([A-Za-z_]\w*)\s*(\[|$)", st)
                if m:
                    names.append(m.group(1))
        elif depth == 0:
            stmt += ch
    return names


def definers(src, files):
    """Maps each name defined at file scope (not static) in a .c of src/ to
    that file's node."""
    defs = {}
    for rel in files:
        if not rel.endswith(".c"):
            continue
        text = strip_c(open(os.path.join(src, rel), encoding="utf-8", errors="replace").read())
        for m in re.finditer(r"^(?!static\b)[A-Za-z_][^;{}()=]*?\b([A-Za-z_]\w*)\s*(\(|\[|=)", text, re.M):
            tail = text[m.end():m.end() + 4000]
            if m.group(2) == "(":
                # a definition: the parameter list is followed by a body
                depth, i = 1, 0
                while i < len(tail) and depth:
                    depth += {"(": 1, ")": -1}.get(tail[i], 0)
                    i += 1
                if not re.match(r"\s*(__attribute__\s*\(\(.*?\)\)\s*)?\{", tail[i:], re.S):
                    continue
            defs.setdefault(m.group(1), node_of(rel))
    return defs


def declarations(src, files):
    """Maps each header without a .c of its own to {name: node} for the
    functions and objects it declares that a .c of src/ defines."""
    defs, out = definers(src, files), {}
    for rel in files:
        if rel.endswith(".h") and node_of(rel) + ".c" not in files:
            out[rel] = {}
            for n in declared_names(os.path.join(src, rel)):
                d = defs.get(n) or by_prefix(n, rel, files)
                if d:
                    out[rel][n] = d
    return out


def by_prefix(name, header, files):
    """The node a function defined through a macro belongs to (bls_g1_endo_split
    made by curve_impl.h in g1.c): the node of the header's part whose name
    followed by _ is the longest prefix of the function's."""
    part = part_of(header) + "/"
    best = None
    for rel in files:
        n = node_of(rel)
        if rel.endswith(".c") and rel.startswith(part) and name.startswith(n[len(part):] + "_"):
            if best is None or len(n) > len(best):
                best = n
    return best


IDENT = re.compile(r"[A-Za-z_]\w*")


def resolve(rel, name, by_name):
    """The src-relative header `#include "name"` in rel means: a list of one
    path, several (ambiguous) or none (not a header of roam)."""
    here = os.path.dirname(rel)
    local = os.path.normpath(os.path.join(here, name)).replace(os.sep, "/")
    candidates = by_name.get(os.path.basename(name), [])
    if local in candidates:
        return [local]
    if "/" in name:
        candidates = [c for c in candidates if c.endswith("/" + name)]
    return candidates


def shortest_cycle(graph, start, within):
    """Shortest path start -> ... -> start inside the set `within`."""
    prev, frontier, seen = {}, [start], {start}
    while frontier:
        nxt = []
        for u in frontier:
            for v in sorted(graph.get(u, ())):
                if v not in within:
                    continue
                if v == start:
                    path = [u]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return list(reversed(path)) + [start]
                if v not in seen:
                    seen.add(v)
                    prev[v] = u
                    nxt.append(v)
        frontier = nxt
    return None


def components(graph, nodes):
    """Strongly connected components (Tarjan, iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def check(root):
    src = os.path.join(root, "src")
    files, by_name = scan(src)
    layering, ambiguous, graph, why = [], [], {}, {}
    declared = declarations(src, files)
    nodes = {node_of(rel) for rel in files}
    used = {}
    for rel in files:
        text = strip_c(open(os.path.join(src, rel), encoding="utf-8", errors="replace").read())
        used.setdefault(node_of(rel), set()).update(IDENT.findall(text))

    def edge(a, b, reason):
        if a != b:
            graph.setdefault(a, set()).add(b)
            why.setdefault((a, b), reason)

    for rel in sorted(files):
        part = part_of(rel)
        for line, name in files[rel]:
            targets = resolve(rel, name, by_name)
            if len(targets) > 1:
                ambiguous.append(f"src/{rel}:{line}: {name} is ambiguous: "
                                 + ", ".join("src/" + t for t in sorted(targets)))
                continue
            if not targets:
                continue                 # a system or build header
            target = targets[0]
            tpart = part_of(target)
            may = ALLOWED.get(part)
            if tpart != part and (may is None or ("*" not in may and tpart not in may)):
                layering.append(f"src/{rel}:{line}: includes {name} from {tpart} "
                                f"(allowed: {allowed_text(part)})")
            a, b = node_of(rel), node_of(target)
            if b not in nodes:
                continue
            if rel in declared and b in declared[rel].values():
                continue                 # the definer's header, not the header's own
            edge(a, b, f"src/{rel}:{line}")
            for fn, d in sorted(declared.get(target, {}).items()):
                if rel not in declared and fn in used[a]:
                    edge(a, d, f"src/{rel}:{line}: uses {fn} from {name}, defined in src/{d}.c")
    internal = []
    for rel in sorted(files):
        for line, name in files[rel]:
            targets = resolve(rel, name, by_name)
            if len(targets) == 1 and not private_ok("src/" + rel, targets[0]):
                internal.append(internal_text("src/" + rel, line, name, targets[0]))
    for rel, incs in outside_src(root):
        for line, name in incs:
            targets = [t for t in by_name.get(os.path.basename(name), [])
                       if t.endswith("/" + name) or t.endswith("/" + os.path.basename(name))]
            if len(targets) == 1 and not private_ok(rel, targets[0]):
                internal.append(internal_text(rel, line, name, targets[0]))
    for part in sorted({part_of(rel) for rel in files}):
        if part not in ALLOWED:
            layering.append(f"src/{part}/: part {part} is not in the table of "
                            f"scripts/check-layers.py")
    cycles = []
    for comp in components(graph, nodes):
        if len(comp) < 2:
            continue
        within, covered = set(comp), set()
        for start in comp:
            if start in covered:
                continue
            cyc = shortest_cycle(graph, start, within)
            covered.update(cyc)
            cycles.append(f"cycle: {' -> '.join(cyc)}")
            cycles.extend(f"  {why[(a, b)]}: {a} -> {b}" for a, b in zip(cyc, cyc[1:]))
    return [
        ("every include in src/ stays within the parts its part may include", layering),
        ("every quoted include in src/ names one header", ambiguous),
        ("no file-level include cycle in src/", cycles),
        ("abe and bls12381 are included through their public headers", internal),
    ]


def private_ok(includer, target):
    """May the file includer (root-relative) include src/target?"""
    tpart = part_of(target)
    if tpart not in PUBLIC or os.path.basename(target) == PUBLIC[tpart]:
        return True
    return includer.startswith((f"src/{tpart}/", f"tests/{tpart}/"))


def internal_text(includer, line, name, target):
    tpart = part_of(target)
    return f"{includer}:{line}: includes {name}, internal to {tpart} (include {PUBLIC[tpart]})"


def outside_src(root):
    """(root-relative path, [(line, included name)]) of the C files of
    tests/ and bench/."""
    out = []
    for top in ("tests", "bench"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for fn in sorted(filenames):
                if not fn.endswith(SOURCE_EXT):
                    continue
                path = os.path.join(dirpath, fn)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                with open(path, encoding="utf-8", errors="replace") as f:
                    incs = [(n, m.group(1)) for n, l in enumerate(f, 1)
                            if (m := INCLUDE.match(l))]
                out.append((rel, incs))
    return out


# Planted faults for --self-test: files of a small tree, and what the checks
# must say about it (each expected line a substring of one problem).
PLANTED = {
    "common/text.c": '#include "errbuf.h"\n',
    "common/text.h": "",
    "common/errbuf.c": "",
    "common/errbuf.h": '#include "text.h"\n',
    "proto/frame.c": '#include "errbuf.h"\n#include "nd.h"\n',
    "proto/frame.h": "",
    "net/nd.c": '#include "nd.h"\n',
    "net/nd.h": '#include "frame.h"\n',
    "client/m.c": '#include "hostport.h"\n',
    "roamd/hostport.c": "",
    "roamd/hostport.h": "",
    "roamd/hub.h": "void a_run(void);\nvoid b_run(void);\nvoid c_run(void);\n",
    "roamd/a.c": '#include "hub.h"\nvoid a_run(void) { b_run(); }\n',
    "roamd/b.c": '#include "hub.h"\nvoid b_run(void) { c_run(); }\n',
    "roamd/c.c": '#include "hub.h"\nvoid c_run(void) { a_run(); }\n',
    "virt/flow.h": "",
    "virt/flow.c": '#include "flow.h"\n',
    "client/flow.h": "",
    "cmd/main.c": '#include "flow.h"\n#include "hub.h"\n',
    "abe/abe.h": "",
    "abe/kem.h": "",
    "abe/kem.c": '#include "kem.h"\n#include "abe.h"\n',
    "roamd/auth.c": '#include "abe.h"\n#include "kem.h"\n',
}
EXPECTED = [
    [
        "src/client/m.c:1: includes hostport.h from roamd (allowed: common, proto, abe)",
        "src/proto/frame.c:2: includes nd.h from net (allowed: common)",
    ],
    ["src/cmd/main.c:1: flow.h is ambiguous: src/client/flow.h, src/virt/flow.h"],
    [
        "cycle: common/errbuf -> common/text -> common/errbuf",
        "cycle: net/nd -> proto/frame -> net/nd",
        "cycle: roamd/a -> roamd/b -> roamd/c -> roamd/a",
        "src/roamd/a.c:1: uses b_run from hub.h, defined in src/roamd/b.c",
    ],
    ["src/roamd/auth.c:2: includes kem.h, internal to abe (include abe.h)"],
]


def self_test():
    import tempfile
    with tempfile.TemporaryDirectory() as root:
        for rel, text in PLANTED.items():
            path = os.path.join(root, "src", rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        results = check(root)
    n = failed = 0
    for (name, problems), expected in zip(results, EXPECTED):
        for want in expected:
            n += 1
            hit = any(want in p for p in problems)
            failed += not hit
            print(f"{'' if hit else 'not '}ok {n} - planted: {name}: {want}")
        n += 1
        extra = [p for p in problems
                 if not p.startswith("  ") and not any(w in p for w in expected)]
        for p in extra:
            print(f"# unexpected: {p}")
        failed += bool(extra)
        print(f"{'not ' if extra else ''}ok {n} - planted: {name}: nothing else")
    print(f"1..{n}")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--table", action="store_true", help="print the allowed-includes table")
    ap.add_argument("--self-test", action="store_true", help="run the checks on planted faults")
    args = ap.parse_args()
    if args.table:
        print_table()
        return 0
    if args.self_test:
        return self_test()
    if not os.path.isdir(os.path.join(args.root, "src")):
        print(f"check-layers: no src/ under {args.root}", file=sys.stderr)
        return 2
    results = check(args.root)
    failed = 0
    for n, (name, problems) in enumerate(results, 1):
        for p in problems:
            print(f"# {p}")
        print(f"{'not ' if problems else ''}ok {n} - {name}")
        failed += bool(problems)
    print(f"1..{len(results)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
