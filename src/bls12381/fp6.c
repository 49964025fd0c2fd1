/* Fp6 = Fp2[v]/(v^3 - xi), xi = 1 + u: the middle of the pairing tower.
 * Karatsuba/Toom-style products in Fp2 operations; constant time. */
#include "internal/fp6.h"

const bls_fp6_t BLS_FP6_ZERO = {{{{0}}, {{0}}}, {{{0}}, {{0}}}, {{{0}}, {{0}}}};
const bls_fp6_t BLS_FP6_ONE = {{BLS_FP_ONE_INIT, {{0}}}, {{{0}}, {{0}}}, {{{0}}, {{0}}}};

/* Frobenius constants, in Montgomery form, generated with Python big ints:
 *   v^(p^k) = v * (v^3)^((p^k - 1)/3) = v * xi^((p^k - 1)/3), so
 *   FROB6_V[k]  = xi^((p^k - 1)/3)      (multiplies the v coefficient),
 *   FROB6_V2[k] = xi^(2(p^k - 1)/3)     (multiplies the v^2 coefficient),
 *   FROB12_W[k] = xi^((p^k - 1)/6)      (w^(p^k) = w * xi^((p^k-1)/6), used by fp12.c).
 * The exponents are integers because p = 1 mod 6.  Script:
 *   def f2pow(a, e): square-and-multiply with (a0,a1)(b0,b1) = (a0b0 - a1b1, a0b1 + a1b0) mod p
 *   for k: z = f2pow((1, 1), m * (p**k - 1) // d); print(z0 * 2**384 % p, z1 * 2**384 % p) */
static const bls_fp2_t FROB6_V[6] = {
    /* k = 0 */ {{{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL, 0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 1 */ {{{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}},
     {{0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL, 0x8eb60ebe01bacb9eULL, 0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL}}},
    /* k = 2 */ {{{0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL, 0xc26a2ff874fd029bULL, 0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 3 */ {{{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}},
     {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL, 0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}}},
    /* k = 4 */ {{{0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL, 0x8eb60ebe01bacb9eULL, 0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 5 */ {{{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}},
     {{0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL, 0xc26a2ff874fd029bULL, 0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL}}},
};
static const bls_fp2_t FROB6_V2[6] = {
    /* k = 0 */ {{{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL, 0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 1 */ {{{0x890dc9e4867545c3ULL, 0x2af322533285a5d5ULL, 0x50880866309b7e2cULL, 0xa20d1b8c7e881024ULL, 0x14e4f04fe2db9068ULL, 0x14e56d3f1564853aULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 2 */ {{{0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL, 0x8eb60ebe01bacb9eULL, 0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 3 */ {{{0x43f5fffffffcaaaeULL, 0x32b7fff2ed47fffdULL, 0x07e83a49a2e99d69ULL, 0xeca8f3318332bb7aULL, 0xef148d1ea0f4c069ULL, 0x040ab3263eff0206ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 4 */ {{{0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL, 0xc26a2ff874fd029bULL, 0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 5 */ {{{0xecfb361b798dba3aULL, 0xc100ddb891865a2cULL, 0x0ec08ff1232bda8eULL, 0xd5c13cc6f1ca4721ULL, 0x47222a47bf7b5c04ULL, 0x0110f184e51c5f59ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
};

void bls_fp6_add(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp6_t *b)
{
    bls_fp2_add(&r->c0, &a->c0, &b->c0);
    bls_fp2_add(&r->c1, &a->c1, &b->c1);
    bls_fp2_add(&r->c2, &a->c2, &b->c2);
}

void bls_fp6_sub(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp6_t *b)
{
    bls_fp2_sub(&r->c0, &a->c0, &b->c0);
    bls_fp2_sub(&r->c1, &a->c1, &b->c1);
    bls_fp2_sub(&r->c2, &a->c2, &b->c2);
}

void bls_fp6_neg(bls_fp6_t *r, const bls_fp6_t *a)
{
    bls_fp2_neg(&r->c0, &a->c0);
    bls_fp2_neg(&r->c1, &a->c1);
    bls_fp2_neg(&r->c2, &a->c2);
}

/* Karatsuba over three coefficients: 6 Fp2 products instead of 9.
 *   c0 = t0 + xi((a1+a2)(b1+b2) - t1 - t2)
 *   c1 = (a0+a1)(b0+b1) - t0 - t1 + xi t2
 *   c2 = (a0+a2)(b0+b2) - t0 - t2 + t1        with ti = ai bi */
void bls_fp6_mul(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp6_t *b)
{
    bls_fp2_t t0, t1, t2, s, u, c0, c1, c2;
    bls_fp2_mul(&t0, &a->c0, &b->c0);
    bls_fp2_mul(&t1, &a->c1, &b->c1);
    bls_fp2_mul(&t2, &a->c2, &b->c2);

    bls_fp2_add(&s, &a->c1, &a->c2);
    bls_fp2_add(&u, &b->c1, &b->c2);
    bls_fp2_mul(&c0, &s, &u);
    bls_fp2_sub(&c0, &c0, &t1);
    bls_fp2_sub(&c0, &c0, &t2);
    bls_fp2_mul_by_nonresidue(&c0, &c0);
    bls_fp2_add(&c0, &c0, &t0);

    bls_fp2_add(&s, &a->c0, &a->c1);
    bls_fp2_add(&u, &b->c0, &b->c1);
    bls_fp2_mul(&c1, &s, &u);
    bls_fp2_sub(&c1, &c1, &t0);
    bls_fp2_sub(&c1, &c1, &t1);
    bls_fp2_mul_by_nonresidue(&s, &t2);
    bls_fp2_add(&c1, &c1, &s);

    bls_fp2_add(&s, &a->c0, &a->c2);
    bls_fp2_add(&u, &b->c0, &b->c2);
    bls_fp2_mul(&c2, &s, &u);
    bls_fp2_sub(&c2, &c2, &t0);
    bls_fp2_sub(&c2, &c2, &t2);
    bls_fp2_add(&c2, &c2, &t1);

    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* Chung-Hasan SQR2: 3 squarings and 2 products in Fp2.
 *   s0 = a0^2, s1 = 2 a0 a1, s2 = (a0 - a1 + a2)^2, s3 = 2 a1 a2, s4 = a2^2
 *   c0 = s0 + xi s3, c1 = s1 + xi s4, c2 = s1 + s2 + s3 - s0 - s4 */
void bls_fp6_sqr(bls_fp6_t *r, const bls_fp6_t *a)
{
    bls_fp2_t s0, s1, s2, s3, s4, t;
    bls_fp2_sqr(&s0, &a->c0);
    bls_fp2_mul(&s1, &a->c0, &a->c1);
    bls_fp2_dbl(&s1, &s1);
    bls_fp2_sub(&s2, &a->c0, &a->c1);
    bls_fp2_add(&s2, &s2, &a->c2);
    bls_fp2_sqr(&s2, &s2);
    bls_fp2_mul(&s3, &a->c1, &a->c2);
    bls_fp2_dbl(&s3, &s3);
    bls_fp2_sqr(&s4, &a->c2);

    bls_fp2_add(&r->c2, &s1, &s2);
    bls_fp2_add(&r->c2, &r->c2, &s3);
    bls_fp2_sub(&r->c2, &r->c2, &s0);
    bls_fp2_sub(&r->c2, &r->c2, &s4);
    bls_fp2_mul_by_nonresidue(&t, &s3);
    bls_fp2_add(&r->c0, &s0, &t);
    bls_fp2_mul_by_nonresidue(&t, &s4);
    bls_fp2_add(&r->c1, &s1, &t);
}

/* (c0 + c1 v + c2 v^2) v = xi c2 + c0 v + c1 v^2 */
void bls_fp6_mul_by_nonresidue(bls_fp6_t *r, const bls_fp6_t *a)
{
    bls_fp2_t t;
    bls_fp2_mul_by_nonresidue(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

void bls_fp6_mul_by_fp2(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp2_t *b)
{
    bls_fp2_mul(&r->c0, &a->c0, b);
    bls_fp2_mul(&r->c1, &a->c1, b);
    bls_fp2_mul(&r->c2, &a->c2, b);
}

/* a (b0 + b1 v): the Karatsuba formulas of bls_fp6_mul with b2 = 0, 5 products.
 *   c0 = a0 b0 + xi a2 b1
 *   c1 = (a0+a1)(b0+b1) - a0 b0 - a1 b1
 *   c2 = a2 b0 + a1 b1 */
void bls_fp6_mul_by_01(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp2_t *b0, const bls_fp2_t *b1)
{
    bls_fp2_t t0, t1, s, u, c0, c1, c2;
    bls_fp2_mul(&t0, &a->c0, b0);
    bls_fp2_mul(&t1, &a->c1, b1);

    bls_fp2_mul(&c0, &a->c2, b1);
    bls_fp2_mul_by_nonresidue(&c0, &c0);
    bls_fp2_add(&c0, &c0, &t0);

    bls_fp2_add(&s, &a->c0, &a->c1);
    bls_fp2_add(&u, b0, b1);
    bls_fp2_mul(&c1, &s, &u);
    bls_fp2_sub(&c1, &c1, &t0);
    bls_fp2_sub(&c1, &c1, &t1);

    bls_fp2_mul(&c2, &a->c2, b0);
    bls_fp2_add(&c2, &c2, &t1);

    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* a (b1 v) = xi a2 b1 + a0 b1 v + a1 b1 v^2 */
void bls_fp6_mul_by_1(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp2_t *b1)
{
    bls_fp2_t c0, c1, c2;
    bls_fp2_mul(&c0, &a->c2, b1);
    bls_fp2_mul_by_nonresidue(&c0, &c0);
    bls_fp2_mul(&c1, &a->c0, b1);
    bls_fp2_mul(&c2, &a->c1, b1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* Inverse through the norm to Fp2: with
 *   A = a0^2 - xi a1 a2, B = xi a2^2 - a0 a1, C = a1^2 - a0 a2,
 * a (A + B v + C v^2) = F = a0 A + xi (a2 B + a1 C) lies in Fp2, so
 * 1/a = (A + B v + C v^2) / F.  F = 0 only for a = 0, giving 0. */
void bls_fp6_inv(bls_fp6_t *r, const bls_fp6_t *a)
{
    bls_fp2_t A, B, C, F, t;
    bls_fp2_sqr(&A, &a->c0);
    bls_fp2_mul(&t, &a->c1, &a->c2);
    bls_fp2_mul_by_nonresidue(&t, &t);
    bls_fp2_sub(&A, &A, &t);

    bls_fp2_sqr(&B, &a->c2);
    bls_fp2_mul_by_nonresidue(&B, &B);
    bls_fp2_mul(&t, &a->c0, &a->c1);
    bls_fp2_sub(&B, &B, &t);

    bls_fp2_sqr(&C, &a->c1);
    bls_fp2_mul(&t, &a->c0, &a->c2);
    bls_fp2_sub(&C, &C, &t);

    bls_fp2_mul(&F, &a->c2, &B);
    bls_fp2_mul(&t, &a->c1, &C);
    bls_fp2_add(&F, &F, &t);
    bls_fp2_mul_by_nonresidue(&F, &F);
    bls_fp2_mul(&t, &a->c0, &A);
    bls_fp2_add(&F, &F, &t);
    bls_fp2_inv(&F, &F);

    bls_fp2_mul(&r->c0, &A, &F);
    bls_fp2_mul(&r->c1, &B, &F);
    bls_fp2_mul(&r->c2, &C, &F);
}

/* a^(p^k) = frob(a0) + frob(a1) FROB6_V[k] v + frob(a2) FROB6_V2[k] v^2,
 * where frob on Fp2 is conjugation for odd k.  k is public. */
void bls_fp6_frobenius(bls_fp6_t *r, const bls_fp6_t *a, unsigned power)
{
    unsigned k = power % 6;
    bls_fp6_t t = *a;
    if (k & 1) {
        bls_fp2_conj(&t.c0, &t.c0);
        bls_fp2_conj(&t.c1, &t.c1);
        bls_fp2_conj(&t.c2, &t.c2);
    }
    bls_fp2_mul(&r->c1, &t.c1, &FROB6_V[k]);
    bls_fp2_mul(&r->c2, &t.c2, &FROB6_V2[k]);
    r->c0 = t.c0;
}

uint64_t bls_fp6_is_zero(const bls_fp6_t *a)
{
    return bls_fp2_is_zero(&a->c0) & bls_fp2_is_zero(&a->c1) & bls_fp2_is_zero(&a->c2);
}

uint64_t bls_fp6_equal(const bls_fp6_t *a, const bls_fp6_t *b)
{
    return bls_fp2_equal(&a->c0, &b->c0) & bls_fp2_equal(&a->c1, &b->c1) & bls_fp2_equal(&a->c2, &b->c2);
}

void bls_fp6_cmov(bls_fp6_t *r, const bls_fp6_t *a, uint64_t cond)
{
    _Static_assert(sizeof(bls_fp6_t) == 6 * sizeof(bls_fp_t), "fp6_t is six Fp elements");
    bls_fp_cmov_n(&r->c0.c0, &a->c0.c0, 6, cond);
}
