#!/usr/bin/env python3
"""Known-answer vectors for the BLS12-381 field layer (tests/bls12381/test_fp*.c,
test_fr.c), computed independently of the C code with Python big integers.

Usage: fields_kat.py {fp|fr|fp2|fp12}   -> prints C initializers to paste into
the matching test file between its "BEGIN KAT" / "END KAT" markers.

Elements are printed as big-endian hex of their canonical value (what
bls_fp_to_bytes / bls_fr_to_bytes produce); Fp2 as c0 then c1, Fp12 as the 12 Fp
coefficients in the order c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1.
Inputs come from a fixed-seed PRNG, so the output is reproducible."""
import random
import sys

P = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
R = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001
rng = random.Random(0x726f616d)  # "roam"


def hx(x, n=48):
    return '"' + x.to_bytes(n, "big").hex() + '"'


def sqrt_fp(a):
    s = pow(a, (P + 1) // 4, P)
    return s if s * s % P == a % P else None


# ---- Fp2 as pairs (c0, c1), u^2 = -1 ----
def f2mul(a, b):
    return ((a[0] * b[0] - a[1] * b[1]) % P, (a[0] * b[1] + a[1] * b[0]) % P)


def f2add(a, b):
    return ((a[0] + b[0]) % P, (a[1] + b[1]) % P)


def f2sub(a, b):
    return ((a[0] - b[0]) % P, (a[1] - b[1]) % P)


def f2inv(a):
    n = (a[0] * a[0] + a[1] * a[1]) % P
    ni = pow(n, P - 2, P)
    return (a[0] * ni % P, -a[1] * ni % P)


def f2sqrt(a):
    """Norm ("complex") method; independent of the C code's Algorithm 9."""
    a0, a1 = a
    if a1 == 0:
        s = sqrt_fp(a0)
        if s is not None:
            return (s, 0)
        return (0, sqrt_fp(-a0 % P))  # -1 is a non-square, so -a0 is a square
    lam = sqrt_fp((a0 * a0 + a1 * a1) % P)
    if lam is None:
        return None
    half = pow(2, P - 2, P)
    d = (a0 + lam) * half % P
    x0 = sqrt_fp(d)
    if x0 is None:
        x0 = sqrt_fp((a0 - lam) * half % P)
    x1 = a1 * pow(2 * x0, P - 2, P) % P
    return (x0, x1)


def rnd_fp():
    return rng.randrange(P)


def emit_fp():
    print("/* BEGIN KAT fp: a, b, a*b, a+b, a-b, a^2, 1/a, sqrt(a) or \"\" */")
    print("static const struct fp_kat { const char *a, *b, *mul, *add, *sub, *sqr, *inv, *sqrt; } FP_KAT[] = {")
    specials = [(0, 1), (1, P - 1), (P - 1, P - 1), (2, (P - 1) // 2), (4, 0)]
    cases = specials + [(rnd_fp(), rnd_fp()) for _ in range(12)]
    for a, b in cases:
        s = sqrt_fp(a)
        inv = pow(a, P - 2, P)
        print("    {%s,\n     %s,\n     %s,\n     %s,\n     %s,\n     %s,\n     %s,\n     %s}," % (
            hx(a), hx(b), hx(a * b % P), hx((a + b) % P), hx((a - b) % P), hx(a * a % P),
            hx(inv), hx(s) if s is not None else '""'))
    print("};")
    print("/* reduce(in) for bls_fp_from_bytes_reduce: big-endian input hex, result */")
    print("static const struct red_kat { const char *in, *out; } FP_RED_KAT[] = {")
    for n in (0, 1, 16, 47, 48, 48, 63, 64, 64, 64):
        x = rng.getrandbits(8 * n) if n else 0
        print("    {\"%s\",\n     %s}," % (x.to_bytes(n, "big").hex(), hx(x % P)))
    ff = 2 ** 512 - 1
    print("    {\"%s\",\n     %s}," % (ff.to_bytes(64, "big").hex(), hx(ff % P)))
    print("    {\"%s\",\n     %s}," % (P.to_bytes(48, "big").hex(), hx(0)))
    print("};")
    print("/* END KAT */")


def emit_fr():
    print("/* BEGIN KAT fr: a, b, a*b, a+b, a-b, 1/a */")
    print("static const struct fr_kat { const char *a, *b, *mul, *add, *sub, *inv; } FR_KAT[] = {")
    cases = [(0, 1), (1, R - 1), (R - 1, R - 1), (2, (R - 1) // 2)]
    cases += [(rng.randrange(R), rng.randrange(R)) for _ in range(12)]
    for a, b in cases:
        print("    {%s,\n     %s,\n     %s,\n     %s,\n     %s,\n     %s}," % (
            hx(a, 32), hx(b, 32), hx(a * b % R, 32), hx((a + b) % R, 32), hx((a - b) % R, 32),
            hx(pow(a, R - 2, R), 32)))
    print("};")
    print("static const struct red_kat { const char *in, *out; } FR_RED_KAT[] = {")
    for n in (0, 1, 31, 32, 32, 48, 48, 64, 64):
        x = rng.getrandbits(8 * n) if n else 0
        print("    {\"%s\",\n     %s}," % (x.to_bytes(n, "big").hex(), hx(x % R, 32)))
    ff = 2 ** 512 - 1
    print("    {\"%s\",\n     %s}," % (ff.to_bytes(64, "big").hex(), hx(ff % R, 32)))
    print("};")
    print("/* END KAT */")


def emit_fp2():
    print("/* BEGIN KAT fp2 (each element: c0 hex, c1 hex): a, b, a*b, a^2, 1/a,")
    print("   a root of a (\"\" when a is not a square; C may return either sign) */")
    print("static const struct fp2_kat { const char *a[2], *b[2], *mul[2], *sqr[2], *inv[2], *sqrt[2]; } FP2_KAT[] = {")
    cases = [((P - 1, 0), (1, 0)), ((0, 1), (0, P - 1)), ((0, 0), (5, 7))]
    # a non-square Fp element is a square in Fp2
    nsq = next(x for x in range(2, 100) if sqrt_fp(x) is None)
    cases.append(((nsq, 0), (0, nsq)))
    while len(cases) < 16:
        cases.append(((rnd_fp(), rnd_fp()), (rnd_fp(), rnd_fp())))

    def e(x):
        return "{%s,\n      %s}" % (hx(x[0]), hx(x[1]))
    for a, b in cases:
        s = f2sqrt(a)
        if s is not None:
            assert f2mul(s, s) == a
        sq = e(s) if s is not None else '{"", ""}'
        print("    {%s,\n     %s,\n     %s,\n     %s,\n     %s,\n     %s}," % (
            e(a), e(b), e(f2mul(a, b)), e(f2mul(a, a)), e(f2inv(a) if a != (0, 0) else (0, 0)), sq))
    print("};")
    print("/* END KAT */")


# ---- Fp12 as a flat degree-12 tower: Fp6 = Fp2[v]/(v^3 - (1+u)), Fp12 = Fp6[w]/(w^2 - v).
# Implemented here as polynomials in w over Fp2 with w^6 = 1 + u, a different
# representation from the C code's nested Karatsuba. ----
XI = (1, 1)


def f12mul(a, b):
    """a, b: lists of 6 Fp2 coefficients of w^0..w^5."""
    acc = [(0, 0)] * 11
    for i in range(6):
        for j in range(6):
            acc[i + j] = f2add(acc[i + j], f2mul(a[i], b[j]))
    for k in range(10, 5, -1):  # w^k = w^(k-6) * xi
        acc[k - 6] = f2add(acc[k - 6], f2mul(acc[k], XI))
    return acc[:6]


def tower_to_w(x):
    """C layout c0 = (g0, g1, g2) (coeffs of 1, v, v^2), c1 = (h0, h1, h2):
    element = sum g_i v^i + sum h_i v^i w, and v = w^2."""
    g, h = x
    out = [None] * 6
    for i in range(3):
        out[2 * i] = g[i]
        out[2 * i + 1] = h[i]
    return out


def w_to_tower(y):
    return ((y[0], y[2], y[4]), (y[1], y[3], y[5]))


def f12pow(a, e):
    res = [(1, 0)] + [(0, 0)] * 5
    base = a
    while e:
        if e & 1:
            res = f12mul(res, base)
        base = f12mul(base, base)
        e >>= 1
    return res


def emit_fp12():
    def rnd12():
        return [(rnd_fp(), rnd_fp()) for _ in range(6)]

    def e(y):
        g, h = w_to_tower(y)
        flat = []
        for part in (g, h):
            for c in part:
                flat += [c[0], c[1]]
        return "{" + ",\n      ".join(hx(v) for v in flat) + "}"
    print("/* BEGIN KAT fp12 (12 Fp coefficients each, tower order): a, b, a*b,")
    print("   a^p (Frobenius), a^(p^2), a^(p^6) */")
    print("static const struct fp12_kat { const char *a[12], *b[12], *mul[12], *frob1[12], *frob2[12], *frob6[12]; } FP12_KAT[] = {")
    for _ in range(3):
        a, b = rnd12(), rnd12()
        print("    {%s,\n     %s,\n     %s,\n     %s,\n     %s,\n     %s}," % (
            e(a), e(b), e(f12mul(a, b)), e(f12pow(a, P)), e(f12pow(a, P * P)), e(f12pow(a, P ** 6))))
    print("};")
    print("/* END KAT */")


if __name__ == "__main__":
    {"fp": emit_fp, "fr": emit_fr, "fp2": emit_fp2, "fp12": emit_fp12}[sys.argv[1]]()
