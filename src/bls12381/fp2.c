/* Fp2 = Fp[u]/(u^2 + 1), the field of G2 coordinates and the bottom of the
 * pairing tower.  Constant time except the _vartime functions. */
#include "fp2.h"

const fp2_t FP2_ZERO = {{{0}}, {{0}}};
const fp2_t FP2_ONE = {FP_ONE_INIT, {{0}}};

/* (p - 3) / 4 and (p - 1) / 2, the exponents of the square root below. */
static const uint64_t P_MINUS3_DIV4[FP_LIMBS] = {
    0xee7fbfffffffeaaaULL, 0x07aaffffac54ffffULL, 0xd9cc34a83dac3d89ULL,
    0xd91dd2e13ce144afULL, 0x92c6e9ed90d2eb35ULL, 0x0680447a8e5ff9a6ULL};
static const uint64_t P_HALF[FP_LIMBS] = {
    0xdcff7fffffffd555ULL, 0x0f55ffff58a9ffffULL, 0xb39869507b587b12ULL,
    0xb23ba5c279c2895fULL, 0x258dd3db21a5d66bULL, 0x0d0088f51cbff34dULL};

void fp2_add(fp2_t *r, const fp2_t *a, const fp2_t *b)
{
    fp_add(&r->c0, &a->c0, &b->c0);
    fp_add(&r->c1, &a->c1, &b->c1);
}

void fp2_sub(fp2_t *r, const fp2_t *a, const fp2_t *b)
{
    fp_sub(&r->c0, &a->c0, &b->c0);
    fp_sub(&r->c1, &a->c1, &b->c1);
}

void fp2_dbl(fp2_t *r, const fp2_t *a)
{
    fp_dbl(&r->c0, &a->c0);
    fp_dbl(&r->c1, &a->c1);
}

void fp2_neg(fp2_t *r, const fp2_t *a)
{
    fp_neg(&r->c0, &a->c0);
    fp_neg(&r->c1, &a->c1);
}

void fp2_conj(fp2_t *r, const fp2_t *a)
{
    r->c0 = a->c0;
    fp_neg(&r->c1, &a->c1);
}

/* Karatsuba: three base multiplications instead of four.
 * (a0 + a1 u)(b0 + b1 u) = (a0 b0 - a1 b1) + ((a0+a1)(b0+b1) - a0 b0 - a1 b1) u */
void fp2_mul(fp2_t *r, const fp2_t *a, const fp2_t *b)
{
    fp_t t0, t1, sa, sb;
    fp_mul(&t0, &a->c0, &b->c0);
    fp_mul(&t1, &a->c1, &b->c1);
    fp_add(&sa, &a->c0, &a->c1);
    fp_add(&sb, &b->c0, &b->c1);
    fp_mul(&sa, &sa, &sb);
    fp_sub(&r->c0, &t0, &t1);
    fp_sub(&sa, &sa, &t0);
    fp_sub(&r->c1, &sa, &t1);
}

/* Complex squaring: (a0 + a1 u)^2 = (a0+a1)(a0-a1) + 2 a0 a1 u, two products. */
void fp2_sqr(fp2_t *r, const fp2_t *a)
{
    fp_t s, d, m;
    fp_add(&s, &a->c0, &a->c1);
    fp_sub(&d, &a->c0, &a->c1);
    fp_mul(&m, &a->c0, &a->c1);
    fp_mul(&r->c0, &s, &d);
    fp_dbl(&r->c1, &m);
}

void fp2_mul_fp(fp2_t *r, const fp2_t *a, const fp_t *b)
{
    fp_mul(&r->c0, &a->c0, b);
    fp_mul(&r->c1, &a->c1, b);
}

/* (a0 + a1 u)(1 + u) = (a0 - a1) + (a0 + a1) u */
void fp2_mul_by_nonresidue(fp2_t *r, const fp2_t *a)
{
    fp_t t;
    fp_sub(&t, &a->c0, &a->c1);
    fp_add(&r->c1, &a->c0, &a->c1);
    r->c0 = t;
}

/* 1/a = conj(a) / N(a) with N(a) = a0^2 + a1^2 in Fp; N(0) = 0 and
 * fp_inv(0) = 0 give 1/0 = 0. */
static void fp2_inv_with(fp2_t *r, const fp2_t *a, void (*inv)(fp_t *, const fp_t *))
{
    fp_t n, t;
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    inv(&n, &n);
    fp_mul(&r->c0, &a->c0, &n);
    fp_mul(&t, &a->c1, &n);
    fp_neg(&r->c1, &t);
}

void fp2_inv(fp2_t *r, const fp2_t *a) { fp2_inv_with(r, a, fp_inv); }
void fp2_inv_vartime(fp2_t *r, const fp2_t *a) { fp2_inv_with(r, a, fp_inv_vartime); }

/* Public exponent, 4-bit fixed windows: the operation sequence depends only
 * on e, so this is constant time in a (used by fp2_sqrt with fixed e). */
void fp2_pow_vartime(fp2_t *r, const fp2_t *a, const uint64_t *e, size_t limbs)
{
    fp2_t tab[16], acc = FP2_ONE;
    tab[0] = FP2_ONE;
    tab[1] = *a;
    for (int k = 2; k < 16; k++)
        fp2_mul(&tab[k], &tab[k - 1], a);
    int started = 0;
    for (size_t w = limbs * 16; w-- > 0;) {
        unsigned nib = (unsigned)(e[w / 16] >> (4 * (w % 16))) & 15;
        if (started) {
            for (int s = 0; s < 4; s++)
                fp2_sqr(&acc, &acc);
            if (nib)
                fp2_mul(&acc, &acc, &tab[nib]);
        } else if (nib) {
            acc = tab[nib];
            started = 1;
        }
    }
    *r = acc;
}

/* Square root for p = 3 mod 4: Algorithm 9 of Adj and Rodriguez-Henriquez,
 * "Square root computation over even extension fields" (ePrint 2012/685),
 * with both of its branches computed and the result chosen by cmov:
 *   a1 = a^((p-3)/4), alpha = a1^2 a (= a^((p-1)/2)), x0 = a1 a (= a^((p+1)/4));
 *   if alpha = -1, x = u x0; else x = (1 + alpha)^((p-1)/2) x0.
 * The candidate is then squared and compared, which also rejects
 * non-squares (for which alpha^(p+1) = -1 and the formula is meaningless). */
int fp2_sqrt(fp2_t *r, const fp2_t *a)
{
    fp2_t a1, alpha, x0, xu, b, x, chk, minus_one;
    fp2_pow_vartime(&a1, a, P_MINUS3_DIV4, FP_LIMBS);
    fp2_sqr(&alpha, &a1);
    fp2_mul(&alpha, &alpha, a);
    fp2_mul(&x0, &a1, a);

    fp2_neg(&minus_one, &FP2_ONE);
    uint64_t is_m1 = fp2_equal(&alpha, &minus_one);

    /* u (x0 + x1 u) = -x1 + x0 u */
    fp_neg(&xu.c0, &x0.c1);
    xu.c1 = x0.c0;

    fp2_add(&b, &alpha, &FP2_ONE);
    fp2_pow_vartime(&b, &b, P_HALF, FP_LIMBS);
    fp2_mul(&x, &b, &x0);
    fp2_cmov(&x, &xu, is_m1);

    fp2_sqr(&chk, &x);
    *r = x;
    return (int)fp2_equal(&chk, a);
}

/* a is a square in Fp2 iff its norm a0^2 + a1^2 is a square in Fp (the norm
 * is a surjective homomorphism Fp2* -> Fp* mapping squares onto squares). */
int fp2_is_square(const fp2_t *a)
{
    fp_t n, t;
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    return fp_is_square(&n);
}

uint64_t fp2_is_zero(const fp2_t *a) { return fp_is_zero(&a->c0) & fp_is_zero(&a->c1); }
uint64_t fp2_is_one(const fp2_t *a) { return fp_is_one(&a->c0) & fp_is_zero(&a->c1); }

uint64_t fp2_equal(const fp2_t *a, const fp2_t *b)
{
    return fp_equal(&a->c0, &b->c0) & fp_equal(&a->c1, &b->c1);
}

void fp2_cmov(fp2_t *r, const fp2_t *a, uint64_t cond)
{
    fp_cmov(&r->c0, &a->c0, cond);
    fp_cmov(&r->c1, &a->c1, cond);
}

/* RFC 9380 §4.1: sgn0(x0) OR (x0 == 0 AND sgn0(x1)). */
uint64_t fp2_sgn0(const fp2_t *a)
{
    return fp_sgn0(&a->c0) | (fp_is_zero(&a->c0) & fp_sgn0(&a->c1));
}

uint64_t fp2_is_lexically_largest(const fp2_t *a)
{
    uint64_t z1 = fp_is_zero(&a->c1);
    return (fp_is_lexically_largest(&a->c1) & (z1 ^ 1)) | (fp_is_lexically_largest(&a->c0) & z1);
}
