/* Fp2 = Fp[u]/(u^2 + 1), the field of G2 coordinates and the bottom of the
 * pairing tower.  Constant time except the _vartime functions. */
#include "internal/fp2.h"

#include "internal/fp_wide.h"
#include "internal/mont.h"

const bls_fp2_t BLS_FP2_ZERO = {{{0}}, {{0}}};
const bls_fp2_t BLS_FP2_ONE = {BLS_FP_ONE_INIT, {{0}}};

/* (p - 3) / 4, the exponent of the square root below. */
static const uint64_t P_MINUS3_DIV4[BLS_FP_LIMBS] = {
    0xee7fbfffffffeaaaULL, 0x07aaffffac54ffffULL, 0xd9cc34a83dac3d89ULL,
    0xd91dd2e13ce144afULL, 0x92c6e9ed90d2eb35ULL, 0x0680447a8e5ff9a6ULL};

void bls_fp2_add(bls_fp2_t *r, const bls_fp2_t *a, const bls_fp2_t *b)
{
    bls_fp_add(&r->c0, &a->c0, &b->c0);
    bls_fp_add(&r->c1, &a->c1, &b->c1);
}

void bls_fp2_sub(bls_fp2_t *r, const bls_fp2_t *a, const bls_fp2_t *b)
{
    bls_fp_sub(&r->c0, &a->c0, &b->c0);
    bls_fp_sub(&r->c1, &a->c1, &b->c1);
}

void bls_fp2_dbl(bls_fp2_t *r, const bls_fp2_t *a)
{
    bls_fp_dbl(&r->c0, &a->c0);
    bls_fp_dbl(&r->c1, &a->c1);
}

void bls_fp2_neg(bls_fp2_t *r, const bls_fp2_t *a)
{
    bls_fp_neg(&r->c0, &a->c0);
    bls_fp_neg(&r->c1, &a->c1);
}

void bls_fp2_conj(bls_fp2_t *r, const bls_fp2_t *a)
{
    r->c0 = a->c0;
    bls_fp_neg(&r->c1, &a->c1);
}

/* Karatsuba with lazy reduction: three double-width products and only two
 * Montgomery reductions (instead of three full multiplications).
 *   c0 = REDC(a0 b0 - a1 b1), adding p^2 if the difference is negative;
 *   c1 = REDC((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) = REDC(a0 b1 + a1 b0).
 * The sums a0 + a1, b0 + b1 are left unreduced (< 2p < 2^382), so the
 * second difference is exact and < 2p^2; both REDC inputs are < p 2^384. */
void bls_fp2_mul(bls_fp2_t *r, const bls_fp2_t *a, const bls_fp2_t *b)
{
    uint64_t sa[BLS_FP_LIMBS], sb[BLS_FP_LIMBS], fix[FP_WIDE_LIMBS];
    uint64_t t0[FP_WIDE_LIMBS], t1[FP_WIDE_LIMBS], t2[FP_WIDE_LIMBS];
    (void)mont_add_raw(sa, a->c0.l, a->c1.l, BLS_FP_LIMBS);
    (void)mont_add_raw(sb, b->c0.l, b->c1.l, BLS_FP_LIMBS);
    bls_fp_mul_wide(t0, a->c0.l, b->c0.l);
    bls_fp_mul_wide(t1, a->c1.l, b->c1.l);
    bls_fp_mul_wide(t2, sa, sb);
    (void)mont_sub_raw(t2, t2, t0, FP_WIDE_LIMBS);
    (void)mont_sub_raw(t2, t2, t1, FP_WIDE_LIMBS);
    uint64_t neg = mont_mask(mont_sub_raw(t0, t0, t1, FP_WIDE_LIMBS));
    for (size_t i = 0; i < FP_WIDE_LIMBS; i++)
        fix[i] = BLS_FP_P_SQUARED[i] & neg;
    (void)mont_add_raw(t0, t0, fix, FP_WIDE_LIMBS);
    bls_fp_redc(&r->c0, t0);
    bls_fp_redc(&r->c1, t2);
}

/* Complex squaring: (a0 + a1 u)^2 = (a0+a1)(a0-a1) + 2 a0 a1 u, two
 * products.  The factors a0 + a1 and a1 + a1 are left unreduced (< 2p):
 * bls_fp_mul accepts that (see fp_wide.h), saving two modular corrections. */
void bls_fp2_sqr(bls_fp2_t *r, const bls_fp2_t *a)
{
    bls_fp_t s, d, t;
    (void)mont_add_raw(s.l, a->c0.l, a->c1.l, BLS_FP_LIMBS);
    (void)mont_add_raw(t.l, a->c1.l, a->c1.l, BLS_FP_LIMBS);
    bls_fp_sub(&d, &a->c0, &a->c1);
    bls_fp_mul(&r->c1, &a->c0, &t);
    bls_fp_mul(&r->c0, &s, &d);
}

void bls_fp2_mul_fp(bls_fp2_t *r, const bls_fp2_t *a, const bls_fp_t *b)
{
    bls_fp_mul(&r->c0, &a->c0, b);
    bls_fp_mul(&r->c1, &a->c1, b);
}

/* (a0 + a1 u)(1 + u) = (a0 - a1) + (a0 + a1) u */
void bls_fp2_mul_by_nonresidue(bls_fp2_t *r, const bls_fp2_t *a)
{
    bls_fp_t t;
    bls_fp_sub(&t, &a->c0, &a->c1);
    bls_fp_add(&r->c1, &a->c0, &a->c1);
    r->c0 = t;
}

/* 1/a = conj(a) / N(a) with N(a) = a0^2 + a1^2 in Fp; N(0) = 0 and
 * bls_fp_inv(0) = 0 give 1/0 = 0. */
static void fp2_inv_with(bls_fp2_t *r, const bls_fp2_t *a, void (*inv)(bls_fp_t *, const bls_fp_t *))
{
    bls_fp_t n, t;
    bls_fp_sqr(&n, &a->c0);
    bls_fp_sqr(&t, &a->c1);
    bls_fp_add(&n, &n, &t);
    inv(&n, &n);
    bls_fp_mul(&r->c0, &a->c0, &n);
    bls_fp_mul(&t, &a->c1, &n);
    bls_fp_neg(&r->c1, &t);
}

void bls_fp2_inv(bls_fp2_t *r, const bls_fp2_t *a) { fp2_inv_with(r, a, bls_fp_inv); }
void bls_fp2_inv_vartime(bls_fp2_t *r, const bls_fp2_t *a) { fp2_inv_with(r, a, bls_fp_inv_vartime); }

/* Public exponent, 4-bit fixed windows: the operation sequence depends only
 * on e, so this is constant time in a (used by bls_fp2_sqrt with fixed e). */
void bls_fp2_pow_vartime(bls_fp2_t *r, const bls_fp2_t *a, const uint64_t *e, size_t limbs)
{
    bls_fp2_t tab[16], acc = BLS_FP2_ONE;
    tab[0] = BLS_FP2_ONE;
    tab[1] = *a;
    for (int k = 2; k < 16; k++)
        bls_fp2_mul(&tab[k], &tab[k - 1], a);
    int started = 0;
    for (size_t w = limbs * 16; w-- > 0;) {
        unsigned nib = (unsigned)(e[w / 16] >> (4 * (w % 16))) & 15;
        if (started) {
            for (int s = 0; s < 4; s++)
                bls_fp2_sqr(&acc, &acc);
            if (nib)
                bls_fp2_mul(&acc, &acc, &tab[nib]);
        } else if (nib) {
            acc = tab[nib];
            started = 1;
        }
    }
    *r = acc;
}

/* Square root through the norm ("complex method"), which needs two Fp
 * exponentiations instead of the two Fp2 exponentiations of Algorithm 9 of
 * Adj and Rodriguez-Henriquez (about 2.5x faster here).  For a = a0 + a1 u:
 *   lambda = sqrt(a0^2 + a1^2)  (in Fp; exists iff a is a square in Fp2),
 *   d = (a0 + lambda)/2, or (a0 - lambda)/2 when that is 0 (a1 = 0 cases),
 *   t = d^((p-3)/4), s = d t^2 = d^((p-1)/2) = +-1.
 * If d is a square (s = 1):  t^2 = 1/d, x = d t + (a1 t / 2) u.
 * Otherwise -d is a square and t^2 = -1/d (p = 3 mod 8 makes (p-3)/4 even,
 * so (-d)^((p-3)/4) = t):  x = a1 t / 2 - (d t) u.
 * Both follow from 4 d^2 - a1^2 = 4 a0 d; both candidates are computed and
 * one is chosen by cmov.  The final x^2 == a check rejects non-squares. */
static const bls_fp_t FP_HALF = {{ /* 1/2 = (p+1)/2, Montgomery form */
    0x1804000000015554ULL, 0x855000053ab00001ULL, 0x633cb57c253c276fULL,
    0x6e22d1ec31ebb502ULL, 0xd3916126f2d14ca2ULL, 0x17fbb8571a006596ULL}};

int bls_fp2_sqrt(bls_fp2_t *r, const bls_fp2_t *a)
{
    bls_fp_t n, t, lam, d, d2, s, dt, at, m1, ndt;
    bls_fp2_t x, chk;
    bls_fp_sqr(&n, &a->c0);
    bls_fp_sqr(&t, &a->c1);
    bls_fp_add(&n, &n, &t);
    (void)bls_fp_sqrt(&lam, &n); /* a non-square norm is caught by the final check */

    bls_fp_add(&d, &a->c0, &lam);
    bls_fp_mul(&d, &d, &FP_HALF);
    bls_fp_sub(&d2, &a->c0, &lam);
    bls_fp_mul(&d2, &d2, &FP_HALF);
    bls_fp_cmov(&d, &d2, bls_fp_is_zero(&d));

    bls_fp_pow_vartime(&t, &d, P_MINUS3_DIV4, BLS_FP_LIMBS);
    bls_fp_sqr(&s, &t);
    bls_fp_mul(&s, &s, &d);
    bls_fp_neg(&m1, &BLS_FP_ONE);
    uint64_t nonsq = bls_fp_equal(&s, &m1);

    bls_fp_mul(&dt, &d, &t);
    bls_fp_mul(&at, &a->c1, &t);
    bls_fp_mul(&at, &at, &FP_HALF);
    bls_fp_neg(&ndt, &dt);
    x.c0 = dt;
    x.c1 = at;
    bls_fp_cmov(&x.c0, &at, nonsq);
    bls_fp_cmov(&x.c1, &ndt, nonsq);

    bls_fp2_sqr(&chk, &x);
    *r = x;
    return (int)bls_fp2_equal(&chk, a);
}

/* a is a square in Fp2 iff its norm a0^2 + a1^2 is a square in Fp (the norm
 * is a surjective homomorphism Fp2* -> Fp* mapping squares onto squares). */
int bls_fp2_is_square(const bls_fp2_t *a)
{
    bls_fp_t n, t;
    bls_fp_sqr(&n, &a->c0);
    bls_fp_sqr(&t, &a->c1);
    bls_fp_add(&n, &n, &t);
    return bls_fp_is_square(&n);
}

uint64_t bls_fp2_is_zero(const bls_fp2_t *a) { return bls_fp_is_zero(&a->c0) & bls_fp_is_zero(&a->c1); }
uint64_t bls_fp2_is_one(const bls_fp2_t *a) { return bls_fp_is_one(&a->c0) & bls_fp_is_zero(&a->c1); }

uint64_t bls_fp2_equal(const bls_fp2_t *a, const bls_fp2_t *b)
{
    return bls_fp_equal(&a->c0, &b->c0) & bls_fp_equal(&a->c1, &b->c1);
}

void bls_fp2_cmov(bls_fp2_t *r, const bls_fp2_t *a, uint64_t cond)
{
    _Static_assert(sizeof(bls_fp2_t) == 2 * sizeof(bls_fp_t), "fp2_t is two Fp elements");
    bls_fp_cmov_n(&r->c0, &a->c0, 2, cond);
}

/* RFC 9380 §4.1: sgn0(x0) OR (x0 == 0 AND sgn0(x1)). */
uint64_t bls_fp2_sgn0(const bls_fp2_t *a)
{
    return bls_fp_sgn0(&a->c0) | (bls_fp_is_zero(&a->c0) & bls_fp_sgn0(&a->c1));
}

uint64_t bls_fp2_is_lexically_largest(const bls_fp2_t *a)
{
    uint64_t z1 = bls_fp_is_zero(&a->c1);
    return (bls_fp_is_lexically_largest(&a->c1) & (z1 ^ 1)) | (bls_fp_is_lexically_largest(&a->c0) & z1);
}
