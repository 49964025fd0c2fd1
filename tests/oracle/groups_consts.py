#!/usr/bin/env python3
"""Derive and check the curve constants used by src/bls12381/g1.c and g2.c.

Prints the C limb arrays (Montgomery form, R = 2^384, little-endian 64-bit
limbs) for the generators, b3, the G1 endomorphism constant beta and the G2
psi constants, and asserts the algebraic facts the C code relies on:
  * E1(x, y) = (beta*x, -y) acts on G1 as [x^2] (x = BLS parameter), and the
    subgroup test E1(P) == [x^2]P rejects points of E(Fp) outside G1;
  * E2 = -psi acts on G2 as [|x|] (psi acts as [x], x < 0).
Run: python3 tests/oracle/groups_consts.py
"""
import random

p = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
r = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001
X = -0xd201000000010000
XA = -X
R = 1 << 384

# ---- Fp2 = Fp[u]/(u^2+1) as pairs ------------------------------------------
def f2mul(a, b):
    return ((a[0]*b[0] - a[1]*b[1]) % p, (a[0]*b[1] + a[1]*b[0]) % p)
def f2add(a, b): return ((a[0]+b[0]) % p, (a[1]+b[1]) % p)
def f2sub(a, b): return ((a[0]-b[0]) % p, (a[1]-b[1]) % p)
def f2pow(a, e):
    res = (1, 0)
    while e:
        if e & 1: res = f2mul(res, a)
        a = f2mul(a, a); e >>= 1
    return res
def f2inv(a):
    n = pow(a[0]*a[0] + a[1]*a[1], p-2, p)
    return (a[0]*n % p, (-a[1])*n % p)
def conj(a): return (a[0], (-a[1]) % p)

# ---- generic affine arithmetic over a field given by ops -------------------
class F1:
    zero, one = 0, 1
    @staticmethod
    def add(a, b): return (a+b) % p
    @staticmethod
    def sub(a, b): return (a-b) % p
    @staticmethod
    def mul(a, b): return a*b % p
    @staticmethod
    def inv(a): return pow(a, p-2, p)
class F2:
    zero, one = (0, 0), (1, 0)
    add = staticmethod(f2add); sub = staticmethod(f2sub)
    mul = staticmethod(f2mul); inv = staticmethod(f2inv)

def ec_add(F, P, Q):
    if P is None: return Q
    if Q is None: return P
    if P[0] == Q[0]:
        if P[1] != Q[1] or P[1] == F.zero: return None
        lam = F.mul(F.mul(F.add(F.add(P[0], P[0]), P[0]), P[0]), F.inv(F.add(P[1], P[1])))
    else:
        lam = F.mul(F.sub(Q[1], P[1]), F.inv(F.sub(Q[0], P[0])))
    x3 = F.sub(F.sub(F.mul(lam, lam), P[0]), Q[0])
    return (x3, F.sub(F.mul(lam, F.sub(P[0], x3)), P[1]))
def ec_neg(F, P): return None if P is None else (P[0], F.sub(F.zero, P[1]))
def ec_mul(F, P, k):
    if k < 0: return ec_mul(F, ec_neg(F, P), -k)
    acc = None
    for bit in bin(k)[2:]:
        acc = ec_add(F, acc, acc)
        if bit == '1': acc = ec_add(F, acc, P)
    return acc

G1 = (0x17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb,
      0x08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1)
G2 = ((0x024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8,
       0x13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e),
      (0x0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801,
       0x0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be))

assert (G1[1]**2 - G1[0]**3 - 4) % p == 0
b2 = (4, 4)
assert f2sub(f2mul(G2[1], G2[1]), f2add(f2mul(f2mul(G2[0], G2[0]), G2[0]), b2)) == (0, 0)
assert ec_mul(F1, G1, r) is None and ec_mul(F2, G2, r) is None
assert r == X**4 - X**2 + 1

# ---- G1: beta, a primitive cube root of unity in Fp -------------------------
# E1(x, y) = (beta x, -y) = -phi_beta.  phi_beta acts on G1 as a cube root of
# unity mod r; of the two betas, pick the one where phi acts as -x^2, i.e. where
# E1 acts as [x^2] (x^2 < 2^128, so k = k0 + k1 x^2 splits k in two halves).
g = 2
while pow(g, (p-1)//3, p) == 1: g += 1
betas = [pow(g, (p-1)//3, p), pow(g, 2*(p-1)//3, p)]
def E1(P, beta): return (beta*P[0] % p, (-P[1]) % p)
beta = [b for b in betas if E1(G1, b) == ec_mul(F1, G1, X*X)]
assert len(beta) == 1
beta = beta[0]

h1 = (X - 1)**2 // 3
def rand_e1():
    while True:
        x = random.randrange(p)
        rhs = (x**3 + 4) % p
        y = pow(rhs, (p+1)//4, p)
        if y*y % p == rhs: return (x, y)
# Points outside G1 must fail E1(P) == [x^2]P (Scott's test), including the
# small-order components: check on random points and on points of exact order
# dividing the cofactor.
for _ in range(20):
    P = rand_e1()
    assert ec_mul(F1, P, r) is not None
    assert E1(P, beta) != ec_mul(F1, P, X*X)
    Q = ec_mul(F1, P, r)       # lives in the cofactor part only
    if Q is not None:
        assert E1(Q, beta) != ec_mul(F1, Q, X*X)
assert E1((0, 2), beta) != ec_mul(F1, (0, 2), X*X)  # order-3 point

# ---- G2: psi = twist^-1 o Frobenius o twist ---------------------------------
# With the M-twist E'(Fp2): y^2 = x^3 + 4(1+u), the untwist is
# (x, y) -> (x / w^2, y / w^3) with w^6 = 1+u.  Frobenius on Fp12 sends
# w -> w^p = w * (1+u)^((p-1)/6), so psi(x, y) = (conj(x) * cx, conj(y) * cy)
# with cx = 1/(1+u)^((p-1)/3), cy = 1/(1+u)^((p-1)/2).
xi = (1, 1)
cx = f2inv(f2pow(xi, (p-1)//3))
cy = f2inv(f2pow(xi, (p-1)//2))
def psi(P): return (f2mul(conj(P[0]), cx), f2mul(conj(P[1]), cy))
assert psi(G2) == ec_mul(F2, G2, X)
# psi^2: conj(conj(x) cx) cx = x * cx*conj(cx) (an Fp element), same for y.
cx2 = f2mul(cx, conj(cx)); cy2 = f2mul(cy, conj(cy))
assert cx2[1] == 0 and cy2[1] == 0
assert psi(psi(G2)) == (f2mul(G2[0], cx2), f2mul(G2[1], cy2))

# Budroni-Pintore cofactor clearing equals [h_eff] on a random point of E'.
h_eff2 = 0xbc69f08f2ee75b3584c6a0ea91b352888e2a8e9145ad7689986ff031508ffe1329c2f178731db956d82bf015d1212b02ec0ec69d7477c1ae954cbc06689f6a359894c0adebbf6b4e8020005aaa95551
def f2sqrt(a):
    # p^2 = 9 mod 16: a^((p^2+7)/16) is a square root of a up to an 8th root
    # of unity; try all eight.
    c = f2pow(a, (p*p + 7)//16)
    t = 2
    while True:  # a primitive 8th root of unity
        g8 = f2pow((t, 1), (p*p - 1)//8)
        if f2pow(g8, 4) != (1, 0): break
        t += 1
    for i in range(8):
        y = f2mul(c, f2pow(g8, i))
        if f2mul(y, y) == a: return y
    return None
while True:
    x = (random.randrange(p), random.randrange(p))
    y = f2sqrt(f2add(f2mul(f2mul(x, x), x), b2))
    if y is not None: break
P = (x, y)
bp = ec_add(F2, ec_add(F2, ec_mul(F2, P, X*X - X - 1), ec_mul(F2, psi(P), X - 1)),
            psi(psi(ec_mul(F2, P, 2))))
assert bp == ec_mul(F2, P, h_eff2)
assert ec_mul(F2, bp, r) is None

# ---- print C limbs ----------------------------------------------------------
def limbs(v, n=6): return [(v >> (64*i)) & (2**64 - 1) for i in range(n)]
def cfp(v):
    return "{{" + ", ".join("0x%016xULL" % l for l in limbs(v * R % p)) + "}}"
def cfp2(a): return "{" + cfp(a[0]) + ", " + cfp(a[1]) + "}"
print("/* G1 generator */"); print("x =", cfp(G1[0])); print("y =", cfp(G1[1]))
print("/* G2 generator */"); print("x =", cfp2(G2[0])); print("y =", cfp2(G2[1]))
print("b3_g1 =", cfp(12))
print("beta =", cfp(beta), "  # canonical 0x%x" % beta)
print("psi cx =", cfp2(cx)); print("psi cy =", cfp2(cy))
print("psi2 cx2 =", cfp(cx2[0]), "(canonical 0x%x)" % cx2[0])
print("psi2 cy2 =", cfp(cy2[0]), "(== p-1: %s)" % (cy2[0] == p - 1))
print("x^2 =", ["0x%016x" % l for l in limbs(X*X, 2)])
print("one_mont =", cfp(1))
