/* Fp12 = Fp6[w]/(w^2 - v), the pairing target field: Karatsuba products,
 * complex squaring, the sparse line product of the Miller loop and
 * Frobenius maps.  Constant time except the _vartime functions. */
#include "internal/fp12.h"

const bls_fp12_t BLS_FP12_ONE = {{{BLS_FP_ONE_INIT, {{0}}}, {{{0}}, {{0}}}, {{{0}}, {{0}}}},
                         {{{{0}}, {{0}}}, {{{0}}, {{0}}}, {{{0}}, {{0}}}}};

/* FROB12_W[k] = xi^((p^k - 1)/6), so that w^(p^k) = w * FROB12_W[k]; generated
 * with Python big ints the same way as the tables in fp6.c (Montgomery form). */
static const bls_fp2_t FROB12_W[12] = {
    /* k = 0 */ {{{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL, 0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 1 */ {{{0x07089552b319d465ULL, 0xc6695f92b50a8313ULL, 0x97e83cccd117228fULL, 0xa35baecab2dc29eeULL, 0x1ce393ea5daace4dULL, 0x08f2220fb0fb66ebULL}},
     {{0xb2f66aad4ce5d646ULL, 0x5842a06bfc497cecULL, 0xcf4895d42599d394ULL, 0xc11b9cba40a8e8d0ULL, 0x2e3813cbe5a0de89ULL, 0x110eefda88847fafULL}}},
    /* k = 2 */ {{{0xecfb361b798dba3aULL, 0xc100ddb891865a2cULL, 0x0ec08ff1232bda8eULL, 0xd5c13cc6f1ca4721ULL, 0x47222a47bf7b5c04ULL, 0x0110f184e51c5f59ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 3 */ {{{0x3e2f585da55c9ad1ULL, 0x4294213d86c18183ULL, 0x382844c88b623732ULL, 0x92ad2afd19103e18ULL, 0x1d794e4fac7cf0b9ULL, 0x0bd592fc7d825ec8ULL}},
     {{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL, 0xd1ca2087da74d4a7ULL, 0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}}},
    /* k = 4 */ {{{0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL, 0xc26a2ff874fd029bULL, 0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 5 */ {{{0x3726c30af242c66cULL, 0x7c2ac1aad1b6fe70ULL, 0xa04007fbba4b14a2ULL, 0xef517c3266341429ULL, 0x0095ba654ed2226bULL, 0x02e370eccc86f7ddULL}},
     {{0x82d83cf50dbce43fULL, 0xa2813e53df9d018fULL, 0xc6f0caa53c65e181ULL, 0x7525cf528d50fe95ULL, 0x4a85ed50f4798a6bULL, 0x171da0fd6cf8eebdULL}}},
    /* k = 6 */ {{{0x43f5fffffffcaaaeULL, 0x32b7fff2ed47fffdULL, 0x07e83a49a2e99d69ULL, 0xeca8f3318332bb7aULL, 0xef148d1ea0f4c069ULL, 0x040ab3263eff0206ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 7 */ {{{0xb2f66aad4ce5d646ULL, 0x5842a06bfc497cecULL, 0xcf4895d42599d394ULL, 0xc11b9cba40a8e8d0ULL, 0x2e3813cbe5a0de89ULL, 0x110eefda88847fafULL}},
     {{0x07089552b319d465ULL, 0xc6695f92b50a8313ULL, 0x97e83cccd117228fULL, 0xa35baecab2dc29eeULL, 0x1ce393ea5daace4dULL, 0x08f2220fb0fb66ebULL}}},
    /* k = 8 */ {{{0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL, 0x8eb60ebe01bacb9eULL, 0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 9 */ {{{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL, 0xd1ca2087da74d4a7ULL, 0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}},
     {{0x3e2f585da55c9ad1ULL, 0x4294213d86c18183ULL, 0x382844c88b623732ULL, 0x92ad2afd19103e18ULL, 0x1d794e4fac7cf0b9ULL, 0x0bd592fc7d825ec8ULL}}},
    /* k = 10 */ {{{0x890dc9e4867545c3ULL, 0x2af322533285a5d5ULL, 0x50880866309b7e2cULL, 0xa20d1b8c7e881024ULL, 0x14e4f04fe2db9068ULL, 0x14e56d3f1564853aULL}},
     {{0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL, 0x0000000000000000ULL}}},
    /* k = 11 */ {{{0x82d83cf50dbce43fULL, 0xa2813e53df9d018fULL, 0xc6f0caa53c65e181ULL, 0x7525cf528d50fe95ULL, 0x4a85ed50f4798a6bULL, 0x171da0fd6cf8eebdULL}},
     {{0x3726c30af242c66cULL, 0x7c2ac1aad1b6fe70ULL, 0xa04007fbba4b14a2ULL, 0xef517c3266341429ULL, 0x0095ba654ed2226bULL, 0x02e370eccc86f7ddULL}}},
};

/* Karatsuba: 3 Fp6 products.  c0 = a0 b0 + v a1 b1,
 * c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1. */
void bls_fp12_mul(bls_fp12_t *r, const bls_fp12_t *a, const bls_fp12_t *b)
{
    bls_fp6_t t0, t1, s, u;
    bls_fp6_mul(&t0, &a->c0, &b->c0);
    bls_fp6_mul(&t1, &a->c1, &b->c1);
    bls_fp6_add(&s, &a->c0, &a->c1);
    bls_fp6_add(&u, &b->c0, &b->c1);
    bls_fp6_mul(&s, &s, &u);
    bls_fp6_sub(&s, &s, &t0);
    bls_fp6_sub(&r->c1, &s, &t1);
    bls_fp6_mul_by_nonresidue(&t1, &t1);
    bls_fp6_add(&r->c0, &t0, &t1);
}

/* Complex squaring, 2 Fp6 products: with t = a0 a1,
 * c0 = (a0 + a1)(a0 + v a1) - t - v t, c1 = 2t. */
void bls_fp12_sqr(bls_fp12_t *r, const bls_fp12_t *a)
{
    bls_fp6_t t, s, u;
    bls_fp6_mul(&t, &a->c0, &a->c1);
    bls_fp6_add(&s, &a->c0, &a->c1);
    bls_fp6_mul_by_nonresidue(&u, &a->c1);
    bls_fp6_add(&u, &u, &a->c0);
    bls_fp6_mul(&s, &s, &u);
    bls_fp6_sub(&s, &s, &t);
    bls_fp6_mul_by_nonresidue(&u, &t);
    bls_fp6_sub(&r->c0, &s, &u);
    bls_fp6_add(&r->c1, &t, &t);
}

/* 1/(a0 + a1 w) = (a0 - a1 w) / (a0^2 - v a1^2); 1/0 = 0. */
void bls_fp12_inv(bls_fp12_t *r, const bls_fp12_t *a)
{
    bls_fp6_t t0, t1;
    bls_fp6_sqr(&t0, &a->c0);
    bls_fp6_sqr(&t1, &a->c1);
    bls_fp6_mul_by_nonresidue(&t1, &t1);
    bls_fp6_sub(&t0, &t0, &t1);
    bls_fp6_inv(&t0, &t0);
    bls_fp6_mul(&r->c0, &a->c0, &t0);
    bls_fp6_mul(&t1, &a->c1, &t0);
    bls_fp6_neg(&r->c1, &t1);
}

void bls_fp12_conj(bls_fp12_t *r, const bls_fp12_t *a)
{
    r->c0 = a->c0;
    bls_fp6_neg(&r->c1, &a->c1);
}

/* a^(p^k) = frob(a0) + frob(a1) w^(p^k) = frob(a0) + (frob(a1) FROB12_W[k]) w;
 * k is public. */
void bls_fp12_frobenius(bls_fp12_t *r, const bls_fp12_t *a, unsigned power)
{
    unsigned k = power % 12;
    bls_fp6_frobenius(&r->c0, &a->c0, k);
    bls_fp6_frobenius(&r->c1, &a->c1, k);
    bls_fp6_mul_by_fp2(&r->c1, &r->c1, &FROB12_W[k]);
}

/* a * (o0 + o1 v + o4 v w): with b0 = o0 + o1 v and b1 = o4 v,
 *   t0 = a0 b0 (5 Fp2 products), t1 = a1 b1 (3),
 *   c1 = (a0 + a1)(b0 + b1) - t0 - t1 with b0 + b1 = o0 + (o1 + o4) v (5),
 *   c0 = t0 + v t1.
 * 13 Fp2 products instead of the 18 of a full bls_fp12_mul. */
void bls_fp12_mul_by_014(bls_fp12_t *r, const bls_fp12_t *a, const bls_fp2_t *o0, const bls_fp2_t *o1, const bls_fp2_t *o4)
{
    bls_fp6_t t0, t1, s;
    bls_fp2_t o14;
    bls_fp6_mul_by_01(&t0, &a->c0, o0, o1);
    bls_fp6_mul_by_1(&t1, &a->c1, o4);
    bls_fp2_add(&o14, o1, o4);
    bls_fp6_add(&s, &a->c0, &a->c1);
    bls_fp6_mul_by_01(&s, &s, o0, &o14);
    bls_fp6_sub(&s, &s, &t0);
    bls_fp6_sub(&r->c1, &s, &t1);
    bls_fp6_mul_by_nonresidue(&t1, &t1);
    bls_fp6_add(&r->c0, &t0, &t1);
}

/* Public exponent, plain left-to-right square-and-multiply (tests, GT checks). */
void bls_fp12_pow_vartime(bls_fp12_t *r, const bls_fp12_t *a, const uint64_t *e, size_t limbs)
{
    bls_fp12_t acc = BLS_FP12_ONE, base = *a;
    for (size_t i = limbs * 64; i-- > 0;) {
        bls_fp12_sqr(&acc, &acc);
        if ((e[i / 64] >> (i % 64)) & 1)
            bls_fp12_mul(&acc, &acc, &base);
    }
    *r = acc;
}

uint64_t bls_fp12_is_one(const bls_fp12_t *a)
{
    return bls_fp12_equal(a, &BLS_FP12_ONE);
}

uint64_t bls_fp12_equal(const bls_fp12_t *a, const bls_fp12_t *b)
{
    return bls_fp6_equal(&a->c0, &b->c0) & bls_fp6_equal(&a->c1, &b->c1);
}

void bls_fp12_cmov(bls_fp12_t *r, const bls_fp12_t *a, uint64_t cond)
{
    _Static_assert(sizeof(bls_fp12_t) == 12 * sizeof(bls_fp_t), "fp12_t is twelve Fp elements");
    bls_fp_cmov_n(&r->c0.c0.c0, &a->c0.c0.c0, 12, cond);
}
