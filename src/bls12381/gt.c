/* The group GT (order-r subgroup of Fp12*): products, exponentiation
 * (constant time, variable time, fixed base), the membership test and the
 * ser_GT encoding of FAME.md section 1.3.
 *
 * All of GT lies in the cyclotomic subgroup, so squarings use the
 * Granger-Scott formula and inverses are conjugates.  Secret-dependent table
 * reads scan the whole table with conditional moves. */
#include "pairing.h"
#include "pairing_internal.h"

static const fp12_t FP12_ZERO_; /* static storage: all limbs zero */

void gt_one(gt_t *r)
{
    r->v = FP12_ONE;
}

void gt_mul(gt_t *r, const gt_t *a, const gt_t *b)
{
    fp12_mul_safe(&r->v, &a->v, &b->v);
}

void gt_sqr(gt_t *r, const gt_t *a)
{
    fp12_cyclotomic_sqr(&r->v, &a->v);
}

void gt_inv(gt_t *r, const gt_t *a)
{
    fp12_t t;

    fp12_conj(&t, &a->v);
    r->v = t;
}

uint64_t gt_equal(const gt_t *a, const gt_t *b)
{
    return fp12_equal(&a->v, &b->v);
}

uint64_t gt_is_one(const gt_t *a)
{
    return fp12_is_one(&a->v);
}

/* 1 iff a == b, for small table indices, without branching. */
static uint64_t index_eq(uint64_t a, uint64_t b)
{
    uint64_t d = a ^ b;

    return 1 ^ ((d | (0 - d)) >> 63);
}

/* r := tab[idx] reading every entry (idx secret, n public). */
static void ct_lookup(fp12_t *r, const gt_t *tab, size_t n, uint64_t idx)
{
    size_t j;

    *r = tab[0].v;
    for (j = 1; j < n; j++)
        fp12_cmov(r, &tab[j].v, index_eq(j, idx));
}

/* Fixed 4-bit windows over all 256 bits of the canonical exponent: the same
 * 252 squarings and 64 multiplications for every k. */
void gt_pow(gt_t *r, const gt_t *a, const fr_t *k)
{
    uint64_t e[FR_LIMBS];
    gt_t tab[16];
    fp12_t acc, t;
    int w, i;

    fr_to_canonical(e, k);
    gt_one(&tab[0]);
    tab[1] = *a;
    for (i = 2; i < 16; i++) {
        if (i % 2 == 0)
            gt_sqr(&tab[i], &tab[i / 2]);
        else
            gt_mul(&tab[i], &tab[i - 1], a);
    }
    for (w = 63; w >= 0; w--) {
        uint64_t d = (e[w / 16] >> (4 * (w % 16))) & 15;

        ct_lookup(&t, tab, 16, d);
        if (w == 63) {
            acc = t;
            continue;
        }
        for (i = 0; i < 4; i++)
            fp12_cyclotomic_sqr(&acc, &acc);
        fp12_mul_safe(&acc, &acc, &t);
    }
    r->v = acc;
    for (i = 0; i < FR_LIMBS; i++)
        e[i] = 0;
}

/* Width-5 NAF: digits in {0, +-1, +-3, ..., +-15}, at most one non-zero in
 * any 5 consecutive positions; negative digits cost nothing extra because
 * inversion is conjugation. */
#define WNAF_W 5
void gt_pow_vartime(gt_t *r, const gt_t *a, const fr_t *k)
{
    uint64_t e[FR_LIMBS + 1] = { 0 };
    int8_t naf[FR_LIMBS * 64 + 2];
    gt_t odd[1 << (WNAF_W - 2)], a2;
    fp12_t acc = FP12_ONE, t;
    int len = 0, started = 0, i, j;

    fr_to_canonical(e, k);
    while (e[0] | e[1] | e[2] | e[3] | e[4]) {
        int d = 0;

        if (e[0] & 1) {
            d = (int)(e[0] & ((1u << WNAF_W) - 1));
            if (d >= 1 << (WNAF_W - 1))
                d -= 1 << WNAF_W;
            /* e -= d (e stays non-negative: d <= e mod 2^W or d < 0) */
            if (d > 0) {
                uint64_t borrow = (uint64_t)d;
                for (j = 0; j <= FR_LIMBS && borrow; j++) {
                    uint64_t old = e[j];
                    e[j] = old - borrow;
                    borrow = old < borrow;
                }
            } else {
                uint64_t carry = (uint64_t)(-d);
                for (j = 0; j <= FR_LIMBS && carry; j++) {
                    e[j] += carry;
                    carry = e[j] < carry;
                }
            }
        }
        naf[len++] = (int8_t)d;
        for (j = 0; j < FR_LIMBS; j++)
            e[j] = (e[j] >> 1) | (e[j + 1] << 63);
        e[FR_LIMBS] >>= 1;
    }

    odd[0] = *a;
    gt_sqr(&a2, a);
    for (i = 1; i < 1 << (WNAF_W - 2); i++)
        gt_mul(&odd[i], &odd[i - 1], &a2);

    for (i = len - 1; i >= 0; i--) {
        if (started)
            fp12_cyclotomic_sqr(&acc, &acc);
        if (naf[i] > 0) {
            fp12_mul_safe(&acc, &acc, &odd[naf[i] / 2].v);
            started = 1;
        } else if (naf[i] < 0) {
            fp12_conj(&t, &odd[-naf[i] / 2].v);
            fp12_mul_safe(&acc, &acc, &t);
            started = 1;
        }
    }
    r->v = acc;
}

uint64_t gt_is_in_subgroup(const fp12_t *f)
{
    fp12_t t4, t2, fx, fp;
    uint64_t nonzero, cyclotomic, order_r;

    nonzero = 1 ^ fp12_equal(f, &FP12_ZERO_);
    /* f^(p^4 - p^2 + 1) == 1, i.e. f^(p^4) * f == f^(p^2) */
    fp12_frobenius(&t4, f, 4);
    fp12_mul_safe(&t4, &t4, f);
    fp12_frobenius(&t2, f, 2);
    cyclotomic = fp12_equal(&t4, &t2);
    /* In G_Phi12, f^p == f^x iff the order of f divides
     * gcd(p - x, p^4 - p^2 + 1) = r.  The cyclotomic squaring inside the
     * exponentiation is only meaningful when the first test passed; the
     * result is ANDed, so garbage otherwise does no harm. */
    fp12_cyclotomic_exp_by_x(&fx, f);
    fp12_frobenius(&fp, f, 1);
    order_r = fp12_equal(&fx, &fp);
    return nonzero & cyclotomic & order_r;
}

/* The 12 base-field coordinates of f in ser_GT order: the Fp2 coefficients
 * of 1, w, w^2, w^3, w^4, w^5 are c0.c0, c1.c0, c0.c1, c1.c1, c0.c2, c1.c2. */
static void ser_gt_coordinates(fp_t *out[12], fp12_t *f)
{
    fp2_t *coef[6] = { &f->c0.c0, &f->c1.c0, &f->c0.c1, &f->c1.c1, &f->c0.c2, &f->c1.c2 };
    int i;

    for (i = 0; i < 6; i++) {
        out[2 * i] = &coef[i]->c0;
        out[2 * i + 1] = &coef[i]->c1;
    }
}

void gt_to_bytes(uint8_t out[GT_BYTES], const gt_t *a)
{
    fp12_t f = a->v;
    fp_t *c[12];
    int i;

    ser_gt_coordinates(c, &f);
    for (i = 0; i < 12; i++)
        fp_to_bytes(out + FP_BYTES * i, c[i]);
}

int gt_from_bytes(gt_t *r, const uint8_t *in, size_t len)
{
    fp12_t f;
    fp_t *c[12];
    int i;

    if (in == NULL || len != GT_BYTES)
        return BLS_ERR_LENGTH;
    ser_gt_coordinates(c, &f);
    for (i = 0; i < 12; i++) {
        if (fp_from_bytes(c[i], in + FP_BYTES * i) != BLS_OK)
            return BLS_ERR_NONCANONICAL;
    }
    if (!gt_is_in_subgroup(&f))
        return BLS_ERR_NOT_IN_GT;
    r->v = f;
    return BLS_OK;
}

/* Lim-Lee comb.  Split the 256-bit exponent into TEETH blocks of 64 bits and
 * each block into COMBS sub-blocks of SPAN = 16 bits.  With
 *   g_{i,j} = base^(2^(64 i + 16 j)),  t[j][u] = prod_{bit i of u} g_{i,j},
 * base^k = prod over t = SPAN-1..0 (squaring in between) of
 *   prod_j t[j][u_{j,t}],  u_{j,t} = sum_i bit(64 i + 16 j + t) << i. */
#define COMB_BLOCK (FR_LIMBS * 64 / GT_COMB_TEETH)
#define COMB_SPAN (COMB_BLOCK / GT_COMB_COMBS)

void gt_fixed_base_init(gt_fixed_base_t *t, const gt_t *base)
{
    gt_t g[GT_COMB_TEETH * GT_COMB_COMBS], cur = *base;
    int m, i, j, u;

    /* g[COMB_COMBS * i + j] = base^(2^(COMB_SPAN * (COMB_COMBS * i + j))) */
    for (m = 0; m < GT_COMB_TEETH * GT_COMB_COMBS; m++) {
        g[m] = cur;
        for (i = 0; i < COMB_SPAN; i++)
            gt_sqr(&cur, &cur);
    }
    for (j = 0; j < GT_COMB_COMBS; j++) {
        gt_one(&t->t[j][0]);
        for (u = 1; u < 1 << GT_COMB_TEETH; u++) {
            int low = __builtin_ctz((unsigned)u);

            gt_mul(&t->t[j][u], &t->t[j][u & (u - 1)], &g[GT_COMB_COMBS * low + j]);
        }
    }
}

void gt_fixed_base_pow(gt_t *r, const gt_fixed_base_t *t, const fr_t *k)
{
    uint64_t e[FR_LIMBS];
    fp12_t acc = FP12_ONE, x;
    int s, i, j;

    fr_to_canonical(e, k);
    for (s = COMB_SPAN - 1; s >= 0; s--) {
        if (s != COMB_SPAN - 1)
            fp12_cyclotomic_sqr(&acc, &acc);
        for (j = 0; j < GT_COMB_COMBS; j++) {
            uint64_t u = 0;

            for (i = 0; i < GT_COMB_TEETH; i++) {
                int bit = COMB_BLOCK * i + COMB_SPAN * j + s;
                u |= ((e[bit / 64] >> (bit % 64)) & 1) << i;
            }
            ct_lookup(&x, t->t[j], 1 << GT_COMB_TEETH, u);
            if (s == COMB_SPAN - 1 && j == 0)
                acc = x;
            else
                fp12_mul_safe(&acc, &acc, &x);
        }
    }
    r->v = acc;
    for (i = 0; i < FR_LIMBS; i++)
        e[i] = 0;
}
