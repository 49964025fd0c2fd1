/* Internal: generic multi-limb Montgomery arithmetic shared by fp.c (6 limbs)
 * and fr.c (4 limbs), so the two prime fields are one template instantiated
 * twice rather than copy-paste twins.
 *
 * Every function takes the limb count n and the modulus m as arguments; they
 * are always inlined and always called with a compile-time n and a static
 * const modulus, so the compiler fully unrolls the loops and folds the modulus
 * limbs into immediates.  Nothing here branches on, or indexes memory by, a
 * limb value: conditional steps use all-ones / all-zero masks derived from a
 * borrow.  The exceptions are explicit: exponents passed to mont_pow steer
 * its control flow (they are public constants such as (p - 1) / 2), and
 * mont_inv_vartime is variable time by name.
 *
 * Both moduli leave the top bit of their top limb clear (p < 2^381,
 * r < 2^255), so: a + b of two reduced values never carries out of n limbs,
 * and Montgomery multiplication can use the "no-carry" CIOS variant, whose
 * running value stays below 2m and never needs an (n+1)-th limb. */
#ifndef ROAM_BLS12381_MONT_H
#define ROAM_BLS12381_MONT_H

#include <stddef.h>
#include <stdint.h>

/* GCC otherwise vectorizes the masked selects below into SSE code whose
 * register transfers cost more than the arithmetic (bls_fp_add was 3x slower).
 * This header is only included by fp.c, fr.c and fp2.c, all arithmetic. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-vectorize")
#endif

#define MONT_MAX_LIMBS 6
#define MONT_INLINE static inline __attribute__((always_inline))

typedef unsigned __int128 mont_u128;

/* Loops over limbs must be fully unrolled so the limbs live in registers and
 * the modulus folds into immediates; -O3 alone leaves the outer loops rolled. */
#if defined(__clang__)
#define MONT_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define MONT_UNROLL _Pragma("GCC unroll 16")
#else
#define MONT_UNROLL
#endif

/* Add/subtract with carry.  On x86-64 the intrinsics compile to adc/sbb
 * chains; the 128-bit fallback is correct everywhere but gcc turns it into
 * much longer code. */
#if defined(__x86_64__)
#include <x86intrin.h>
MONT_INLINE uint64_t mont_adc(uint64_t a, uint64_t b, uint64_t *carry)
{
    unsigned long long r;
    *carry = _addcarry_u64((unsigned char)*carry, a, b, &r);
    return r;
}
MONT_INLINE uint64_t mont_sbb(uint64_t a, uint64_t b, uint64_t *borrow)
{
    unsigned long long r;
    *borrow = _subborrow_u64((unsigned char)*borrow, a, b, &r);
    return r;
}
#else
MONT_INLINE uint64_t mont_adc(uint64_t a, uint64_t b, uint64_t *carry)
{
    mont_u128 s = (mont_u128)a + b + *carry;
    *carry = (uint64_t)(s >> 64);
    return (uint64_t)s;
}
MONT_INLINE uint64_t mont_sbb(uint64_t a, uint64_t b, uint64_t *borrow)
{
    mont_u128 d = (mont_u128)a - b - *borrow;
    *borrow = (uint64_t)(d >> 64) & 1;
    return (uint64_t)d;
}
#endif

/* All-ones if bit is 1, zero if 0 (bit must be 0 or 1). */
MONT_INLINE uint64_t mont_mask(uint64_t bit) { return (uint64_t)0 - bit; }

/* 1 if x == 0 else 0, without a comparison the compiler could turn into a branch. */
MONT_INLINE uint64_t mont_word_is_zero(uint64_t x)
{
    return ((x | ((uint64_t)0 - x)) >> 63) ^ 1;
}

/* r := a - b over n limbs; returns the final borrow (1 if a < b). */
MONT_INLINE uint64_t mont_sub_raw(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t borrow = 0;
    MONT_UNROLL
    for (size_t i = 0; i < n; i++)
        r[i] = mont_sbb(a[i], b[i], &borrow);
    return borrow;
}

/* r := a + b over n limbs; returns the carry out. */
MONT_INLINE uint64_t mont_add_raw(uint64_t *r, const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t carry = 0;
    MONT_UNROLL
    for (size_t i = 0; i < n; i++)
        r[i] = mont_adc(a[i], b[i], &carry);
    return carry;
}

/* r := t - m if t >= m, else t.  Requires t < 2m.  r may alias t. */
MONT_INLINE void mont_csub(uint64_t *r, const uint64_t *t, const uint64_t *m, size_t n)
{
    uint64_t d[MONT_MAX_LIMBS];
    uint64_t keep = mont_mask(mont_sub_raw(d, t, m, n)); /* borrow: t < m, keep t */
    MONT_UNROLL
    for (size_t i = 0; i < n; i++)
        r[i] = (t[i] & keep) | (d[i] & ~keep);
}

MONT_INLINE void mont_add(uint64_t *r, const uint64_t *a, const uint64_t *b,
                          const uint64_t *m, size_t n)
{
    uint64_t t[MONT_MAX_LIMBS];
    (void)mont_add_raw(t, a, b, n); /* < 2m < 2^(64n): no carry out */
    mont_csub(r, t, m, n);
}

MONT_INLINE void mont_sub(uint64_t *r, const uint64_t *a, const uint64_t *b,
                          const uint64_t *m, size_t n)
{
    uint64_t t[MONT_MAX_LIMBS], mm[MONT_MAX_LIMBS];
    uint64_t wrap = mont_mask(mont_sub_raw(t, a, b, n)); /* a < b: add m back */
    MONT_UNROLL
    for (size_t i = 0; i < n; i++)
        mm[i] = m[i] & wrap;
    (void)mont_add_raw(r, t, mm, n);
}

/* r := -a; m - 0 would be m, not reduced, so the result is masked to 0 then. */
MONT_INLINE void mont_neg(uint64_t *r, const uint64_t *a, const uint64_t *m, size_t n)
{
    uint64_t acc = 0, t[MONT_MAX_LIMBS];
    MONT_UNROLL
    for (size_t i = 0; i < n; i++)
        acc |= a[i];
    uint64_t nz = ~mont_mask(mont_word_is_zero(acc));
    (void)mont_sub_raw(t, m, a, n);
    MONT_UNROLL
    for (size_t i = 0; i < n; i++)
        r[i] = t[i] & nz;
}

/* r := a * b * 2^(-64n) mod m (CIOS, "no-carry" variant).
 *
 * Each outer step adds a*b[i] and a multiple of m chosen to clear the low
 * limb, then shifts down one limb.  Because m's top limb is < 2^63 - 1 and
 * a, b < m, the running sum stays < 2m, so the carries A (from a*b[i]) and C
 * (from mm*m) of the last column together fit in one limb.  Requires a < m;
 * b may be any n-limb value (it is only consumed a limb at a time): the
 * result (a b + M m) / 2^(64n) < a + m < 2m.  When 4m < 2^(64n) (Fp, not
 * Fr) factors below 2m are fine too, see fp_wide.h.  r may alias a or b. */
MONT_INLINE void mont_mul(uint64_t *r, const uint64_t *a, const uint64_t *b,
                          const uint64_t *m, uint64_t n0, size_t n)
{
    uint64_t t[MONT_MAX_LIMBS] = {0};
    MONT_UNROLL
    for (size_t i = 0; i < n; i++) {
        mont_u128 z = (mont_u128)a[0] * b[i] + t[0];
        uint64_t A = (uint64_t)(z >> 64);
        uint64_t lo = (uint64_t)z;
        uint64_t q = lo * n0;
        z = (mont_u128)q * m[0] + lo;
        uint64_t C = (uint64_t)(z >> 64);
        MONT_UNROLL
        for (size_t j = 1; j < n; j++) {
            z = (mont_u128)a[j] * b[i] + t[j] + A;
            A = (uint64_t)(z >> 64);
            z = (mont_u128)q * m[j] + (uint64_t)z + C;
            C = (uint64_t)(z >> 64);
            t[j - 1] = (uint64_t)z;
        }
        t[n - 1] = C + A;
    }
    mont_csub(r, t, m, n);
}

/* t[0..2n) := a * b, the full double-width product (schoolbook).  a and b
 * may be unreduced (any n-limb values). */
MONT_INLINE void mont_mul_wide(uint64_t *t, const uint64_t *a, const uint64_t *b, size_t n)
{
    MONT_UNROLL
    for (size_t i = 0; i < 2 * n; i++)
        t[i] = 0;
    MONT_UNROLL
    for (size_t i = 0; i < n; i++) {
        uint64_t c = 0;
        MONT_UNROLL
        for (size_t j = 0; j < n; j++) {
            mont_u128 z = (mont_u128)a[j] * b[i] + t[i + j] + c;
            t[i + j] = (uint64_t)z;
            c = (uint64_t)(z >> 64);
        }
        t[i + n] = c;
    }
}

/* r := t * 2^(-64n) mod m for a double-width t < m * 2^(64n) (SOS
 * Montgomery reduction): clear one low limb per step by adding q*m,
 * carrying into the upper half.  The result (t + Q m) / 2^(64n) is < 2m,
 * so one conditional subtraction finishes.  t is not modified. */
MONT_INLINE void mont_redc(uint64_t *r, const uint64_t *tin, const uint64_t *m, uint64_t n0, size_t n)
{
    uint64_t t[2 * MONT_MAX_LIMBS];
    MONT_UNROLL
    for (size_t i = 0; i < 2 * n; i++)
        t[i] = tin[i];
    uint64_t hi = 0; /* carry into t[i + n + 1] accumulated across steps */
    MONT_UNROLL
    for (size_t i = 0; i < n; i++) {
        uint64_t q = t[i] * n0;
        uint64_t k = 0;
        MONT_UNROLL
        for (size_t j = 0; j < n; j++) {
            mont_u128 z = (mont_u128)q * m[j] + t[i + j] + k;
            t[i + j] = (uint64_t)z;
            k = (uint64_t)(z >> 64);
        }
        mont_u128 z = (mont_u128)t[i + n] + k + hi;
        t[i + n] = (uint64_t)z;
        hi = (uint64_t)(z >> 64);
    }
    /* hi would be bit 64n of the result, which is < 2m < 2^(64n): zero. */
    mont_csub(r, t + n, m, n);
}

/* r := a^2 * 2^(-64n) mod m.  Computes the double-width square once (each
 * cross product a[i]*a[j], i < j, is formed once and doubled), then reduces
 * it with mont_redc (a^2 < m^2 < m * 2^(64n)). */
MONT_INLINE void mont_sqr(uint64_t *r, const uint64_t *a,
                          const uint64_t *m, uint64_t n0, size_t n)
{
    uint64_t t[2 * MONT_MAX_LIMBS] = {0};
    /* Cross products. */
    MONT_UNROLL
    for (size_t i = 0; i < n; i++) {
        uint64_t c = 0;
        MONT_UNROLL
        for (size_t j = i + 1; j < n; j++) {
            mont_u128 z = (mont_u128)a[i] * a[j] + t[i + j] + c;
            t[i + j] = (uint64_t)z;
            c = (uint64_t)(z >> 64);
        }
        t[i + n] = c;
    }
    /* Double them (the top bit shifted out is 0: a < 2^(64n-1)). */
    MONT_UNROLL
    for (size_t i = 2 * n - 1; i > 0; i--)
        t[i] = (t[i] << 1) | (t[i - 1] >> 63);
    t[0] <<= 1;
    /* Add the diagonal squares a[i]^2 at position 2i. */
    uint64_t c = 0;
    MONT_UNROLL
    for (size_t i = 0; i < n; i++) {
        mont_u128 z = (mont_u128)a[i] * a[i] + t[2 * i] + c;
        t[2 * i] = (uint64_t)z;
        z = (mont_u128)t[2 * i + 1] + (uint64_t)(z >> 64);
        t[2 * i + 1] = (uint64_t)z;
        c = (uint64_t)(z >> 64);
    }
    mont_redc(r, t, m, n0, n);
}

MONT_INLINE uint64_t mont_is_zero(const uint64_t *a, size_t n)
{
    uint64_t acc = 0;
    MONT_UNROLL
    for (size_t i = 0; i < n; i++)
        acc |= a[i];
    return mont_word_is_zero(acc);
}

MONT_INLINE uint64_t mont_equal(const uint64_t *a, const uint64_t *b, size_t n)
{
    uint64_t acc = 0;
    MONT_UNROLL
    for (size_t i = 0; i < n; i++)
        acc |= a[i] ^ b[i];
    return mont_word_is_zero(acc);
}

MONT_INLINE void mont_cmov(uint64_t *r, const uint64_t *a, uint64_t cond, size_t n)
{
    uint64_t mk = mont_mask(cond);
    MONT_UNROLL
    for (size_t i = 0; i < n; i++)
        r[i] ^= (r[i] ^ a[i]) & mk;
}

MONT_INLINE void mont_cswap(uint64_t *a, uint64_t *b, uint64_t cond, size_t n)
{
    uint64_t mk = mont_mask(cond);
    MONT_UNROLL
    for (size_t i = 0; i < n; i++) {
        uint64_t x = (a[i] ^ b[i]) & mk;
        a[i] ^= x;
        b[i] ^= x;
    }
}

/* Big-endian bytes (8n of them) <-> little-endian limbs. */
MONT_INLINE void mont_limbs_from_be(uint64_t *r, const uint8_t *in, size_t n)
{
    MONT_UNROLL
    for (size_t i = 0; i < n; i++) {
        uint64_t w = 0;
        MONT_UNROLL
        for (size_t k = 0; k < 8; k++)
            w = (w << 8) | in[8 * (n - 1 - i) + k];
        r[i] = w;
    }
}

MONT_INLINE void mont_limbs_to_be(uint8_t *out, const uint64_t *a, size_t n)
{
    MONT_UNROLL
    for (size_t i = 0; i < n; i++)
        MONT_UNROLL
        for (size_t k = 0; k < 8; k++)
            out[8 * (n - 1 - i) + k] = (uint8_t)(a[i] >> (56 - 8 * k));
}

/* 1 if the n-limb value a is < m (a canonical residue). */
MONT_INLINE uint64_t mont_is_canonical(const uint64_t *a, const uint64_t *m, size_t n)
{
    uint64_t d[MONT_MAX_LIMBS];
    return mont_sub_raw(d, a, m, n);
}

/* 1 if a > h (h public, e.g. (m-1)/2). */
MONT_INLINE uint64_t mont_greater(const uint64_t *a, const uint64_t *h, size_t n)
{
    uint64_t d[MONT_MAX_LIMBS];
    return mont_sub_raw(d, h, a, n);
}

/* Reduce a big-endian string of any length into Montgomery form.  Horner's
 * rule one 64-bit word at a time: acc := acc * 2^64 + w, where each word is
 * < 2^64 < m and so already a residue.  two64_mont is 2^64 * R mod m and
 * r2 is R^2 mod m, R = 2^(64n).  The loop runs over the (public) length. */
MONT_INLINE void mont_from_be_reduce(uint64_t *r, const uint8_t *in, size_t len,
                                     const uint64_t *m, uint64_t n0,
                                     const uint64_t *two64_mont, const uint64_t *r2, size_t n)
{
    uint64_t acc[MONT_MAX_LIMBS] = {0}, w[MONT_MAX_LIMBS];
    size_t first = len % 8 ? len % 8 : 8; /* leading partial word */
    size_t pos = 0;
    while (pos < len) {
        size_t take = pos == 0 ? first : 8;
        uint64_t word = 0;
        for (size_t k = 0; k < take; k++)
            word = (word << 8) | in[pos + k];
        pos += take;
        for (size_t i = 0; i < n; i++)
            w[i] = 0;
        w[0] = word;
        mont_mul(w, r2, w, m, n0, n);          /* word * R */
        mont_mul(acc, two64_mont, acc, m, n0, n); /* acc * 2^64 (Montgomery) */
        mont_add(acc, acc, w, m, n);
    }
    for (size_t i = 0; i < n; i++)
        r[i] = acc[i];
}

/* x := x / 2 mod m for x < m: add m first when x is odd (x + m < 2^(64n)
 * because m's top bit is clear), then shift.  Variable time. */
MONT_INLINE void mont_half_vartime(uint64_t *x, const uint64_t *m, size_t n)
{
    if (x[0] & 1)
        (void)mont_add_raw(x, x, m, n);
    for (size_t i = 0; i + 1 < n; i++)
        x[i] = (x[i] >> 1) | (x[i + 1] << 63);
    x[n - 1] >>= 1;
}

MONT_INLINE void mont_shr1(uint64_t *x, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        x[i] = (x[i] >> 1) | (x[i + 1] << 63);
    x[n - 1] >>= 1;
}

/* r := a^-1 (Montgomery in and out; 0 -> 0) by the binary extended
 * Euclidean algorithm on the representative y = aR taken as a plain
 * integer.  Invariants: x1 y = u and x2 y = v (mod m); the loop ends when
 * u or v reaches 1, giving y^-1 = a^-1 R^-1, and two multiplications by
 * r2 = R^2 mod m turn that into a^-1 R.  VARIABLE TIME: branches and loop
 * counts depend on a; for public inputs only. */
MONT_INLINE void mont_inv_vartime(uint64_t *r, const uint64_t *a, const uint64_t *m,
                                  uint64_t n0, const uint64_t *r2, size_t n)
{
    uint64_t u[MONT_MAX_LIMBS], v[MONT_MAX_LIMBS], t[MONT_MAX_LIMBS];
    uint64_t x1[MONT_MAX_LIMBS] = {1}, x2[MONT_MAX_LIMBS] = {0}, one[MONT_MAX_LIMBS] = {1};
    if (mont_is_zero(a, n)) {
        for (size_t i = 0; i < n; i++)
            r[i] = 0;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        u[i] = a[i];
        v[i] = m[i];
    }
    while (!mont_equal(u, one, n) && !mont_equal(v, one, n)) {
        while (!(u[0] & 1)) {
            mont_shr1(u, n);
            mont_half_vartime(x1, m, n);
        }
        while (!(v[0] & 1)) {
            mont_shr1(v, n);
            mont_half_vartime(x2, m, n);
        }
        if (!mont_sub_raw(t, u, v, n)) { /* u >= v */
            for (size_t i = 0; i < n; i++)
                u[i] = t[i];
            mont_sub(x1, x1, x2, m, n);
        } else {
            (void)mont_sub_raw(v, v, u, n);
            mont_sub(x2, x2, x1, m, n);
        }
    }
    const uint64_t *inv = mont_equal(u, one, n) ? x1 : x2;
    mont_mul(r, r2, inv, m, n0, n); /* a^-1 R^-1 R^2 / R = a^-1 */
    mont_mul(r, r2, r, m, n0, n);   /* a^-1 R: Montgomery form */
}

/* ---- Constant-time inversion: Bernstein-Yang "safegcd" divsteps ----
 *
 * Values are signed integers in S62_LIMBS limbs of 62 bits (two's
 * complement in int64 words, the top one carrying the sign).  Each outer
 * iteration runs 62 branch-free divsteps on the low 64 bits of f and g,
 * collecting the 2x2 transition matrix (u v; q r) (scaled by 2^62), then
 * applies it to the full f, g (exact division by 2^62) and to the Bezout
 * coefficients d, e modulo m (adding the multiple of m that makes the
 * division exact).  The number of iterations is fixed from the bit length
 * (Bernstein-Yang bound: (49 bits + 80) / 17 divsteps suffice), so the
 * instruction sequence never depends on the input. */
#define S62_LIMBS 7
#define S62_MASK ((uint64_t)0x3fffffffffffffffULL)
typedef __int128 s62_i128;

typedef struct { int64_t u, v, q, r; } s62_matrix;

/* 62 divsteps on the low words of f and g; eta = -delta. */
MONT_INLINE int64_t s62_divsteps(int64_t eta, uint64_t f, uint64_t g, s62_matrix *t)
{
    uint64_t u = 1, v = 0, q = 0, r = 1;
    for (int i = 0; i < 62; i++) {
        uint64_t c1 = (uint64_t)(eta >> 63);   /* eta < 0, i.e. delta > 0 */
        uint64_t c2 = (uint64_t)0 - (g & 1);   /* g odd */
        uint64_t x = (f ^ c1) - c1, y = (u ^ c1) - c1, z = (v ^ c1) - c1;
        g += x & c2;                           /* g odd: g -= f (swap case) or g += f */
        q += y & c2;
        r += z & c2;
        c1 &= c2;                              /* swap: f takes the old g */
        eta = (int64_t)(((uint64_t)eta ^ c1) - 1 - c1); /* swap: -eta - 1, else eta - 1 */
        f += g & c1;
        u += q & c1;
        v += r & c1;
        g >>= 1;
        u <<= 1;
        v <<= 1;
    }
    t->u = (int64_t)u;
    t->v = (int64_t)v;
    t->q = (int64_t)q;
    t->r = (int64_t)r;
    return eta;
}

/* (f, g) := (u f + v g, q f + r g) / 2^62, exactly. */
MONT_INLINE void s62_update_fg(int64_t *f, int64_t *g, const s62_matrix *t, size_t L)
{
    s62_i128 cf = (s62_i128)t->u * f[0] + (s62_i128)t->v * g[0];
    s62_i128 cg = (s62_i128)t->q * f[0] + (s62_i128)t->r * g[0];
    cf >>= 62;
    cg >>= 62;
    for (size_t i = 1; i < L; i++) {
        cf += (s62_i128)t->u * f[i] + (s62_i128)t->v * g[i];
        cg += (s62_i128)t->q * f[i] + (s62_i128)t->r * g[i];
        f[i - 1] = (int64_t)((uint64_t)cf & S62_MASK);
        g[i - 1] = (int64_t)((uint64_t)cg & S62_MASK);
        cf >>= 62;
        cg >>= 62;
    }
    f[L - 1] = (int64_t)cf;
    g[L - 1] = (int64_t)cg;
}

/* (d, e) := (u d + v e + md m, q d + r e + me m) / 2^62 with md, me chosen
 * to clear the low 62 bits; first adds u (resp. q...) times m for negative
 * inputs so the results stay in (-2m, m).  minv = m^-1 mod 2^62. */
MONT_INLINE void s62_update_de(int64_t *d, int64_t *e, const s62_matrix *t,
                               const int64_t *m, uint64_t minv, size_t L)
{
    int64_t sd = d[L - 1] >> 63, se = e[L - 1] >> 63;
    int64_t md = (t->u & sd) + (t->v & se);
    int64_t me = (t->q & sd) + (t->r & se);
    s62_i128 cd = (s62_i128)t->u * d[0] + (s62_i128)t->v * e[0];
    s62_i128 ce = (s62_i128)t->q * d[0] + (s62_i128)t->r * e[0];
    md -= (int64_t)((minv * (uint64_t)cd + (uint64_t)md) & S62_MASK);
    me -= (int64_t)((minv * (uint64_t)ce + (uint64_t)me) & S62_MASK);
    cd += (s62_i128)m[0] * md;
    ce += (s62_i128)m[0] * me;
    cd >>= 62;
    ce >>= 62;
    for (size_t i = 1; i < L; i++) {
        cd += (s62_i128)t->u * d[i] + (s62_i128)t->v * e[i] + (s62_i128)m[i] * md;
        ce += (s62_i128)t->q * d[i] + (s62_i128)t->r * e[i] + (s62_i128)m[i] * me;
        d[i - 1] = (int64_t)((uint64_t)cd & S62_MASK);
        e[i - 1] = (int64_t)((uint64_t)ce & S62_MASK);
        cd >>= 62;
        ce >>= 62;
    }
    d[L - 1] = (int64_t)cd;
    e[L - 1] = (int64_t)ce;
}

/* 64-bit limbs (n of them, non-negative) <-> 62-bit signed limbs. */
MONT_INLINE void s62_from_u64(int64_t *out, const uint64_t *in, size_t n, size_t L)
{
    for (size_t i = 0; i < L; i++) {
        size_t bit = 62 * i, w = bit / 64, s = bit % 64;
        uint64_t lo = w < n ? in[w] >> s : 0;
        uint64_t hi = (s > 2 && w + 1 < n) ? in[w + 1] << (64 - s) : 0;
        out[i] = (int64_t)((lo | hi) & S62_MASK);
    }
}

/* Requires 0 <= x < 2^(64n) (caller normalises first). */
MONT_INLINE void s62_to_u64(uint64_t *out, const int64_t *in, size_t n, size_t L)
{
    for (size_t w = 0; w < n; w++) {
        size_t bit = 64 * w, i = bit / 62, s = bit % 62;
        uint64_t v = (uint64_t)in[i] >> s;
        if (i + 1 < L)
            v |= (uint64_t)in[i + 1] << (62 - s);
        if (s > 60 && i + 2 < L) /* a third limb supplies the top bits */
            v |= (uint64_t)in[i + 2] << (124 - s);
        out[w] = v;
    }
}

/* x := x + (m & mask) in 62-bit limbs, then renormalise carries. */
MONT_INLINE void s62_cond_add(int64_t *x, const int64_t *m, int64_t mask, size_t L)
{
    int64_t c = 0;
    for (size_t i = 0; i + 1 < L; i++) {
        c += x[i] + (m[i] & mask);
        x[i] = (int64_t)((uint64_t)c & S62_MASK);
        c >>= 62;
    }
    x[L - 1] += c + (m[L - 1] & mask);
}

MONT_INLINE void s62_cond_neg(int64_t *x, int64_t mask, size_t L)
{
    int64_t c = 0;
    for (size_t i = 0; i + 1 < L; i++) {
        c += (x[i] ^ mask) - mask;
        x[i] = (int64_t)((uint64_t)c & S62_MASK);
        c >>= 62;
    }
    x[L - 1] = ((x[L - 1] ^ mask) - mask) + c;
}

/* r := a^-1 (Montgomery in and out, 0 -> 0), constant time.  The divsteps
 * invert y = aR as a plain integer, giving a^-1 R^-1; two multiplications
 * by r2 = R^2 restore the Montgomery form.  m62 is m in 62-bit limbs,
 * minv = m^-1 mod 2^62, iters * 62 >= (49 * bits(m) + 80) / 17. */
MONT_INLINE void mont_inv_safegcd(uint64_t *r, const uint64_t *a, const uint64_t *m,
                                  uint64_t n0, const uint64_t *r2, const int64_t *m62,
                                  uint64_t minv, int iters, size_t n, size_t L)
{
    int64_t f[S62_LIMBS], g[S62_LIMBS], d[S62_LIMBS] = {0}, e[S62_LIMBS] = {0};
    uint64_t out[MONT_MAX_LIMBS];
    int64_t eta = -1;
    for (size_t i = 0; i < L; i++)
        f[i] = m62[i];
    s62_from_u64(g, a, n, L);
    e[0] = 1;
    for (int it = 0; it < iters; it++) {
        s62_matrix t;
        eta = s62_divsteps(eta, (uint64_t)f[0] | ((uint64_t)f[1] << 62),
                           (uint64_t)g[0] | ((uint64_t)g[1] << 62), &t);
        s62_update_de(d, e, &t, m62, minv, L);
        s62_update_fg(f, g, &t, L);
    }
    /* Now g = 0 and f = +-1 (f = m, d = 0 for a = 0): the inverse is d * f. */
    s62_cond_add(d, m62, d[L - 1] >> 63, L); /* (-2m, m) -> (-m, m) */
    s62_cond_neg(d, f[L - 1] >> 63, L);
    s62_cond_add(d, m62, d[L - 1] >> 63, L); /* -> [0, m) */
    s62_to_u64(out, d, n, L);
    mont_mul(r, r2, out, m, n0, n); /* a^-1 R^-1 R^2 / R = a^-1 */
    mont_mul(r, r2, r, m, n0, n);   /* a^-1 R */
}

/* Multiplication callback for mont_pow: r := a * b (Montgomery), r may alias. */
typedef void (*mont_mul_fn)(uint64_t *r, const uint64_t *a, const uint64_t *b);

/* r := a^e (Montgomery in, Montgomery out) for a public exponent e of el
 * little-endian limbs, with the field's fastest multiplication passed in
 * (squaring is mul(x, x)).  Fixed 4-bit windows: the sequence of operations
 * depends only on e, never on a.  one is R mod m. */
MONT_INLINE void mont_pow(uint64_t *r, const uint64_t *a, const uint64_t *e, size_t el,
                          const uint64_t *one, size_t n, mont_mul_fn mul)
{
    uint64_t tab[16][MONT_MAX_LIMBS], acc[MONT_MAX_LIMBS];
    for (size_t i = 0; i < n; i++) {
        tab[0][i] = one[i];
        tab[1][i] = a[i];
        acc[i] = one[i];
    }
    for (size_t k = 2; k < 16; k++)
        mul(tab[k], tab[k - 1], a);
    int started = 0;
    for (size_t w = el * 16; w-- > 0;) {
        unsigned nib = (unsigned)(e[w / 16] >> (4 * (w % 16))) & 15;
        if (started) {
            for (int s = 0; s < 4; s++)
                mul(acc, acc, acc);
            if (nib)
                mul(acc, acc, tab[nib]);
        } else if (nib) {
            for (size_t i = 0; i < n; i++)
                acc[i] = tab[nib][i];
            started = 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        r[i] = acc[i];
}

#endif
