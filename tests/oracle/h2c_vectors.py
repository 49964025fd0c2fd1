#!/usr/bin/env python3
"""Convert the RFC 9380 hash-to-curve JSON vectors (tests/vectors/bls12381/
BLS12381G{1,2}_XMD-SHA-256_SSWU_{RO,NU}_.json) into line-based text files
h2c_G{1,2}_{RO,NU}.txt that test_hash_to_curve.c reads without a JSON parser.

Format, one record per line, hex without 0x, each field element as 96 hex
digits (48-byte big-endian), an Fp2 element as two tokens c0 c1:
    dst <hex>            once, first line after the comments
    msg <hex> | msg -    starts a vector ('-' = empty message)
    u <fe> [<fe>]        hash_to_field output
    Q0 <x> <y> / Q1 ...  map_to_curve outputs (RO suites), Q (NU suites)
    P <x> <y>            the final point
Run from the repository root: python3 tests/oracle/h2c_vectors.py
"""
import json
import os

VEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vectors", "bls12381")


def fe(s):
    """'0xa,0xb' (Fp2 as c0,c1) or '0xa' -> space-separated 96-digit hex."""
    return " ".join("%096x" % int(part, 16) for part in s.split(","))


def point(p):
    return fe(p["x"]) + " " + fe(p["y"])


def convert(group, kind):
    src = "BLS12381%s_XMD-SHA-256_SSWU_%s_.json" % (group, kind)
    with open(os.path.join(VEC, src)) as f:
        data = json.load(f)
    lines = ["# generated from %s by tests/oracle/h2c_vectors.py" % src,
             "# suite %s" % data["ciphersuite"],
             "dst " + data["dst"].encode().hex()]
    for v in data["vectors"]:
        lines.append("msg " + (v["msg"].encode().hex() or "-"))
        lines.append("u " + " ".join(fe(u) for u in v["u"]))
        for q in ("Q0", "Q1", "Q"):
            if q in v:
                lines.append(q + " " + point(v[q]))
        lines.append("P " + point(v["P"]))
    out = os.path.join(VEC, "h2c_%s_%s.txt" % (group, kind))
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    for g in ("G1", "G2"):
        for k in ("RO", "NU"):
            convert(g, k)
