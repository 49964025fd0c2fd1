/* Tests for bls_g1_msm_vartime / bls_g2_msm_vartime (src/bls12381/msm.c): results
 * against the naive sum of single multiplications for sizes on both sides of
 * the Straus/Pippenger switch, with identities, repeated points and edge
 * scalars mixed in; n = 0, n = 1, and the size bound.
 *
 * The per-group body is below the #else: this file includes itself once per
 * group with TM_GROUP set, so G1 and G2 share one test text. */
#ifndef TM_GROUP

#include <string.h>

#include "bls12381.h"
#include "internal/g1.h"
#include "internal/g2.h"
#include "tap.h"

#define TM_MAXN 1100

#define TM_GROUP 1
#include "test_msm.c"
#undef TM_GROUP
#define TM_GROUP 2
#include "test_msm.c"

int main(void)
{
    bls_g1_run();
    bls_g2_run();
    return tap_done();
}

#else /* per-group body */

#if TM_GROUP == 1
#define G(name) bls_g1_##name
#define PT bls_g1_t
#define AFF bls_g1_affine_t
#define GNAME "G1"
#define MSM_MAX BLS_G1_MSM_MAX
#else
#define G(name) bls_g2_##name
#define PT bls_g2_t
#define AFF bls_g2_affine_t
#define GNAME "G2"
#define MSM_MAX BLS_G2_MSM_MAX
#endif

/* Naive sum_i [k_i]P_i with the constant-time single multiplication. */
static void G(naive)(PT *r, const AFF *p, const bls_fr_t *k, size_t n)
{
    PT acc, t, q;
    G(set_identity)(&acc);
    for (size_t i = 0; i < n; i++) {
        G(from_affine)(&q, &p[i]);
        G(mul)(&t, &q, &k[i]);
        G(add)(&acc, &acc, &t);
    }
    *r = acc;
}

static void G(run)(void)
{
    static AFF p[TM_MAXN];
    static bls_fr_t k[TM_MAXN];
    PT g, t, r, want;
    bls_fr_t s;

    /* Random points [s_i]G, with the identity, repeats, negations and edge
     * scalars (0, 1, r-1) sprinkled in. */
    G(generator)(&g);
    for (size_t i = 0; i < TM_MAXN; i++) {
        bls_fr_random(&s);
        G(mul_vartime)(&t, &g, &s);
        G(to_affine)(&p[i], &t);
        bls_fr_random(&k[i]);
    }
    G(set_identity)(&t);
    G(to_affine)(&p[3], &t);
    p[5] = p[4];
    p[7] = p[6];
    G(from_affine)(&t, &p[6]);
    G(neg)(&t, &t);
    G(to_affine)(&p[8], &t);
    k[9] = BLS_FR_ZERO;
    k[10] = BLS_FR_ONE;
    bls_fr_neg(&k[11], &BLS_FR_ONE);
    k[12] = k[11];

    G(set_identity)(&r);
    r.y = r.x; /* garbage */
    tap_ok(G(msm_vartime)(&r, p, k, 0) == BLS_OK && G(is_identity)(&r), GNAME " n = 0 gives O");
    tap_ok(G(msm_vartime)(&r, NULL, NULL, 0) == BLS_OK && G(is_identity)(&r),
           GNAME " n = 0 with NULL arrays gives O");
    tap_eq(G(msm_vartime)(&r, p, k, MSM_MAX + 1), BLS_ERR_ARGUMENT,
           GNAME " n > MSM_MAX rejected");
    tap_eq(G(msm_vartime)(NULL, p, k, 1), BLS_ERR_ARGUMENT, GNAME " NULL result rejected");

    /* Straus up to 16 (G1) / 8 (G2) pairs; then Pippenger on the split terms;
     * from about 250 pairs on the full scalars, in chunks of 1024. */
    static const size_t sizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 20, 33, 64, 100, 257, TM_MAXN};
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        size_t n = sizes[si];
        /* Shift the window so small sizes also see the special entries. */
        size_t off = n < 14 ? 3 : 0;
        if (off + n > TM_MAXN)
            off = 0;
        int rc = G(msm_vartime)(&r, p + off, k + off, n);
        G(naive)(&want, p + off, k + off, n);
        tap_ok(rc == BLS_OK && G(equal)(&r, &want) == 1, GNAME " msm n = %zu matches naive sum", n);
    }
    /* All scalars r-1: the largest digits everywhere. */
    {
        static bls_fr_t km[64];
        for (size_t i = 0; i < 64; i++)
            bls_fr_neg(&km[i], &BLS_FR_ONE);
        G(msm_vartime)(&r, p + 20, km, 64);
        G(naive)(&want, p + 20, km, 64);
        tap_eq(G(equal)(&r, &want), 1, GNAME " msm of 64 points, all scalars r-1");
    }
    /* All points the identity. */
    {
        static AFF o[40];
        G(set_identity)(&t);
        for (size_t i = 0; i < 40; i++)
            G(to_affine)(&o[i], &t);
        G(msm_vartime)(&r, o, k, 40);
        tap_eq(G(is_identity)(&r), 1, GNAME " msm of 40 identities is O");
        G(msm_vartime)(&r, o, k, 2);
        tap_eq(G(is_identity)(&r), 1, GNAME " msm of 2 identities is O");
    }
    /* Cancellation: sum [k]P + [k](-P) = O. */
    {
        AFF pp[64];
        bls_fr_t kk[64];
        for (size_t i = 0; i < 32; i++) {
            pp[2 * i] = p[i + 40];
            G(from_affine)(&t, &p[i + 40]);
            G(neg)(&t, &t);
            G(to_affine)(&pp[2 * i + 1], &t);
            kk[2 * i] = kk[2 * i + 1] = k[i];
        }
        G(msm_vartime)(&r, pp, kk, 64);
        tap_eq(G(is_identity)(&r), 1, GNAME " msm with cancelling pairs is O");
    }
}

#undef G
#undef PT
#undef AFF
#undef GNAME
#undef MSM_MAX
#endif
