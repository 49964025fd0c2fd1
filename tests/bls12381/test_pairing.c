/* Pairing tests: CIRCL known answers (single, multi, prepared), bilinearity,
 * non-degeneracy, multi-pairing = product of pairings, e(P,Q) e(-P,Q) = 1,
 * identity inputs.  argv[1] is tests/vectors. */
#include "pairing_kat.h"
#include "tap.h"

#define MAX_PAIRS 20 /* more than one Miller-loop chunk */

static int gt_matches(const bls_gt_t *e, const uint8_t want[BLS_GT_BYTES])
{
    uint8_t got[BLS_GT_BYTES];

    bls_gt_to_bytes(got, e);
    return memcmp(got, want, BLS_GT_BYTES) == 0;
}

static void random_g1(bls_g1_affine_t *r, bls_fr_t *k)
{
    bls_g1_t g, p;

    bls_fr_random(k);
    bls_g1_generator(&g);
    bls_g1_mul(&p, &g, k);
    bls_g1_to_affine(r, &p);
}

static void random_g2(bls_g2_affine_t *r, bls_fr_t *k)
{
    bls_g2_t g, q;

    bls_fr_random(k);
    bls_g2_generator(&g);
    bls_g2_mul(&q, &g, k);
    bls_g2_to_affine(r, &q);
}

static void test_kat(const kat_t *k)
{
    bls_g1_affine_t ps[KAT_MAX_CASES];
    bls_g2_affine_t qs[KAT_MAX_CASES];
    bls_g2_prepared_t *prep = malloc(KAT_MAX_CASES * sizeof *prep);
    const kat_case_t *gen = kat_generators(k);
    bls_gt_t e, e1, base;
    bls_fp12_t f;
    size_t i;

    bls_gt_one(&e);
    tap_ok(gt_matches(&e, k->identity), "GT identity encodes as the oracle's");
    tap_ok(gen != NULL, "KAT has the generator case");
    if (gen == NULL || prep == NULL)
        return;
    bls_pairing(&base, &gen->p, &gen->q);

    for (i = 0; i < k->n; i++) {
        const kat_case_t *c = &k->c[i];
        bls_fr_t ab;

        bls_pairing(&e, &c->p, &c->q);
        tap_ok(gt_matches(&e, c->gt), "KAT %s: e(P, Q) equals CIRCL's", c->name);
        bls_g2_prepare(&prep[i], &c->q);
        bls_miller_loop_prepared(&f, &c->p, &prep[i], 1);
        bls_final_exp(&e1, &f);
        tap_ok(bls_gt_equal(&e, &e1), "KAT %s: prepared Q gives the same", c->name);
        bls_fr_mul(&ab, &c->a, &c->b);
        bls_gt_pow(&e1, &base, &ab);
        tap_ok(bls_gt_equal(&e, &e1), "KAT %s: e([a]G1, [b]G2) = e(G1, G2)^(ab)", c->name);
        ps[i] = c->p;
        qs[i] = c->q;
    }
    bls_pairing_multi(&e, ps, qs, k->n);
    tap_ok(gt_matches(&e, k->product), "KAT product of %zu pairings equals CIRCL's ProdPair", k->n);
    bls_miller_loop_prepared(&f, ps, prep, k->n);
    bls_final_exp(&e, &f);
    tap_ok(gt_matches(&e, k->product), "KAT product with prepared Q");
    free(prep);
}

static void test_bilinearity(void)
{
    bls_g1_affine_t g1a, pa, p0;
    bls_g2_affine_t g2a, qb, q0;
    bls_g1_t g1, t1, k1;
    bls_g2_t g2, t2, k2;
    bls_fr_t a, b, ab, r_minus_1;
    bls_gt_t e, e2, base, want;
    int i;

    bls_g1_generator(&g1);
    bls_g2_generator(&g2);
    bls_g1_to_affine(&g1a, &g1);
    bls_g2_to_affine(&g2a, &g2);
    bls_pairing(&base, &g1a, &g2a);
    tap_ok(!bls_gt_is_one(&base), "non-degenerate: e(G1, G2) != 1");
    bls_fr_neg(&r_minus_1, &BLS_FR_ONE);
    bls_gt_pow(&want, &base, &r_minus_1);
    bls_gt_mul(&want, &want, &base);
    tap_ok(bls_gt_is_one(&want), "e(G1, G2)^r = 1");
    tap_eq(bls_gt_is_in_subgroup(&base.v), 1, "e(G1, G2) passes the GT membership test");

    for (i = 0; i < 4; i++) {
        random_g1(&pa, &a);
        random_g2(&qb, &b);
        bls_pairing(&e, &pa, &qb);
        bls_fr_mul(&ab, &a, &b);
        bls_gt_pow_vartime(&want, &base, &ab);
        tap_ok(bls_gt_equal(&e, &want), "bilinear: e([a]G1, [b]G2) = e(G1, G2)^(ab), random %d", i);

        /* move a scalar k across: e([k]P, Q) = e(P, [k]Q) */
        random_g1(&p0, &a);
        random_g2(&q0, &b);
        bls_g1_from_affine(&t1, &p0);
        bls_g1_mul(&k1, &t1, &b);
        bls_g1_to_affine(&pa, &k1);
        bls_g2_from_affine(&t2, &q0);
        bls_g2_mul(&k2, &t2, &b);
        bls_g2_to_affine(&qb, &k2);
        bls_pairing(&e, &pa, &q0);
        bls_pairing(&e2, &p0, &qb);
        tap_ok(bls_gt_equal(&e, &e2), "e([k]P, Q) = e(P, [k]Q), random %d", i);
    }
}

static void test_multi(void)
{
    bls_g1_affine_t p[MAX_PAIRS];
    bls_g2_affine_t q[MAX_PAIRS];
    bls_g2_prepared_t *prep = malloc(MAX_PAIRS * sizeof *prep);
    static const size_t sizes[] = { 1, 2, 3, 4, 5, 6, 16, 17, MAX_PAIRS };
    bls_gt_t e, prod, single;
    bls_fp12_t f, f1;
    bls_fr_t k;
    size_t i, s;

    if (prep == NULL)
        return;
    for (i = 0; i < MAX_PAIRS; i++) {
        random_g1(&p[i], &k);
        random_g2(&q[i], &k);
        bls_g2_prepare(&prep[i], &q[i]);
    }
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];

        bls_gt_one(&prod);
        for (i = 0; i < n; i++) {
            bls_pairing(&single, &p[i], &q[i]);
            bls_gt_mul(&prod, &prod, &single);
        }
        bls_pairing_multi(&e, p, q, n);
        tap_ok(bls_gt_equal(&e, &prod), "multi-pairing of %zu = product of single pairings", n);
        bls_miller_loop_prepared(&f, p, prep, n);
        bls_final_exp(&e, &f);
        tap_ok(bls_gt_equal(&e, &prod), "prepared multi-pairing of %zu = product", n);
        bls_miller_loop_mixed(&f, p, q, n / 2, p + n / 2, prep + n / 2, n - n / 2);
        bls_final_exp(&e, &f);
        tap_ok(bls_gt_equal(&e, &prod), "mixed plain/prepared multi-pairing of %zu = product", n);
    }
    bls_miller_loop(&f, &p[0], &q[0]);
    bls_miller_loop_multi(&f1, &p[0], &q[0], 1);
    tap_eq(bls_fp12_equal(&f, &f1), 1, "single Miller loop = multi of one");
    bls_pairing_multi(&e, p, q, 0);
    tap_ok(bls_gt_is_one(&e), "empty product is 1");
    free(prep);
}

static void test_inverse_and_identity(const kat_t *k)
{
    const kat_case_t *c = &k->c[k->n - 1];
    bls_g1_affine_t p[3], neg_p, id1 = { .infinity = 1 };
    bls_g2_affine_t q[3], neg_q, id2 = { .infinity = 1 };
    bls_g2_prepared_t *prep = malloc(3 * sizeof *prep);
    bls_gt_t e, e1, e2;
    bls_fp12_t f;

    if (prep == NULL)
        return;
    neg_p = c->p;
    bls_fp_neg(&neg_p.y, &c->p.y);
    neg_q = c->q;
    bls_fp2_neg(&neg_q.y, &c->q.y);

    bls_pairing(&e1, &c->p, &c->q);
    bls_pairing(&e2, &neg_p, &c->q);
    bls_gt_mul(&e, &e1, &e2);
    tap_ok(bls_gt_is_one(&e), "e(P, Q) e(-P, Q) = 1");
    bls_gt_inv(&e, &e1);
    tap_ok(bls_gt_equal(&e, &e2), "e(-P, Q) = e(P, Q)^-1 (conjugation)");
    bls_pairing(&e2, &c->p, &neg_q);
    bls_gt_mul(&e, &e1, &e2);
    tap_ok(bls_gt_is_one(&e), "e(P, Q) e(P, -Q) = 1");
    p[0] = c->p;
    p[1] = neg_p;
    q[0] = q[1] = c->q;
    bls_pairing_multi(&e, p, q, 2);
    tap_ok(bls_gt_is_one(&e), "multi-pairing e(P, Q) e(-P, Q) = 1");

    bls_pairing(&e, &id1, &c->q);
    tap_ok(bls_gt_is_one(&e), "e(O, Q) = 1");
    bls_pairing(&e, &c->p, &id2);
    tap_ok(bls_gt_is_one(&e), "e(P, O) = 1");
    bls_pairing(&e, &id1, &id2);
    tap_ok(bls_gt_is_one(&e), "e(O, O) = 1");
    bls_miller_loop(&f, &id1, &c->q);
    tap_eq(bls_fp12_is_one(&f), 1, "Miller loop with identity P is exactly 1");

    /* identities in the middle of a product change nothing */
    p[0] = c->p;
    q[0] = c->q;
    p[1] = id1;
    q[1] = c->q;
    p[2] = c->p;
    q[2] = id2;
    bls_pairing_multi(&e, p, q, 3);
    tap_ok(bls_gt_equal(&e, &e1), "multi-pairing skips pairs with an identity input");
    bls_g2_prepare(&prep[0], &q[0]);
    bls_g2_prepare(&prep[1], &q[1]);
    bls_g2_prepare(&prep[2], &q[2]);
    bls_miller_loop_prepared(&f, p, prep, 3);
    bls_final_exp(&e, &f);
    tap_ok(bls_gt_equal(&e, &e1), "prepared multi-pairing skips identity pairs");
    free(prep);
}

/* The final exponentiation lands in GT for any non-zero input. */
static void test_final_exp_range(const kat_t *k)
{
    bls_fp12_t f;
    bls_gt_t e;
    uint8_t bytes[BLS_GT_BYTES];
    int i;

    for (i = 0; i < 3; i++) {
        /* an arbitrary Fp12 element: KAT bytes read as coordinates */
        memcpy(bytes, k->c[i % k->n].gt, BLS_GT_BYTES);
        bytes[0] ^= (uint8_t)(i + 1) & 0x0f;
        {
            bls_fp_t *co[12] = { &f.c0.c0.c0, &f.c0.c0.c1, &f.c1.c0.c0, &f.c1.c0.c1,
                             &f.c0.c1.c0, &f.c0.c1.c1, &f.c1.c1.c0, &f.c1.c1.c1,
                             &f.c0.c2.c0, &f.c0.c2.c1, &f.c1.c2.c0, &f.c1.c2.c1 };
            int j;
            for (j = 0; j < 12; j++)
                bls_fp_from_bytes_reduce(co[j], bytes + BLS_FP_BYTES * j, BLS_FP_BYTES);
        }
        tap_eq(bls_gt_is_in_subgroup(&f), 0, "arbitrary Fp12 element %d is not in GT", i);
        bls_final_exp(&e, &f);
        tap_eq(bls_gt_is_in_subgroup(&e.v), 1, "final_exp of arbitrary element %d is in GT", i);
    }
}

int main(int argc, char **argv)
{
    static kat_t k;

    if (argc < 2 || kat_load(&k, argv[1]) != 0) {
        tap_ok(0, "load %s/bls12381/pairing_kat.txt", argc < 2 ? "(no argument)" : argv[1]);
        return tap_done();
    }
    tap_ok(1, "loaded %zu KAT cases", k.n);
    test_kat(&k);
    test_bilinearity();
    test_multi();
    test_inverse_and_identity(&k);
    test_final_exp_range(&k);
    return tap_done();
}
