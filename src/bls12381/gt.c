/* The group GT (order-r subgroup of Fp12*): products, exponentiation
 * (constant time, variable time, fixed base), the membership test and the
 * ser_GT encoding of docs/spec/fabeo.md §2.
 *
 * All of GT lies in the cyclotomic subgroup, so squarings use the
 * Granger-Scott formula and inverses are conjugates.  Secret-dependent table
 * reads scan the whole table with conditional moves. */
#include "internal/pairing.h"
#include "internal/pairing_internal.h"

static const bls_fp12_t FP12_ZERO_; /* static storage: all limbs zero */

void bls_gt_one(bls_gt_t *r)
{
    r->v = BLS_FP12_ONE;
}

void bls_gt_mul(bls_gt_t *r, const bls_gt_t *a, const bls_gt_t *b)
{
    bls_fp12_mul_safe(&r->v, &a->v, &b->v);
}

void bls_gt_sqr(bls_gt_t *r, const bls_gt_t *a)
{
    bls_fp12_cyclotomic_sqr(&r->v, &a->v);
}

void bls_gt_inv(bls_gt_t *r, const bls_gt_t *a)
{
    bls_fp12_t t;

    bls_fp12_conj(&t, &a->v);
    r->v = t;
}

uint64_t bls_gt_equal(const bls_gt_t *a, const bls_gt_t *b)
{
    return bls_fp12_equal(&a->v, &b->v);
}

uint64_t bls_gt_is_one(const bls_gt_t *a)
{
    return bls_fp12_is_one(&a->v);
}

/* 1 iff a == b, for small table indices, without branching. */
static uint64_t index_eq(uint64_t a, uint64_t b)
{
    uint64_t d = a ^ b;

    return 1 ^ ((d | (0 - d)) >> 63);
}

/* r := tab[idx] reading every entry (idx secret, n public). */
static void ct_lookup(bls_fp12_t *r, const bls_gt_t *tab, size_t n, uint64_t idx)
{
    size_t j;

    *r = tab[0].v;
    for (j = 1; j < n; j++)
        bls_fp12_cmov(r, &tab[j].v, index_eq(j, idx));
}

/* Exponent splitting.  On GT, a^p = a^x (p = x mod r), so with B = |x| = -x
 *   a^(B^i) = conj^i(frob^i(a)),   i = 0..3,
 * and writing k = d0 + d1 B + d2 B^2 + d3 B^3 (0 <= d_i < B < 2^64, possible
 * because k < r = B^4 - B^2 + 1 < B^4) turns a^k into a 4-way
 * multi-exponentiation with 64-bit exponents: a quarter of the squarings. */
static void split_bases(bls_gt_t g[4], const bls_gt_t *a)
{
    bls_fp12_t t;
    unsigned i;

    g[0] = *a;
    for (i = 1; i < 4; i++) {
        bls_fp12_frobenius(&t, &a->v, i);
        if (i & 1)
            bls_fp12_conj(&g[i].v, &t);
        else
            g[i].v = t;
    }
}

/* q := n / B, returns n mod B, for a 256-bit n: restoring division one bit
 * at a time with masks, so it is constant time in n. */
static uint64_t divmod_x(uint64_t q[BLS_FR_LIMBS], const uint64_t n[BLS_FR_LIMBS])
{
    unsigned __int128 rem = 0, t, mask;
    uint64_t ge;
    int i;

    for (i = 0; i < BLS_FR_LIMBS; i++)
        q[i] = 0;
    for (i = BLS_FR_LIMBS * 64 - 1; i >= 0; i--) {
        rem = (rem << 1) | ((n[i / 64] >> (i % 64)) & 1);
        t = rem - BLS_X_ABS;
        ge = 1 ^ (uint64_t)(t >> 127);               /* rem >= B */
        mask = (unsigned __int128)0 - ge;
        rem = (t & mask) | (rem & ~mask);
        q[i / 64] |= ge << (i % 64);
    }
    return (uint64_t)rem;
}

static void split_exponent(uint64_t d[4], const bls_fr_t *k)
{
    uint64_t n[BLS_FR_LIMBS], q[BLS_FR_LIMBS];
    int i, j;

    bls_fr_to_canonical(n, k);
    for (i = 0; i < 3; i++) {
        d[i] = divmod_x(q, n);
        for (j = 0; j < BLS_FR_LIMBS; j++)
            n[j] = q[j];
    }
    d[3] = n[0]; /* < B: the higher limbs are zero */
    for (j = 0; j < BLS_FR_LIMBS; j++)
        n[j] = q[j] = 0;
}

/* Constant time: a joint table of the 16 products of subsets of the four
 * bases, then for each of the 64 bit positions one cyclotomic squaring and
 * one multiplication by the entry the four exponent bits select (read by a
 * full scan). */
void bls_gt_pow(bls_gt_t *r, const bls_gt_t *a, const bls_fr_t *k)
{
    uint64_t d[4];
    bls_gt_t g[4], tab[16];
    bls_fp12_t acc, t;
    int bit, i;

    split_exponent(d, k);
    split_bases(g, a);
    bls_gt_one(&tab[0]);
    for (i = 1; i < 16; i++)
        bls_gt_mul(&tab[i], &tab[i & (i - 1)], &g[__builtin_ctz((unsigned)i)]);
    for (bit = 63; bit >= 0; bit--) {
        uint64_t u = 0;

        for (i = 0; i < 4; i++)
            u |= ((d[i] >> bit) & 1) << i;
        ct_lookup(&t, tab, 16, u);
        if (bit == 63) {
            acc = t;
            continue;
        }
        bls_fp12_cyclotomic_sqr(&acc, &acc);
        bls_fp12_mul_safe(&acc, &acc, &t);
    }
    r->v = acc;
    for (i = 0; i < 4; i++)
        d[i] = 0;
}

/* Width-5 NAF of a multi-limb non-negative integer e (destroyed; one spare
 * high limb must be zero): digits in {0, +-1, +-3, ..., +-15}, at most one
 * non-zero in any 5 consecutive positions.  Returns the digit count. */
#define WNAF_W 5
static int wnaf(int8_t *naf, uint64_t *e, int limbs)
{
    int len = 0, j;

    for (;;) {
        uint64_t any = 0;
        int d = 0;

        for (j = 0; j < limbs; j++)
            any |= e[j];
        if (!any)
            return len;
        if (e[0] & 1) {
            d = (int)(e[0] & ((1u << WNAF_W) - 1));
            if (d >= 1 << (WNAF_W - 1))
                d -= 1 << WNAF_W;
            if (d > 0) {
                e[0] -= (uint64_t)d;                 /* clears the low bits */
            } else {
                uint64_t carry = (uint64_t)(-d);
                for (j = 0; j < limbs && carry; j++) {
                    e[j] += carry;
                    carry = e[j] < carry;
                }
            }
        }
        naf[len++] = (int8_t)d;
        for (j = 0; j + 1 < limbs; j++)
            e[j] = (e[j] >> 1) | (e[j + 1] << 63);
        e[limbs - 1] >>= 1;
    }
}

/* Variable time: the same split, one width-5 NAF per 64-bit exponent, and
 * the odd powers of the other bases obtained from those of a by Frobenius;
 * negative digits cost nothing because inversion is conjugation. */
void bls_gt_pow_vartime(bls_gt_t *r, const bls_gt_t *a, const bls_fr_t *k)
{
    uint64_t d[4], e[2];
    int8_t naf[4][66];
    int len[4], top = 0, started = 0, pos, i, j;
    bls_gt_t odd[4][1 << (WNAF_W - 2)], a2, t;
    bls_fp12_t acc = BLS_FP12_ONE;

    split_exponent(d, k);
    for (i = 0; i < 4; i++) {
        e[0] = d[i];
        e[1] = 0;
        len[i] = wnaf(naf[i], e, 2);
        if (len[i] > top)
            top = len[i];
    }
    odd[0][0] = *a;
    bls_gt_sqr(&a2, a);
    for (j = 1; j < 1 << (WNAF_W - 2); j++)
        bls_gt_mul(&odd[0][j], &odd[0][j - 1], &a2);
    for (j = 0; j < 1 << (WNAF_W - 2); j++) {
        bls_gt_t g[4];
        split_bases(g, &odd[0][j]);
        for (i = 1; i < 4; i++)
            odd[i][j] = g[i];
    }

    for (pos = top - 1; pos >= 0; pos--) {
        if (started)
            bls_fp12_cyclotomic_sqr(&acc, &acc);
        for (i = 0; i < 4; i++) {
            int dg = pos < len[i] ? naf[i][pos] : 0;

            if (dg > 0) {
                bls_fp12_mul_safe(&acc, &acc, &odd[i][dg / 2].v);
                started = 1;
            } else if (dg < 0) {
                bls_gt_inv(&t, &odd[i][-dg / 2]);
                bls_fp12_mul_safe(&acc, &acc, &t.v);
                started = 1;
            }
        }
    }
    r->v = acc;
}

uint64_t bls_gt_is_in_subgroup(const bls_fp12_t *f)
{
    bls_fp12_t t4, t2, fx, fp;
    uint64_t nonzero, cyclotomic, order_r;

    nonzero = 1 ^ bls_fp12_equal(f, &FP12_ZERO_);
    /* f^(p^4 - p^2 + 1) == 1, i.e. f^(p^4) * f == f^(p^2) */
    bls_fp12_frobenius(&t4, f, 4);
    bls_fp12_mul_safe(&t4, &t4, f);
    bls_fp12_frobenius(&t2, f, 2);
    cyclotomic = bls_fp12_equal(&t4, &t2);
    /* In G_Phi12, f^p == f^x iff the order of f divides
     * gcd(p - x, p^4 - p^2 + 1) = r.  The cyclotomic squaring inside the
     * exponentiation is only meaningful when the first test passed; the
     * result is ANDed, so garbage otherwise does no harm. */
    bls_fp12_cyclotomic_exp_by_x(&fx, f);
    bls_fp12_frobenius(&fp, f, 1);
    order_r = bls_fp12_equal(&fx, &fp);
    return nonzero & cyclotomic & order_r;
}

/* The 12 base-field coordinates of f in ser_GT order: the Fp2 coefficients
 * of 1, w, w^2, w^3, w^4, w^5 are c0.c0, c1.c0, c0.c1, c1.c1, c0.c2, c1.c2. */
static void ser_gt_coordinates(bls_fp_t *out[12], bls_fp12_t *f)
{
    bls_fp2_t *coef[6] = { &f->c0.c0, &f->c1.c0, &f->c0.c1, &f->c1.c1, &f->c0.c2, &f->c1.c2 };
    int i;

    for (i = 0; i < 6; i++) {
        out[2 * i] = &coef[i]->c0;
        out[2 * i + 1] = &coef[i]->c1;
    }
}

void bls_gt_to_bytes(uint8_t out[BLS_GT_BYTES], const bls_gt_t *a)
{
    bls_fp12_t f = a->v;
    bls_fp_t *c[12];
    int i;

    ser_gt_coordinates(c, &f);
    for (i = 0; i < 12; i++)
        bls_fp_to_bytes(out + BLS_FP_BYTES * i, c[i]);
}

int bls_gt_from_bytes(bls_gt_t *r, const uint8_t *in, size_t len)
{
    bls_fp12_t f;
    bls_fp_t *c[12];
    int i;

    if (in == NULL || len != BLS_GT_BYTES)
        return BLS_ERR_LENGTH;
    ser_gt_coordinates(c, &f);
    for (i = 0; i < 12; i++) {
        if (bls_fp_from_bytes(c[i], in + BLS_FP_BYTES * i) != BLS_OK)
            return BLS_ERR_NONCANONICAL;
    }
    if (!bls_gt_is_in_subgroup(&f))
        return BLS_ERR_NOT_IN_GT;
    r->v = f;
    return BLS_OK;
}

/* Signed Lim-Lee comb.  An odd k < 2^BITS is sum_i (2 m_i - 1) 2^i with
 * m = (k + 2^BITS - 1) / 2: every digit is +1 or -1.  Split the BITS = 260
 * digit positions into TEETH = 5 blocks of BLOCK = 52 and each block into
 * COMBS = 4 sub-blocks of SPAN = 13.  With
 *   g_{i,j} = base^(2^(BLOCK i + SPAN j)),
 * the digits at positions BLOCK i + SPAN j + s (i = 0..4) contribute
 * prod_i g_{i,j}^(+-1) at step s; up to the sign of tooth 0 (an inversion,
 * which on GT is a conjugation) that is one of 16 entries
 *   t[j][u] = g_{0,j} prod_{i >= 1} g_{i,j}^(bit i-1 of u ? 1 : -1).
 * So a power costs SPAN - 1 = 12 squarings and COMBS SPAN - 1 = 51
 * multiplications (an unsigned comb of the same table size: 15 and 63).
 * An even k is replaced by r - k, and the result conjugated. */
#define COMB_SPAN 13
#define COMB_BLOCK (BLS_GT_COMB_COMBS * COMB_SPAN)
#define COMB_BITS (BLS_GT_COMB_TEETH * COMB_BLOCK)
#define COMB_ENTRIES (1 << (BLS_GT_COMB_TEETH - 1))
_Static_assert(COMB_BITS > 255 && COMB_BITS < 5 * 64, "the comb must cover k < r < 2^255");

/* r, the order of GT, as canonical limbs. */
static const uint64_t GT_ORDER[BLS_FR_LIMBS] = {
    0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL, 0x73eda753299d7d48ULL};

void bls_gt_fixed_base_init(bls_gt_fixed_base_t *t, const bls_gt_t *base)
{
    bls_gt_t g[BLS_GT_COMB_TEETH * BLS_GT_COMB_COMBS], cur = *base, g2;
    int m, i, j, u;

    /* g[COMB_COMBS * i + j] = base^(2^(COMB_SPAN * (COMB_COMBS * i + j))) */
    for (m = 0; m < BLS_GT_COMB_TEETH * BLS_GT_COMB_COMBS; m++) {
        g[m] = cur;
        for (i = 0; i < COMB_SPAN; i++)
            bls_gt_sqr(&cur, &cur);
    }
    for (j = 0; j < BLS_GT_COMB_COMBS; j++) {
        t->t[j][0] = g[j];
        for (i = 1; i < BLS_GT_COMB_TEETH; i++) {
            bls_gt_inv(&g2, &g[BLS_GT_COMB_COMBS * i + j]);
            bls_gt_mul(&t->t[j][0], &t->t[j][0], &g2);
        }
        /* Turning tooth i from -1 to +1 multiplies by g_{i,j}^2. */
        for (u = 1; u < COMB_ENTRIES; u++) {
            int low = __builtin_ctz((unsigned)u);

            bls_gt_sqr(&g2, &g[BLS_GT_COMB_COMBS * (low + 1) + j]);
            bls_gt_mul(&t->t[j][u], &t->t[j][u & (u - 1)], &g2);
        }
    }
}

/* The sign bits m of k's all-odd expansion (see above); returns 1 if k was
 * even and r - k was expanded instead.  Constant time in k. */
static uint64_t comb_signs(uint64_t m[BLS_FR_LIMBS + 1], const bls_fr_t *k)
{
    uint64_t e[BLS_FR_LIMBS], d[BLS_FR_LIMBS], borrow = 0, carry = 0;
    int i;

    bls_fr_to_canonical(e, k);
    for (i = 0; i < BLS_FR_LIMBS; i++) {
        unsigned __int128 x = (unsigned __int128)GT_ORDER[i] - e[i] - borrow;
        d[i] = (uint64_t)x;
        borrow = (uint64_t)(x >> 64) & 1;
    }
    uint64_t even = (e[0] & 1) ^ 1, mask = 0 - even;
    for (i = 0; i <= BLS_FR_LIMBS; i++) {
        uint64_t v = i < BLS_FR_LIMBS ? (e[i] & ~mask) | (d[i] & mask) : 0;
        uint64_t add = i < BLS_FR_LIMBS ? ~(uint64_t)0 : (UINT64_C(1) << (COMB_BITS - 256)) - 1;
        unsigned __int128 x = (unsigned __int128)v + add + carry;
        m[i] = (uint64_t)x;
        carry = (uint64_t)(x >> 64);
    }
    for (i = 0; i < BLS_FR_LIMBS; i++)
        m[i] = (m[i] >> 1) | (m[i + 1] << 63);
    m[BLS_FR_LIMBS] >>= 1;
    for (i = 0; i < BLS_FR_LIMBS; i++)
        e[i] = d[i] = 0;
    return even;
}

void bls_gt_fixed_base_pow(bls_gt_t *r, const bls_gt_fixed_base_t *t, const bls_fr_t *k)
{
    bls_gt_fixed_base_pow_combs(r, t, k, 0, BLS_GT_COMB_COMBS);
}

/* Combs are independent factors of the result: each part runs the same
 * squarings over its own combs. */
void bls_gt_fixed_base_pow_combs(bls_gt_t *r, const bls_gt_fixed_base_t *t, const bls_fr_t *k, unsigned first,
                             unsigned count)
{
    uint64_t m[BLS_FR_LIMBS + 1], even;
    bls_fp12_t acc = BLS_FP12_ONE, x, y;
    int s, i;
    unsigned j;

    if (first >= BLS_GT_COMB_COMBS || count > BLS_GT_COMB_COMBS - first || count == 0) {
        r->v = BLS_FP12_ONE;
        return;
    }
    even = comb_signs(m, k);
    for (s = COMB_SPAN - 1; s >= 0; s--) {
        if (s != COMB_SPAN - 1)
            bls_fp12_cyclotomic_sqr(&acc, &acc);
        for (j = first; j < first + count; j++) {
            uint64_t u = 0, neg = 0;

            for (i = 0; i < BLS_GT_COMB_TEETH; i++) {
                int pos = COMB_BLOCK * i + COMB_SPAN * (int)j + s;
                uint64_t bit = (m[pos / 64] >> (pos % 64)) & 1;

                if (i == 0)
                    neg = bit ^ 1;   /* tooth 0 is -1: take the inverse entry */
                else
                    u |= (bit ^ neg) << (i - 1);
            }
            ct_lookup(&x, t->t[j], COMB_ENTRIES, u);
            bls_fp12_conj(&y, &x);
            bls_fp12_cmov(&x, &y, neg);
            if (s == COMB_SPAN - 1 && j == first)
                acc = x;
            else
                bls_fp12_mul_safe(&acc, &acc, &x);
        }
    }
    bls_fp12_conj(&y, &acc);
    bls_fp12_cmov(&acc, &y, even);
    r->v = acc;
    for (i = 0; i <= BLS_FR_LIMBS; i++)
        m[i] = 0;
}
