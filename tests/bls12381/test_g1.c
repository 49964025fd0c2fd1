/* Tests for G1 group arithmetic (src/bls12381/g1.c, curve_impl.h).
 *
 * The body is written once for both groups: test_g2.c defines TG_GROUP 2 and
 * includes this file, so the G1 and G2 tests cannot drift apart.  Checks:
 * the group law (identity, doubling, negation), scalar multiplication in all
 * its variants against each other and against the 1000 known multiples [i]G
 * of tests/vectors, edge scalars 0, 1, r-1, subgroup membership (a point of
 * E outside G is rejected), cofactor clearing against [h_eff]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bls12381.h"
#include "internal/g1.h"
#include "internal/g2.h"
#include "tap.h"

#ifndef TG_GROUP
#define TG_GROUP 1
#endif

#if TG_GROUP == 1
#define G(name) bls_g1_##name
#define F(name) bls_fp_##name
#define FE bls_fp_t
#define PT bls_g1_t
#define AFF bls_g1_affine_t
#define FB bls_g1_fixed_base_t
#define GNAME "G1"
#define GEN_AFFINE BLS_G1_GENERATOR_AFFINE
#define UNCOMPRESSED BLS_G1_UNCOMPRESSED_BYTES
#define VECTOR_FILE "g1_uncompressed_valid_test_vectors.dat"
/* RFC 9380 h_eff for G1: 1 - x. */
static const uint64_t H_EFF[] = {0xd201000000010001ULL};
/* Field element from a big-endian coordinate of the vector file. */
static int fe_from_be(bls_fp_t *r, const uint8_t *in)
{
    return bls_fp_from_bytes(r, in);
}
/* Candidate x coordinates for a point outside the subgroup. */
static void fe_candidate(bls_fp_t *r, uint64_t i)
{
    bls_fp_from_u64(r, i);
}
#else
#define G(name) bls_g2_##name
#define F(name) bls_fp2_##name
#define FE bls_fp2_t
#define PT bls_g2_t
#define AFF bls_g2_affine_t
#define FB bls_g2_fixed_base_t
#define GNAME "G2"
#define GEN_AFFINE BLS_G2_GENERATOR_AFFINE
#define UNCOMPRESSED BLS_G2_UNCOMPRESSED_BYTES
#define VECTOR_FILE "g2_uncompressed_valid_test_vectors.dat"
/* RFC 9380 §8.8.2 h_eff for G2 (636 bits), little-endian limbs. */
static const uint64_t H_EFF[] = {
    0xe8020005aaa95551ULL, 0x59894c0adebbf6b4ULL, 0xe954cbc06689f6a3ULL, 0x2ec0ec69d7477c1aULL,
    0x6d82bf015d1212b0ULL, 0x329c2f178731db95ULL, 0x9986ff031508ffe1ULL, 0x88e2a8e9145ad768ULL,
    0x584c6a0ea91b3528ULL, 0x0bc69f08f2ee75b3ULL};
/* Fp2 coordinates are stored c1 then c0. */
static int fe_from_be(bls_fp2_t *r, const uint8_t *in)
{
    int e1 = bls_fp_from_bytes(&r->c1, in);
    int e0 = bls_fp_from_bytes(&r->c0, in + BLS_FP_BYTES);
    return e1 != BLS_OK ? e1 : e0;
}
static void fe_candidate(bls_fp2_t *r, uint64_t i)
{
    bls_fp_from_u64(&r->c0, i);
    r->c1 = BLS_FP_ONE;
}
#endif

static const uint64_t R_LIMBS[4] = {0xffffffff00000001ULL, 0x53bda402fffe5bfeULL,
                                    0x3339d80809a1d805ULL, 0x73eda753299d7d48ULL};

static int is_identity_affine(const AFF *a)
{
    return a->infinity == 1 && F(is_zero)(&a->x) && F(is_zero)(&a->y);
}

static int affine_equal(const AFF *a, const AFF *b)
{
    if (a->infinity || b->infinity)
        return a->infinity == b->infinity;
    return F(equal)(&a->x, &b->x) && F(equal)(&a->y, &b->y);
}

/* Every way of computing [k]P for P = base; all must agree with want. */
static int all_muls_agree(const PT *base, const FB *tab, const bls_fr_t *k, const PT *want)
{
    PT r;
    AFF a;
    int ok = 1;
    G(mul)(&r, base, k);
    ok &= (int)G(equal)(&r, want);
    G(mul_vartime)(&r, base, k);
    ok &= (int)G(equal)(&r, want);
    G(fixed_base_mul)(&r, tab, k);
    ok &= (int)G(equal)(&r, want);
    G(fixed_base_mul_vartime)(&r, tab, k);
    ok &= (int)G(equal)(&r, want);
    G(to_affine)(&a, base);
    ok &= G(msm_vartime)(&r, &a, k, 1) == BLS_OK;
    ok &= (int)G(equal)(&r, want);
    return ok;
}

static void test_group_law(void)
{
    PT g, o, t, u, ng;
    AFF a, oa;
    G(generator)(&g);
    G(set_identity)(&o);
    G(to_affine)(&a, &g);

    tap_eq(G(affine_is_on_curve)(&GEN_AFFINE), 1, GNAME " generator on curve");
    tap_eq(G(is_in_subgroup)(&g), 1, GNAME " generator in subgroup");
    tap_eq(G(is_in_subgroup_vartime)(&g), 1, GNAME " generator in subgroup (vartime)");
    tap_ok(affine_equal(&a, &GEN_AFFINE) && a.infinity == 0, GNAME " to_affine(generator)");
    tap_ok(G(is_identity)(&o) == 1 && G(is_identity)(&g) == 0, GNAME " is_identity");
    G(to_affine)(&oa, &o);
    tap_ok(is_identity_affine(&oa), GNAME " to_affine(O) is infinity");
    G(from_affine)(&t, &oa);
    tap_eq(G(is_identity)(&t), 1, GNAME " from_affine(infinity) = O");
    tap_eq(G(affine_is_on_curve)(&oa), 1, GNAME " infinity counts as on the curve");
    tap_eq(G(is_in_subgroup)(&o), 1, GNAME " O in subgroup");
    tap_eq(G(is_in_subgroup_vartime)(&o), 1, GNAME " O in subgroup (vartime)");

    {
        AFF bad = GEN_AFFINE;
        F(add)(&bad.y, &bad.y, &GEN_AFFINE.y);
        tap_eq(G(affine_is_on_curve)(&bad), 0, GNAME " (x, 2y) rejected by on-curve check");
    }

    G(add)(&t, &g, &g);
    G(dbl)(&u, &g);
    tap_eq(G(equal)(&t, &u), 1, GNAME " G + G = 2G");
    G(add_affine)(&t, &g, &a);
    tap_eq(G(equal)(&t, &u), 1, GNAME " G + affine G = 2G");
    G(neg)(&ng, &g);
    G(add)(&t, &g, &ng);
    tap_eq(G(is_identity)(&t), 1, GNAME " G + (-G) = O");
    G(add)(&t, &o, &g);
    tap_eq(G(equal)(&t, &g), 1, GNAME " O + G = G");
    G(add)(&t, &g, &o);
    tap_eq(G(equal)(&t, &g), 1, GNAME " G + O = G");
    G(add)(&t, &o, &o);
    tap_eq(G(is_identity)(&t), 1, GNAME " O + O = O");
    G(dbl)(&t, &o);
    tap_eq(G(is_identity)(&t), 1, GNAME " 2O = O");
    G(add_affine)(&t, &g, &oa);
    tap_eq(G(equal)(&t, &g), 1, GNAME " G + affine O = G");
    G(add_affine)(&t, &o, &a);
    tap_eq(G(equal)(&t, &g), 1, GNAME " O + affine G = G");
    G(add_affine)(&t, &o, &oa);
    tap_eq(G(is_identity)(&t), 1, GNAME " O + affine O = O");
    G(to_affine)(&a, &ng);
    G(add_affine)(&t, &g, &a);
    tap_eq(G(is_identity)(&t), 1, GNAME " G + affine(-G) = O");
    tap_ok(G(equal)(&g, &ng) == 0 && G(equal)(&g, &o) == 0 && G(equal)(&o, &g) == 0,
           GNAME " equal distinguishes G, -G, O");

    /* Equality must not depend on the projective representative. */
    {
        FE z;
        fe_candidate(&z, 77);
        t = g;
        F(mul)(&t.x, &t.x, &z);
        F(mul)(&t.y, &t.y, &z);
        F(mul)(&t.z, &t.z, &z);
        tap_eq(G(equal)(&t, &g), 1, GNAME " equal across projective scalings");
    }
    /* cmov */
    t = g;
    G(cmov)(&t, &o, 0);
    tap_eq(G(equal)(&t, &g), 1, GNAME " cmov 0 keeps");
    G(cmov)(&t, &o, 1);
    tap_eq(G(is_identity)(&t), 1, GNAME " cmov 1 moves");
}

static void test_scalars(void)
{
    PT g, o, t, u, v;
    static FB tab, otab;
    bls_fr_t k, a, b, ab;
    G(generator)(&g);
    G(set_identity)(&o);
    G(fixed_base_init)(&tab, &g);
    G(fixed_base_init)(&otab, &o);

    G(mul_limbs_vartime)(&t, &g, R_LIMBS, 4);
    tap_eq(G(is_identity)(&t), 1, GNAME " [r]G = O");
    tap_ok(all_muls_agree(&g, &tab, &BLS_FR_ZERO, &o), GNAME " [0]G = O (all variants)");
    tap_ok(all_muls_agree(&g, &tab, &BLS_FR_ONE, &g), GNAME " [1]G = G (all variants)");
    bls_fr_neg(&k, &BLS_FR_ONE);
    G(neg)(&t, &g);
    tap_ok(all_muls_agree(&g, &tab, &k, &t), GNAME " [r-1]G = -G (all variants)");
    bls_fr_from_u64(&k, 2);
    G(dbl)(&t, &g);
    tap_ok(all_muls_agree(&g, &tab, &k, &t), GNAME " [2]G (all variants)");
    bls_fr_random(&k);
    tap_ok(all_muls_agree(&o, &otab, &k, &o), GNAME " [k]O = O (all variants)");

    for (int i = 0; i < 8; i++) {
        bls_fr_random(&a);
        bls_fr_random(&b);
        bls_fr_mul(&ab, &a, &b);
        G(mul)(&t, &g, &b);
        G(mul)(&u, &t, &a);
        G(mul_vartime)(&v, &g, &ab);
        tap_eq(G(equal)(&u, &v), 1, GNAME " [a]([b]G) = [ab]G (%d)", i);
        /* The same product through the other variants, base [b]G. */
        static FB tb;
        G(fixed_base_init)(&tb, &t);
        tap_ok(all_muls_agree(&t, &tb, &a, &u), GNAME " variants agree on [a]P, P = [b]G (%d)", i);
        /* Against the generic (no endomorphism) path. */
        uint64_t al[4];
        bls_fr_to_canonical(al, &a);
        G(mul_limbs_vartime)(&v, &t, al, 4);
        tap_eq(G(equal)(&u, &v), 1, GNAME " mul_limbs_vartime agrees (%d)", i);
        tap_eq(G(is_in_subgroup)(&u), 1, GNAME " [ab]G in subgroup (%d)", i);
        tap_eq(G(is_in_subgroup_vartime)(&u), 1, GNAME " [ab]G in subgroup, vartime (%d)", i);
    }
    /* Distributivity: [a]G + [b]G = [a+b]G. */
    bls_fr_random(&a);
    bls_fr_random(&b);
    bls_fr_add(&ab, &a, &b);
    G(mul)(&t, &g, &a);
    G(mul)(&u, &g, &b);
    G(add)(&t, &t, &u);
    G(mul)(&v, &g, &ab);
    tap_eq(G(equal)(&t, &v), 1, GNAME " [a]G + [b]G = [a+b]G");
    /* Small scalars: 1..40 against repeated addition (exercises every digit). */
    {
        int ok = 1;
        G(set_identity)(&t);
        for (uint64_t i = 1; i <= 40; i++) {
            G(add)(&t, &t, &g);
            bls_fr_from_u64(&k, i);
            ok &= all_muls_agree(&g, &tab, &k, &t);
        }
        tap_ok(ok, GNAME " [i]G for i = 1..40, all variants");
    }
}

/* Entry i of the vector file is [i]G (entry 0: the identity, flag 0x40). */
static void test_vectors(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/bls12381/%s", dir, VECTOR_FILE);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        tap_ok(0, GNAME " open %s", path);
        return;
    }
    enum { N = 1000 };
    static uint8_t buf[N][UNCOMPRESSED];
    size_t got = fread(buf, UNCOMPRESSED, N, f);
    fclose(f);
    tap_eq(got, N, GNAME " read %zu vectors", got);
    if (got != N)
        return;

    static PT multiples[N];
    static AFF batch[N];
    PT g, acc;
    G(generator)(&g);
    G(set_identity)(&acc);
    int ok_parse = 1, ok_sum = 1, ok_mul = 1, ok_curve = 1;
    for (size_t i = 0; i < N; i++) {
        AFF want, have;
        uint8_t e[UNCOMPRESSED];
        memcpy(e, buf[i], UNCOMPRESSED);
        uint8_t flags = e[0] & 0xe0;
        e[0] &= 0x1f;
        want.infinity = (flags & 0x40) ? 1 : 0;
        ok_parse &= (i == 0) == (want.infinity == 1) && (flags & 0x80) == 0;
        ok_parse &= fe_from_be(&want.x, e) == BLS_OK;
        ok_parse &= fe_from_be(&want.y, e + UNCOMPRESSED / 2) == BLS_OK;
        ok_curve &= G(affine_is_on_curve)(&want) == 1;

        multiples[i] = acc;
        G(to_affine)(&have, &acc);
        ok_sum &= affine_equal(&have, &want);
        if (i % 37 == 0 || i < 20) {
            bls_fr_t k;
            PT m;
            bls_fr_from_u64(&k, i);
            G(mul)(&m, &g, &k);
            G(to_affine)(&have, &m);
            ok_mul &= affine_equal(&have, &want);
            G(mul_vartime)(&m, &g, &k);
            G(to_affine)(&have, &m);
            ok_mul &= affine_equal(&have, &want);
        }
        G(add)(&acc, &acc, &g);
        batch[i] = want;
    }
    tap_ok(ok_parse, GNAME " vectors parse (identity flag only on entry 0)");
    tap_ok(ok_curve, GNAME " vectors on the curve");
    tap_ok(ok_sum, GNAME " vectors: running sum i*G matches all 1000");
    tap_ok(ok_mul, GNAME " vectors: ct and vartime [i]G match");
    static AFF conv[N];
    G(batch_to_affine_vartime)(conv, multiples, N);
    int ok_batch = 1;
    for (size_t i = 0; i < N; i++)
        ok_batch &= affine_equal(&conv[i], &batch[i]) &&
                    (i != 0 || is_identity_affine(&conv[0]));
    tap_ok(ok_batch, GNAME " batch_to_affine_vartime over the 1000 vectors");
}

/* A point of E (or E') outside the order-r subgroup: the first candidate x
 * with x^3 + b a square. */
static int point_outside_subgroup(PT *p)
{
    for (uint64_t i = 1; i < 1000; i++) {
        AFF a;
        FE rhs;
        fe_candidate(&a.x, i);
        F(sqr)(&rhs, &a.x);
        F(mul)(&rhs, &rhs, &a.x);
        /* b = y_G^2 - x_G^3 recovers the curve constant from the generator. */
        FE b, t;
        F(sqr)(&b, &GEN_AFFINE.y);
        F(sqr)(&t, &GEN_AFFINE.x);
        F(mul)(&t, &t, &GEN_AFFINE.x);
        F(sub)(&b, &b, &t);
        F(add)(&rhs, &rhs, &b);
        if (!F(sqrt)(&a.y, &rhs))
            continue;
        a.infinity = 0;
        G(from_affine)(p, &a);
        return 1;
    }
    return 0;
}

/* The variable-time subgroup test must give the constant-time answer for
 * every point: the multiples [k]T of a small-order point T (their doubling
 * chains meet the exceptional cases P = Q, P = -Q and O), and [k]T + [j]P,
 * in projective form with Z != 1 so the coordinate conversion is exercised. */
static void test_vartime_agrees_on_multiples(const PT *t, const PT *p)
{
    PT m, q;
    int agree = 1, members = 0;
    G(set_identity)(&m);
    for (int k = 0; k < 24; k++) {
        uint64_t ct = G(is_in_subgroup)(&m);
        agree &= ct == G(is_in_subgroup_vartime)(&m);
        members += (int)ct;
        G(add)(&q, &m, p);
        agree &= G(is_in_subgroup)(&q) == G(is_in_subgroup_vartime)(&q);
        G(dbl)(&q, &q);
        agree &= G(is_in_subgroup)(&q) == G(is_in_subgroup_vartime)(&q);
        G(add)(&m, &m, t);
    }
    tap_ok(agree, GNAME " is_in_subgroup_vartime agrees on small-order multiples and sums");
    tap_ok(members > 0 && members < 24, GNAME " those include members (O) and non-members");
}

static void test_subgroup_and_cofactor(void)
{
    PT p, t, u, g;
    AFF a;
    G(generator)(&g);
    if (!tap_ok(point_outside_subgroup(&p), GNAME " found a point on the curve"))
        return;
    G(to_affine)(&a, &p);
    tap_eq(G(affine_is_on_curve)(&a), 1, GNAME " it is on the curve");
    G(mul_limbs_vartime)(&t, &p, R_LIMBS, 4);
    tap_eq(G(is_identity)(&t), 0, GNAME " [r]P != O: P is outside the subgroup");
    tap_eq(G(is_in_subgroup)(&p), 0, GNAME " is_in_subgroup rejects P");
    tap_eq(G(is_in_subgroup_vartime)(&p), 0, GNAME " is_in_subgroup_vartime rejects P");
    /* Also a point of small order only: [r]P has no G component. */
    tap_eq(G(is_in_subgroup)(&t), 0, GNAME " is_in_subgroup rejects [r]P (cofactor part)");
    tap_eq(G(is_in_subgroup_vartime)(&t), 0,
           GNAME " is_in_subgroup_vartime rejects [r]P (cofactor part)");
    test_vartime_agrees_on_multiples(&t, &p);
    G(add)(&u, &p, &g);
    tap_eq(G(is_in_subgroup)(&u), 0, GNAME " is_in_subgroup rejects P + G");
    tap_eq(G(is_in_subgroup_vartime)(&u), 0, GNAME " is_in_subgroup_vartime rejects P + G");

    G(clear_cofactor)(&t, &p);
    G(mul_limbs_vartime)(&u, &p, H_EFF, sizeof H_EFF / sizeof H_EFF[0]);
    tap_eq(G(equal)(&t, &u), 1, GNAME " clear_cofactor(P) = [h_eff]P");
    tap_eq(G(is_identity)(&t), 0, GNAME " clear_cofactor(P) != O");
    tap_eq(G(is_in_subgroup)(&t), 1, GNAME " clear_cofactor(P) in subgroup");
    tap_eq(G(is_in_subgroup_vartime)(&t), 1, GNAME " clear_cofactor(P) in subgroup (vartime)");
    G(mul_limbs_vartime)(&u, &t, R_LIMBS, 4);
    tap_eq(G(is_identity)(&u), 1, GNAME " [r] clear_cofactor(P) = O");
    G(clear_cofactor)(&t, &g);
    G(mul_limbs_vartime)(&u, &g, H_EFF, sizeof H_EFF / sizeof H_EFF[0]);
    tap_eq(G(equal)(&t, &u), 1, GNAME " clear_cofactor(G) = [h_eff]G");
    G(set_identity)(&u);
    G(clear_cofactor)(&t, &u);
    tap_eq(G(is_identity)(&t), 1, GNAME " clear_cofactor(O) = O");

#if TG_GROUP == 2
    /* psi acts on G2 as [x], x = -0xd201000000010000. */
    {
        static const uint64_t abs_x[1] = {0xd201000000010000ULL};
        bls_fr_t k;
        G(psi)(&t, &g);
        G(mul_limbs_vartime)(&u, &g, abs_x, 1);
        G(neg)(&u, &u);
        tap_eq(G(equal)(&t, &u), 1, "G2 psi(G) = [x]G");
        bls_fr_random(&k);
        G(mul)(&p, &g, &k);
        G(psi)(&t, &p);
        G(mul_limbs_vartime)(&u, &p, abs_x, 1);
        G(neg)(&u, &u);
        tap_eq(G(equal)(&t, &u), 1, "G2 psi(P) = [x]P for random P in G2");
    }
#endif
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/vectors";
    /* The curve constants in the source are Montgomery form with R = 2^384. */
    {
        bls_fp_t one;
        uint64_t l[BLS_FP_LIMBS] = {1, 0, 0, 0, 0, 0};
        bls_fp_from_canonical(&one, l);
        tap_ok(bls_fp_equal(&one, &BLS_FP_ONE) == 1 && memcmp(&one, &BLS_FP_ONE, sizeof one) == 0,
               "Montgomery one as expected");
    }
    test_group_law();
    test_scalars();
    test_vectors(dir);
    test_subgroup_and_cofactor();
    return tap_done();
}
