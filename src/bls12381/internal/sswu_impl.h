/* Field-generic simplified SWU map (RFC 9380 §6.6.2 and Appendix F.2),
 * isogeny evaluation and the RFC 9380 §3 encodings built on them, written once
 * and instantiated by sswu_g1.c (Fp, the 11-isogeny) and sswu_g2.c (Fp2, the
 * 3-isogeny).  Internal header: include it only from those two files, after
 * defining
 *
 *   FE              field element type (bls_fp_t, bls_fp2_t)
 *   FE_OP(name)     field function of that type, e.g. fp_##name
 *   FE_ONE          the constant 1
 *   FE_PARTS        Fp components per element (1 or 2)
 *   FE_PART(e, i)   pointer to component i (0 = c0) of FE *e
 *   G_T, G_OP(name) the group's point type and functions (bls_g1_t, g1_##name)
 *   SSWU_C1         largest c1 with 2^c1 | q - 1 (RFC 9380 F.2.1.1)
 *   SSWU_C3_LIMBS   64-bit limbs of c3 = (q - 1 - 2^c1) / 2^(c1 + 1)
 *   ISO_XNUM_LEN, ISO_XDEN_LEN, ISO_YNUM_LEN, ISO_YDEN_LEN
 *                   coefficient counts of the isogeny's rational maps
 *
 * and then define `static const struct sswu_hex sswu_hex = {...}`, the
 * curve's constants as hex strings exactly as printed in RFC 9380 §8.8 and
 * Appendix E.  They are converted once, on first use.
 *
 * It defines the public G_OP(map_to_curve), G_OP(hash_to_curve) and
 * G_OP(encode_to_curve) of hash_to_curve.h, i.e. bls_g1_map_to_curve etc.
 *
 * Everything is constant time in the input: the only branches and table
 * indices depend on the public exponent c3 and on lengths. */
#ifndef ROAM_BLS12381_SSWU_IMPL_H
#define ROAM_BLS12381_SSWU_IMPL_H

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hash_to_curve.h"

/* The isogeny evaluation below relies on this degree pattern, which both
 * BLS12-381 isogenies have: deg x_den = deg x_num - 1, deg y_den = deg y_num. */
_Static_assert(ISO_XDEN_LEN + 1 == ISO_XNUM_LEN, "x_den degree");
_Static_assert(ISO_YDEN_LEN == ISO_YNUM_LEN, "y_den degree");
_Static_assert(ISO_YNUM_LEN >= ISO_XNUM_LEN, "y maps have the largest degree");

struct sswu_hex {
    const char *a[FE_PARTS], *b[FE_PARTS], *z[FE_PARTS]; /* A', B', Z */
    const char *c3;                                      /* sqrt_ratio exponent */
    const char *xnum[ISO_XNUM_LEN][FE_PARTS], *xden[ISO_XDEN_LEN][FE_PARTS];
    const char *ynum[ISO_YNUM_LEN][FE_PARTS], *yden[ISO_YDEN_LEN][FE_PARTS];
};

struct sswu_consts {
    FE a, b, z;
    FE c6, c7;                    /* Z^c2 and Z^((c2 + 1) / 2), c2 = 2 c3 + 1 */
    uint64_t c3[SSWU_C3_LIMBS];   /* little-endian */
    FE xnum[ISO_XNUM_LEN], xden[ISO_XDEN_LEN], ynum[ISO_YNUM_LEN], yden[ISO_YDEN_LEN];
};

static const struct sswu_hex sswu_hex;

/* Big-endian hex ("0x..."), right-aligned into out[len]. */
static void sswu_hex_to_bytes(uint8_t *out, size_t len, const char *hex)
{
    size_t n;

    if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
        hex += 2;
    n = strlen(hex);
    if (n > 2 * len)
        abort(); /* a mistyped constant: fail loudly rather than hash wrongly */
    memset(out, 0, len);
    for (size_t i = 0; i < n; i++) {
        char c = hex[n - 1 - i];
        unsigned v = c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
        out[len - 1 - i / 2] |= (uint8_t)(v << (4 * (i % 2)));
    }
}

static void sswu_fe_from_hex(FE *r, const char *const hex[FE_PARTS])
{
    uint8_t bytes[BLS_FP_BYTES];

    for (int i = 0; i < FE_PARTS; i++) {
        sswu_hex_to_bytes(bytes, sizeof bytes, hex[i]);
        if (bls_fp_from_bytes(FE_PART(r, i), bytes) != BLS_OK)
            abort();
    }
}

/* r := a^e for a public exponent: left-to-right sliding window over odd
 * powers a, a^3, ..., a^31.  Branches and table indices follow the bits of e
 * only, so the time does not depend on a. */
#define SSWU_WINDOW 5
static void sswu_pow(FE *r, const FE *a, const uint64_t *e, size_t limbs)
{
    FE odd[1 << (SSWU_WINDOW - 1)], a2, acc = FE_ONE;
    int i = (int)(64 * limbs) - 1;

#define SSWU_BIT(j) ((int)((e[(j) / 64] >> ((j) % 64)) & 1))
    odd[0] = *a;
    FE_OP(sqr)(&a2, a);
    for (int j = 1; j < (1 << (SSWU_WINDOW - 1)); j++)
        FE_OP(mul)(&odd[j], &odd[j - 1], &a2);
    while (i >= 0 && !SSWU_BIT(i))
        i--;
    for (int first = 1; i >= 0;) {
        int low, value = 0;
        if (!SSWU_BIT(i)) {
            FE_OP(sqr)(&acc, &acc);
            i--;
            continue;
        }
        /* The longest window e[i..low] of at most SSWU_WINDOW bits that
         * ends in a 1 bit. */
        low = i - SSWU_WINDOW + 1 < 0 ? 0 : i - SSWU_WINDOW + 1;
        while (!SSWU_BIT(low))
            low++;
        for (int j = i; j >= low; j--) {
            value = 2 * value + SSWU_BIT(j);
            if (!first)
                FE_OP(sqr)(&acc, &acc);
        }
        if (first)
            acc = odd[value / 2];
        else
            FE_OP(mul)(&acc, &acc, &odd[value / 2]);
        first = 0;
        i = low - 1;
    }
#undef SSWU_BIT
    *r = acc;
}

static void sswu_consts_init(struct sswu_consts *k, const struct sswu_hex *h)
{
    uint8_t c3[8 * SSWU_C3_LIMBS];
    FE t;

    sswu_fe_from_hex(&k->a, h->a);
    sswu_fe_from_hex(&k->b, h->b);
    sswu_fe_from_hex(&k->z, h->z);
    for (int i = 0; i < ISO_XNUM_LEN; i++)
        sswu_fe_from_hex(&k->xnum[i], h->xnum[i]);
    for (int i = 0; i < ISO_XDEN_LEN; i++)
        sswu_fe_from_hex(&k->xden[i], h->xden[i]);
    for (int i = 0; i < ISO_YNUM_LEN; i++)
        sswu_fe_from_hex(&k->ynum[i], h->ynum[i]);
    for (int i = 0; i < ISO_YDEN_LEN; i++)
        sswu_fe_from_hex(&k->yden[i], h->yden[i]);

    sswu_hex_to_bytes(c3, sizeof c3, h->c3);
    for (int i = 0; i < SSWU_C3_LIMBS; i++) {
        k->c3[i] = 0;
        for (int j = 0; j < 8; j++)
            k->c3[i] |= (uint64_t)c3[sizeof c3 - 1 - 8 * i - j] << (8 * j);
    }
    /* Z^c3 gives both: c6 = Z^(2 c3 + 1) = (Z^c3)^2 Z and c7 = Z^(c3 + 1). */
    sswu_pow(&t, &k->z, k->c3, SSWU_C3_LIMBS);
    FE_OP(mul)(&k->c7, &t, &k->z);
    FE_OP(mul)(&k->c6, &k->c7, &t);
}

static struct sswu_consts sswu_k;
static pthread_once_t sswu_once = PTHREAD_ONCE_INIT;

static void sswu_init_once(void)
{
    sswu_consts_init(&sswu_k, &sswu_hex);
}

/* RFC 9380 F.2.1.1 sqrt_ratio for any field: returns 1 and r = sqrt(u/v) if
 * u/v is square, else 0 and r = sqrt(Z u/v).  Selections use cmov only. */
static uint64_t sswu_sqrt_ratio(FE *r, const FE *u, const FE *v, const struct sswu_consts *k)
{
    FE tv1 = k->c6, tv2, tv3, tv4, tv5;
    uint64_t is_qr;

    tv2 = *v; /* tv2 = v^c4, c4 = 2^c1 - 1 */
    for (int i = 1; i < SSWU_C1; i++) {
        FE_OP(sqr)(&tv2, &tv2);
        FE_OP(mul)(&tv2, &tv2, v);
    }
    FE_OP(sqr)(&tv3, &tv2);
    FE_OP(mul)(&tv3, &tv3, v);
    FE_OP(mul)(&tv5, u, &tv3);
    sswu_pow(&tv5, &tv5, k->c3, SSWU_C3_LIMBS);
    FE_OP(mul)(&tv5, &tv5, &tv2);
    FE_OP(mul)(&tv2, &tv5, v);
    FE_OP(mul)(&tv3, &tv5, u);
    FE_OP(mul)(&tv4, &tv3, &tv2);
    tv5 = tv4; /* tv5 = tv4^c5, c5 = 2^(c1 - 1) */
    for (int i = 1; i < SSWU_C1; i++)
        FE_OP(sqr)(&tv5, &tv5);
    is_qr = FE_OP(is_one)(&tv5);
    FE_OP(mul)(&tv2, &tv3, &k->c7);
    FE_OP(mul)(&tv5, &tv4, &tv1);
    FE_OP(cmov)(&tv3, &tv2, is_qr ^ 1);
    FE_OP(cmov)(&tv4, &tv5, is_qr ^ 1);
    /* Tonelli-Shanks style clean-up of the remaining 2-power part; the loop
     * bounds are constants of the field (no iterations for Fp). */
    for (int e = SSWU_C1; e >= 2; e--) {
        uint64_t e1;
        tv5 = tv4;
        for (int j = 0; j < e - 2; j++)
            FE_OP(sqr)(&tv5, &tv5);
        e1 = FE_OP(is_one)(&tv5);
        FE_OP(mul)(&tv2, &tv3, &tv1);
        FE_OP(sqr)(&tv1, &tv1);
        FE_OP(mul)(&tv5, &tv4, &tv1);
        FE_OP(cmov)(&tv3, &tv2, e1 ^ 1);
        FE_OP(cmov)(&tv4, &tv5, e1 ^ 1);
    }
    *r = tv3;
    return is_qr;
}

/* RFC 9380 F.2 map_to_curve_simple_swu onto y^2 = x^3 + A'x + B', with the
 * final division left out: returns x = xn / xd and y. */
static void sswu_map(FE *xn, FE *xd, FE *y, const FE *u, const struct sswu_consts *k)
{
    FE tv1, tv2, tv3, tv4, tv5, tv6, x, y1, neg;
    uint64_t is_gx1_square, e1;

    FE_OP(sqr)(&tv1, u);
    FE_OP(mul)(&tv1, &k->z, &tv1);
    FE_OP(sqr)(&tv2, &tv1);
    FE_OP(add)(&tv2, &tv2, &tv1);
    FE_OP(add)(&tv3, &tv2, &FE_ONE);
    FE_OP(mul)(&tv3, &k->b, &tv3);
    FE_OP(neg)(&tv4, &tv2);                         /* tv4 = CMOV(Z, -tv2, tv2 != 0) */
    FE_OP(cmov)(&tv4, &k->z, FE_OP(is_zero)(&tv2));
    FE_OP(mul)(&tv4, &k->a, &tv4);
    FE_OP(sqr)(&tv2, &tv3);
    FE_OP(sqr)(&tv6, &tv4);
    FE_OP(mul)(&tv5, &k->a, &tv6);
    FE_OP(add)(&tv2, &tv2, &tv5);
    FE_OP(mul)(&tv2, &tv2, &tv3);
    FE_OP(mul)(&tv6, &tv6, &tv4);
    FE_OP(mul)(&tv5, &k->b, &tv6);
    FE_OP(add)(&tv2, &tv2, &tv5);
    FE_OP(mul)(&x, &tv1, &tv3);
    is_gx1_square = sswu_sqrt_ratio(&y1, &tv2, &tv6, k);
    FE_OP(mul)(y, &tv1, u);
    FE_OP(mul)(y, y, &y1);
    FE_OP(cmov)(&x, &tv3, is_gx1_square);
    FE_OP(cmov)(y, &y1, is_gx1_square);
    e1 = FE_OP(sgn0)(u) ^ FE_OP(sgn0)(y) ^ 1;       /* sgn0(u) == sgn0(y) */
    FE_OP(neg)(&neg, y);
    FE_OP(cmov)(y, &neg, e1 ^ 1);
    *xn = x;
    *xd = tv4;
}

/* Homogeneous evaluation sum_i c[i] n^i d^(len-1-i) by Horner, which is
 * d^(len-1) * P(n/d) without any division; dpow[j] = d^j. */
static void sswu_iso_poly(FE *r, const FE *c, int len, const FE *n, const FE *dpow)
{
    FE t;

    *r = c[len - 1];
    for (int i = len - 2; i >= 0; i--) {
        FE_OP(mul)(r, r, n);
        FE_OP(mul)(&t, &c[i], &dpow[len - 1 - i]);
        FE_OP(add)(r, r, &t);
    }
}

/* map_to_curve = SSWU then the isogeny, as homogeneous projective (X:Y:Z)
 * on E.  With x = xn/xd the isogeny is x' = XN / (XD xd), y' = y YN / YD
 * (homogenized polynomials), so X = XN YD, Y = y YN XD xd, Z = XD xd YD.
 * Z = 0 exactly for the isogeny's exceptional inputs, which RFC 9380 §6.6.3
 * sends to the identity. */
void G_OP(map_to_curve)(G_T *out, const FE *u)
{
    const struct sswu_consts *k = &sswu_k;
    FE xn, xd, y, dpow[ISO_YNUM_LEN], xnum, xden, ynum, yden;
    G_T id;

    pthread_once(&sswu_once, sswu_init_once);
    sswu_map(&xn, &xd, &y, u, k);
    dpow[0] = FE_ONE;
    dpow[1] = xd;
    for (int j = 2; j < ISO_YNUM_LEN; j++)
        FE_OP(mul)(&dpow[j], &dpow[j - 1], &xd);
    sswu_iso_poly(&xnum, k->xnum, ISO_XNUM_LEN, &xn, dpow);
    sswu_iso_poly(&xden, k->xden, ISO_XDEN_LEN, &xn, dpow);
    sswu_iso_poly(&ynum, k->ynum, ISO_YNUM_LEN, &xn, dpow);
    sswu_iso_poly(&yden, k->yden, ISO_YDEN_LEN, &xn, dpow);
    FE_OP(mul)(&xden, &xden, &xd);
    FE_OP(mul)(&out->x, &xnum, &yden);
    FE_OP(mul)(&out->y, &y, &ynum);
    FE_OP(mul)(&out->y, &out->y, &xden);
    FE_OP(mul)(&out->z, &xden, &yden);
    G_OP(set_identity)(&id);
    G_OP(cmov)(out, &id, FE_OP(is_zero)(&out->z));
}

/* RFC 9380 §3: hash_to_curve maps two field elements and adds the images
 * (count = 2), encode_to_curve maps one (count = 1); both clear the cofactor. */
static int sswu_hash(G_T *out, size_t count, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len)
{
    FE u[2];
    G_T q;
    int err = FE_OP(hash_to_field)(u, count, msg, msg_len, dst, dst_len);

    if (err != BLS_OK)
        return err;
    G_OP(map_to_curve)(out, &u[0]);
    if (count == 2) {
        G_OP(map_to_curve)(&q, &u[1]);
        G_OP(add)(out, out, &q);
    }
    G_OP(clear_cofactor)(out, out);
    return BLS_OK;
}

int G_OP(hash_to_curve)(G_T *out, const uint8_t *msg, size_t msg_len,
                        const uint8_t *dst, size_t dst_len)
{
    return sswu_hash(out, 2, msg, msg_len, dst, dst_len);
}

int G_OP(encode_to_curve)(G_T *out, const uint8_t *msg, size_t msg_len,
                          const uint8_t *dst, size_t dst_len)
{
    return sswu_hash(out, 1, msg, msg_len, dst, dst_len);
}

#endif
