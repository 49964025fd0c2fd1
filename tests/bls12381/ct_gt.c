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

static void ct_pow(const gt_t *base)
{
    static gt_fixed_base_t table;
    gt_t b = *base, x, y, z;
    fr_t k, kk;

    fr_random(&k);
    kk = k;
    gt_pow_vartime(&y, base, &k);

    SECRET(&kk, sizeof kk);
    SECRET(&b, sizeof b);
    gt_pow(&x, &b, &kk);
    PUBLIC(&x, sizeof x);
    tap_ok(gt_equal(&x, &y), "gt_pow with secret base and exponent");

    gt_fixed_base_init(&table, base);
    gt_fixed_base_pow(&z, &table, &kk);
    PUBLIC(&z, sizeof z);
    tap_ok(gt_equal(&z, &y), "gt_fixed_base_pow with secret exponent");

    /* products, squares, inverses and the encoding of secret elements */
    gt_mul(&x, &b, &b);
    gt_sqr(&z, &b);
    gt_inv(&z, &z);
    gt_mul(&x, &x, &z);
    PUBLIC(&x, sizeof x);
    tap_ok(gt_is_one(&x), "mul, cyclotomic square and inverse of a secret element");
    {
        uint8_t enc[GT_BYTES];
        uint64_t in;
        gt_to_bytes(enc, &b);
        in = gt_is_in_subgroup(&b.v);
        PUBLIC(enc, sizeof enc);
        PUBLIC(&in, sizeof in);
        tap_ok(in == 1, "membership test and encoding of a secret element");
    }
}

/* Random points [a]G1, [b]G2 from public scalars (the pairing inputs are
 * what is secret below, not how they were made). */
static void random_points(g1_affine_t *p, g2_affine_t *q)
{
    g1_t g1, t1;
    g2_t g2, t2;
    fr_t a;

    g1_generator(&g1);
    g2_generator(&g2);
    fr_random(&a);
    g1_mul_vartime(&t1, &g1, &a);
    fr_random(&a);
    g2_mul_vartime(&t2, &g2, &a);
    g1_to_affine(p, &t1);
    g2_to_affine(q, &t2);
}

static void ct_pairing(void)
{
    g1_affine_t p[2], pp[2];
    g2_affine_t q[2], pq[2];
    g2_prepared_t prep;
    fp12_t f;
    gt_t e, want;
    uint8_t out[GT_BYTES], want_bytes[GT_BYTES];

    random_points(&pp[0], &pq[0]);
    pp[1] = pp[0];
    pp[1].infinity = 1;
    pq[1] = pq[0];
    bls_pairing(&want, &pp[0], &pq[0]);
    gt_to_bytes(want_bytes, &want);

    memcpy(p, pp, sizeof p);
    memcpy(q, pq, sizeof q);
    SECRET(p, sizeof p);
    SECRET(q, sizeof q);
    bls_pairing(&e, &p[0], &q[0]);
    gt_to_bytes(out, &e);
    PUBLIC(out, sizeof out);
    tap_ok(memcmp(out, want_bytes, GT_BYTES) == 0, "pairing of secret P and Q");

    /* a secret identity flag: the second pair is (O, Q) */
    bls_pairing_multi(&e, p, q, 2);
    gt_to_bytes(out, &e);
    PUBLIC(out, sizeof out);
    tap_ok(memcmp(out, want_bytes, GT_BYTES) == 0, "multi-pairing with a secret identity input");

    g2_prepare(&prep, &q[0]);
    bls_miller_loop_prepared(&f, &p[0], &prep, 1);
    bls_final_exp(&e, &f);
    gt_to_bytes(out, &e);
    PUBLIC(out, sizeof out);
    tap_ok(memcmp(out, want_bytes, GT_BYTES) == 0, "prepared pairing of secret P and Q");

    /* plain (O, Q) next to prepared (P, Q), all secret */
    bls_miller_loop_mixed(&f, &p[1], &q[1], 1, &p[0], &prep, 1);
    bls_final_exp(&e, &f);
    gt_to_bytes(out, &e);
    PUBLIC(out, sizeof out);
    tap_ok(memcmp(out, want_bytes, GT_BYTES) == 0, "mixed plain/prepared Miller loop with secret inputs");
}

int main(void)
{
    g1_affine_t p;
    g2_affine_t q;
    gt_t base;

    random_points(&p, &q);
    bls_pairing(&base, &p, &q);
    ct_pow(&base);
    ct_pairing();
    return tap_done();
}
