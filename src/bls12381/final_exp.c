/* Final exponentiation f -> f^((p^12 - 1)/r * 3) and the cyclotomic-subgroup
 * arithmetic it rests on.
 *
 * Easy part: f^((p^6 - 1)(p^2 + 1)) with one inversion, a conjugation and a
 * Frobenius; the result lies in the cyclotomic subgroup G_Phi12, where
 * inversion is conjugation and squaring has the Granger-Scott shortcut.
 *
 * Hard part: 3(p^4 - p^2 + 1)/r = (x - 1)^2 (x + p)(x^2 + p^2 - 1) + 3
 * (the decomposition used by blst, zkcrypto and CIRCL, which is why their
 * pairing value carries the factor 3; roam matches them).  It costs five
 * exponentiations by x, each 63 cyclotomic squarings and 5 multiplications.
 * All of it is straight-line code: constant time. */
#include "internal/pairing.h"
#include "internal/pairing_internal.h"

void bls_fp12_mul_safe(bls_fp12_t *r, const bls_fp12_t *a, const bls_fp12_t *b)
{
    bls_fp12_t t;

    bls_fp12_mul(&t, a, b);
    *r = t;
}

/* (a + b s)^2 in Fp4 = Fp2[s]/(s^2 - (1+u)): returns the two halves. */
static void fp4_sqr(bls_fp2_t *r0, bls_fp2_t *r1, const bls_fp2_t *a, const bls_fp2_t *b)
{
    bls_fp2_t a2, b2, t;

    bls_fp2_sqr(&a2, a);
    bls_fp2_sqr(&b2, b);
    bls_fp2_mul_by_nonresidue(&t, &b2);
    bls_fp2_add(&t, &t, &a2);                 /* a^2 + (1+u) b^2 */
    bls_fp2_add(r1, a, b);
    bls_fp2_sqr(r1, r1);
    bls_fp2_sub(r1, r1, &a2);
    bls_fp2_sub(r1, r1, &b2);                 /* 2ab */
    *r0 = t;
}

/* 3 z - 2 y and 3 z + 2 y, the two shapes of Granger-Scott's update. */
static void three_minus_two(bls_fp2_t *r, const bls_fp2_t *z, const bls_fp2_t *y)
{
    bls_fp2_t t;

    bls_fp2_sub(&t, z, y);
    bls_fp2_dbl(&t, &t);
    bls_fp2_add(r, &t, z);
}

static void three_plus_two(bls_fp2_t *r, const bls_fp2_t *z, const bls_fp2_t *y)
{
    bls_fp2_t t;

    bls_fp2_add(&t, z, y);
    bls_fp2_dbl(&t, &t);
    bls_fp2_add(r, &t, z);
}

/* View Fp12 as Fp4[w]/(w^3 - s) with s = w^3 = v w and Fp4 = Fp2[s]:
 *   f = A + B w + C w^2, A = c0.c0 + c1.c1 s, B = c1.c0 + c0.c2 s,
 *                        C = c0.c1 + c1.c2 s.
 * For f in G_Phi12 (Granger-Scott 2010):
 *   A' = 3A^2 - 2 conj(A), B' = 3 s C^2 + 2 conj(B), C' = 3B^2 - 2 conj(C),
 * conj being the Fp4/Fp2 conjugation a + b s -> a - b s. */
void bls_fp12_cyclotomic_sqr(bls_fp12_t *r, const bls_fp12_t *a)
{
    bls_fp2_t a0, a1, b0, b1, c0, c1, t;
    bls_fp12_t out;

    fp4_sqr(&a0, &a1, &a->c0.c0, &a->c1.c1);
    fp4_sqr(&b0, &b1, &a->c1.c0, &a->c0.c2);
    fp4_sqr(&c0, &c1, &a->c0.c1, &a->c1.c2);

    /* A' */
    three_minus_two(&out.c0.c0, &a0, &a->c0.c0);
    three_plus_two(&out.c1.c1, &a1, &a->c1.c1);
    /* B' = 3 s C^2 + 2 conj(B): s (c0 + c1 s) = (1+u) c1 + c0 s */
    bls_fp2_mul_by_nonresidue(&t, &c1);
    three_plus_two(&out.c1.c0, &t, &a->c1.c0);
    three_minus_two(&out.c0.c2, &c0, &a->c0.c2);
    /* C' */
    three_minus_two(&out.c0.c1, &b0, &a->c0.c1);
    three_plus_two(&out.c1.c2, &b1, &a->c1.c2);
    *r = out;
}

void bls_fp12_cyclotomic_exp_by_x(bls_fp12_t *r, const bls_fp12_t *a)
{
    bls_fp12_t acc = *a;
    int bit;

    /* The top bit of |x| is bit 63; the bits of x are public. */
    for (bit = 62; bit >= 0; bit--) {
        bls_fp12_cyclotomic_sqr(&acc, &acc);
        if ((BLS_X_ABS >> bit) & 1)
            bls_fp12_mul_safe(&acc, &acc, a);
    }
    bls_fp12_conj(r, &acc);                   /* x < 0 */
}

void bls_final_exp(bls_gt_t *r, const bls_fp12_t *f)
{
    bls_fp12_t g, t0, t1, a, b, c;

    /* easy part: g = f^((p^6 - 1)(p^2 + 1)) */
    bls_fp12_inv(&t0, f);
    bls_fp12_conj(&g, f);
    bls_fp12_mul_safe(&g, &g, &t0);
    bls_fp12_frobenius(&t0, &g, 2);
    bls_fp12_mul_safe(&g, &g, &t0);

    /* a = g^((x - 1)^2) */
    bls_fp12_cyclotomic_exp_by_x(&t0, &g);
    bls_fp12_conj(&t1, &g);
    bls_fp12_mul_safe(&t0, &t0, &t1);         /* g^(x-1) */
    bls_fp12_cyclotomic_exp_by_x(&a, &t0);
    bls_fp12_conj(&t1, &t0);
    bls_fp12_mul_safe(&a, &a, &t1);

    /* b = a^(x + p) */
    bls_fp12_cyclotomic_exp_by_x(&b, &a);
    bls_fp12_frobenius(&t0, &a, 1);
    bls_fp12_mul_safe(&b, &b, &t0);

    /* c = b^(x^2 + p^2 - 1) */
    bls_fp12_cyclotomic_exp_by_x(&c, &b);
    bls_fp12_cyclotomic_exp_by_x(&c, &c);
    bls_fp12_frobenius(&t0, &b, 2);
    bls_fp12_mul_safe(&c, &c, &t0);
    bls_fp12_conj(&t0, &b);
    bls_fp12_mul_safe(&c, &c, &t0);

    /* times g^3 */
    bls_fp12_cyclotomic_sqr(&t0, &g);
    bls_fp12_mul_safe(&t0, &t0, &g);
    bls_fp12_mul_safe(&r->v, &c, &t0);
}
