/* Constant-time check (ctgrind) of GT and the pairing: secrets are marked
 * undefined for valgrind memcheck, which then reports any branch or memory
 * index that depends on them.  Results are marked defined again before they
 * are compared with the same computation on public copies.  Runs under
 * valgrind --error-exitcode=99 (suite ct); needs no test vectors. */
#include <string.h>
#include <valgrind/memcheck.h>

#include "internal/pairing.h"
#include "tap.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static void ct_pow(const bls_gt_t *base)
{
    static bls_gt_fixed_base_t table;
    bls_gt_t b = *base, x, y, z;
    bls_fr_t k, kk;

    bls_fr_random(&k);
    kk = k;
    bls_gt_pow_vartime(&y, base, &k);

    SECRET(&kk, sizeof kk);
    SECRET(&b, sizeof b);
    bls_gt_pow(&x, &b, &kk);
    PUBLIC(&x, sizeof x);
    tap_ok(bls_gt_equal(&x, &y), "gt_pow with secret base and exponent");

    bls_gt_fixed_base_init(&table, base);
    bls_gt_fixed_base_pow(&z, &table, &kk);
    PUBLIC(&z, sizeof z);
    tap_ok(bls_gt_equal(&z, &y), "gt_fixed_base_pow with secret exponent");

    /* products, squares, inverses and the encoding of secret elements */
    bls_gt_mul(&x, &b, &b);
    bls_gt_sqr(&z, &b);
    bls_gt_inv(&z, &z);
    bls_gt_mul(&x, &x, &z);
    PUBLIC(&x, sizeof x);
    tap_ok(bls_gt_is_one(&x), "mul, cyclotomic square and inverse of a secret element");
    {
        uint8_t enc[BLS_GT_BYTES];
        uint64_t in;
        bls_gt_to_bytes(enc, &b);
        in = bls_gt_is_in_subgroup(&b.v);
        PUBLIC(enc, sizeof enc);
        PUBLIC(&in, sizeof in);
        tap_eq(in, 1, "membership test and encoding of a secret element");
    }
}

/* Random points [a]G1, [b]G2 from public scalars (the pairing inputs are
 * what is secret below, not how they were made). */
static void random_points(bls_g1_affine_t *p, bls_g2_affine_t *q)
{
    bls_g1_t g1, t1;
    bls_g2_t g2, t2;
    bls_fr_t a;

    bls_g1_generator(&g1);
    bls_g2_generator(&g2);
    bls_fr_random(&a);
    bls_g1_mul_vartime(&t1, &g1, &a);
    bls_fr_random(&a);
    bls_g2_mul_vartime(&t2, &g2, &a);
    bls_g1_to_affine(p, &t1);
    bls_g2_to_affine(q, &t2);
}

static void ct_pairing(void)
{
    bls_g1_affine_t p[2], pp[2];
    bls_g2_affine_t q[2], pq[2];
    bls_g2_prepared_t prep;
    bls_fp12_t f;
    bls_gt_t e, want;
    uint8_t out[BLS_GT_BYTES], want_bytes[BLS_GT_BYTES];

    random_points(&pp[0], &pq[0]);
    pp[1] = pp[0];
    pp[1].infinity = 1;
    pq[1] = pq[0];
    bls_pairing(&want, &pp[0], &pq[0]);
    bls_gt_to_bytes(want_bytes, &want);

    memcpy(p, pp, sizeof p);
    memcpy(q, pq, sizeof q);
    SECRET(p, sizeof p);
    SECRET(q, sizeof q);
    bls_pairing(&e, &p[0], &q[0]);
    bls_gt_to_bytes(out, &e);
    PUBLIC(out, sizeof out);
    tap_eq_mem(out, want_bytes, BLS_GT_BYTES, "pairing of secret P and Q");

    /* a secret identity flag: the second pair is (O, Q) */
    bls_pairing_multi(&e, p, q, 2);
    bls_gt_to_bytes(out, &e);
    PUBLIC(out, sizeof out);
    tap_eq_mem(out, want_bytes, BLS_GT_BYTES, "multi-pairing with a secret identity input");

    bls_g2_prepare(&prep, &q[0]);
    bls_miller_loop_prepared(&f, &p[0], &prep, 1);
    bls_final_exp(&e, &f);
    bls_gt_to_bytes(out, &e);
    PUBLIC(out, sizeof out);
    tap_eq_mem(out, want_bytes, BLS_GT_BYTES, "prepared pairing of secret P and Q");

    /* plain (O, Q) next to prepared (P, Q), all secret */
    bls_miller_loop_mixed(&f, &p[1], &q[1], 1, &p[0], &prep, 1);
    bls_final_exp(&e, &f);
    bls_gt_to_bytes(out, &e);
    PUBLIC(out, sizeof out);
    tap_eq_mem(out, want_bytes, BLS_GT_BYTES, "mixed plain/prepared Miller loop with secret inputs");
}

int main(void)
{
    bls_g1_affine_t p;
    bls_g2_affine_t q;
    bls_gt_t base;

    random_points(&p, &q);
    bls_pairing(&base, &p, &q);
    ct_pow(&base);
    ct_pairing();
    return tap_done();
}
