/* ctgrind check of the field layer: secrets are marked undefined for
 * valgrind memcheck, which then reports any conditional branch or memory
 * index that depends on them.  Meson runs this under valgrind with
 * --error-exitcode=99, so a single secret-dependent branch fails the test.
 * Results are marked defined again before they are compared or printed.
 * Run natively (without valgrind) the client requests are no-ops and this
 * is just another correctness test.  Covers Fp (both the assembly and the
 * portable multiplication when the CPU has both), Fp2, Fp6, Fp12 and Fr. */
#include <stdint.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "bls12381.h"
#include "field_test_util.h"
#include "internal/fp12.h"
#include "internal/fr.h"
#include "tap.h"

#define SECRET(x) VALGRIND_MAKE_MEM_UNDEFINED(&(x), sizeof(x))
#define PUBLIC(x) VALGRIND_MAKE_MEM_DEFINED(&(x), sizeof(x))

/* r := cond ? b : a through F_cmov with cond marked secret; r public after. */
#define CT_CMOV(F, r, a, b, cond)       \
    do {                                \
        uint64_t cond_ = (cond);        \
        SECRET(cond_);                  \
        (r) = (a);                      \
        bls_##F##_cmov(&(r), &(b), cond_);    \
        PUBLIC(r);                      \
    } while (0)

static struct test_rng rng = TEST_RNG_INIT(0x243f6a8885a308d3ULL);

static void ct_fp(const char *path)
{
    bls_fp_t a = fp_rand(&rng), b = fp_rand(&rng), sq, r, ref;
    bls_fp_sqr(&sq, &a);                 /* a known square, computed in public */
    bls_fp_t a0 = a, b0 = b;
    SECRET(a);
    SECRET(b);
    SECRET(sq);

    bls_fp_mul(&r, &a, &b);
    PUBLIC(r);
    bls_fp_mul(&ref, &a0, &b0);
    tap_eq(bls_fp_equal(&r, &ref), 1, "%s fp_mul", path);
    bls_fp_sqr(&r, &a);
    PUBLIC(r);
    bls_fp_mul(&ref, &a0, &a0);
    tap_eq(bls_fp_equal(&r, &ref), 1, "%s fp_sqr", path);
    bls_fp_add(&r, &a, &b);
    bls_fp_sub(&r, &r, &b);
    bls_fp_dbl(&r, &r);
    bls_fp_neg(&r, &r);
    PUBLIC(r);
    bls_fp_dbl(&ref, &a0);
    bls_fp_neg(&ref, &ref);
    tap_eq(bls_fp_equal(&r, &ref), 1, "%s fp_add/sub/dbl/neg", path);
    bls_fp_inv(&r, &a);
    bls_fp_mul(&r, &r, &a);
    PUBLIC(r);
    tap_eq(bls_fp_is_one(&r), 1, "%s fp_inv", path);

    int ok = bls_fp_sqrt(&r, &sq);
    PUBLIC(ok);
    bls_fp_sqr(&r, &r);
    PUBLIC(r);
    bls_fp_mul(&ref, &a0, &a0);
    tap_ok(ok == 1 && bls_fp_equal(&r, &ref), "%s fp_sqrt", path);
    int s1 = bls_fp_is_square(&sq), s2 = bls_fp_is_square(&a);
    PUBLIC(s1);
    PUBLIC(s2);
    tap_ok(s1 == 1 && s2 == bls_fp_is_square(&a0), "%s fp_is_square", path);

    uint64_t e = bls_fp_equal(&a, &b), z = bls_fp_is_zero(&a), o = bls_fp_is_one(&a);
    uint64_t sg = bls_fp_sgn0(&a), lx = bls_fp_is_lexically_largest(&a);
    PUBLIC(e);
    PUBLIC(z);
    PUBLIC(o);
    PUBLIC(sg);
    PUBLIC(lx);
    tap_ok(e == 0 && z == 0 && o == 0 && sg == bls_fp_sgn0(&a0) && lx == bls_fp_is_lexically_largest(&a0),
           "%s fp_equal/is_zero/is_one/sgn0/lexically_largest", path);

    uint64_t cond = test_rng_u64(&rng) & 1, c0 = cond;
    CT_CMOV(fp, r, a, b, cond);
    SECRET(cond);
    bls_fp_t x = a, y = b;
    bls_fp_cswap(&x, &y, cond);
    PUBLIC(x);
    tap_ok(bls_fp_equal(&r, c0 ? &b0 : &a0) && bls_fp_equal(&x, c0 ? &b0 : &a0), "%s fp_cmov/cswap", path);

    uint8_t buf[BLS_FP_BYTES], wide[64];
    bls_fp_to_bytes(buf, &a);
    int err = bls_fp_from_bytes(&r, buf);
    PUBLIC(err);
    PUBLIC(r);
    tap_ok(err == BLS_OK && bls_fp_equal(&r, &a0), "%s fp_to_bytes/from_bytes", path);
    test_rng_bytes(&rng, wide, sizeof wide);
    bls_fp_from_bytes_reduce(&ref, wide, sizeof wide);
    SECRET(wide);
    bls_fp_from_bytes_reduce(&r, wide, sizeof wide);
    PUBLIC(r);
    tap_eq(bls_fp_equal(&r, &ref), 1, "%s fp_from_bytes_reduce", path);
    uint64_t limbs[BLS_FP_LIMBS];
    bls_fp_to_canonical(limbs, &a);
    bls_fp_from_canonical(&r, limbs);
    PUBLIC(r);
    tap_eq(bls_fp_equal(&r, &a0), 1, "%s fp_to/from_canonical", path);
}

static void ct_fp2(void)
{
    bls_fp2_t a = fp2_rand(&rng), b = fp2_rand(&rng), sq, r, ref;
    bls_fp2_sqr(&sq, &a);
    bls_fp2_t a0 = a, b0 = b;
    SECRET(a);
    SECRET(b);
    SECRET(sq);
    bls_fp2_mul(&r, &a, &b);
    PUBLIC(r);
    bls_fp2_mul(&ref, &a0, &b0);
    tap_eq(bls_fp2_equal(&r, &ref), 1, "fp2_mul");
    bls_fp2_sqr(&r, &a);
    bls_fp2_mul_by_nonresidue(&r, &r);
    bls_fp2_conj(&r, &r);
    bls_fp2_mul_fp(&r, &r, &b.c0);
    PUBLIC(r);
    bls_fp2_sqr(&ref, &a0);
    bls_fp2_mul_by_nonresidue(&ref, &ref);
    bls_fp2_conj(&ref, &ref);
    bls_fp2_mul_fp(&ref, &ref, &b0.c0);
    tap_eq(bls_fp2_equal(&r, &ref), 1, "fp2_sqr/mul_by_nonresidue/conj/mul_fp");
    bls_fp2_inv(&r, &a);
    bls_fp2_mul(&r, &r, &a);
    PUBLIC(r);
    tap_eq(bls_fp2_is_one(&r), 1, "fp2_inv");
    int ok = bls_fp2_sqrt(&r, &sq);
    PUBLIC(ok);
    bls_fp2_sqr(&r, &r);
    PUBLIC(r);
    bls_fp2_sqr(&ref, &a0);
    tap_ok(ok == 1 && bls_fp2_equal(&r, &ref), "fp2_sqrt");
    int s1 = bls_fp2_is_square(&sq), s2 = bls_fp2_is_square(&a);
    ok = bls_fp2_sqrt(&r, &a); /* may be a non-square: still no branch */
    PUBLIC(s1);
    PUBLIC(s2);
    PUBLIC(ok);
    tap_ok(s1 == 1 && s2 == ok, "fp2_is_square");
    uint64_t e = bls_fp2_equal(&a, &b), z = bls_fp2_is_zero(&a), sg = bls_fp2_sgn0(&a), lx = bls_fp2_is_lexically_largest(&a);
    PUBLIC(e);
    PUBLIC(z);
    PUBLIC(sg);
    PUBLIC(lx);
    tap_ok(e == 0 && z == 0 && sg == bls_fp2_sgn0(&a0) && lx == bls_fp2_is_lexically_largest(&a0),
           "fp2_equal/is_zero/sgn0/lexically_largest");
    CT_CMOV(fp2, r, a, b, 1);
    tap_eq(bls_fp2_equal(&r, &b0), 1, "fp2_cmov");
}

static void ct_fp12(void)
{
    bls_fp12_t a = fp12_rand(&rng), b = fp12_rand(&rng), r, ref;
    bls_fp2_t o0 = fp2_rand(&rng), o1 = fp2_rand(&rng), o4 = fp2_rand(&rng);
    bls_fp12_t a0 = a, b0 = b;
    SECRET(a);
    SECRET(b);
    SECRET(o0);
    SECRET(o1);
    SECRET(o4);

    bls_fp6_t s6;
    bls_fp6_mul(&s6, &a.c0, &b.c0);
    bls_fp6_sqr(&s6, &s6);
    bls_fp6_mul_by_01(&s6, &s6, &o0, &o1);
    bls_fp6_mul_by_1(&s6, &s6, &o4);
    bls_fp6_mul_by_fp2(&s6, &s6, &o0);
    bls_fp6_mul_by_nonresidue(&s6, &s6);
    bls_fp6_frobenius(&s6, &s6, 3);
    bls_fp6_inv(&s6, &s6);
    uint64_t z6 = bls_fp6_is_zero(&s6);
    PUBLIC(z6);
    tap_eq(z6, 0, "fp6 mul/sqr/mul_by_01/mul_by_1/mul_by_fp2/frobenius/inv");

    bls_fp12_mul(&r, &a, &b);
    PUBLIC(r);
    bls_fp12_mul(&ref, &a0, &b0);
    tap_eq(bls_fp12_equal(&r, &ref), 1, "fp12_mul");
    bls_fp12_sqr(&r, &a);
    bls_fp12_conj(&r, &r);
    bls_fp12_frobenius(&r, &r, 1);
    bls_fp12_frobenius(&r, &r, 2);
    bls_fp12_frobenius(&r, &r, 3);
    PUBLIC(r);
    bls_fp12_sqr(&ref, &a0); /* frobenius 1+2+3 = 6 = conj, undoing the conj */
    tap_eq(bls_fp12_equal(&r, &ref), 1, "fp12_sqr/conj/frobenius");
    bls_fp12_inv(&r, &a);
    bls_fp12_mul(&r, &r, &a);
    uint64_t one = bls_fp12_is_one(&r);
    PUBLIC(one);
    tap_eq(one, 1, "fp12_inv/is_one");
    bls_fp12_mul_by_014(&r, &a, &o0, &o1, &o4);
    uint64_t e = bls_fp12_equal(&r, &a);
    PUBLIC(e);
    tap_eq(e, 0, "fp12_mul_by_014/equal");
    CT_CMOV(fp12, r, a, b, 0);
    tap_eq(bls_fp12_equal(&r, &a0), 1, "fp12_cmov");
}

static void ct_fr(void)
{
    uint8_t wide[64];
    test_rng_bytes(&rng, wide, sizeof wide);
    bls_fr_t a, b, r, ref;
    bls_fr_from_bytes_reduce(&a, wide, 48);
    bls_fr_from_bytes_reduce(&b, wide + 16, 48);
    bls_fr_t a0 = a, b0 = b;
    SECRET(a);
    SECRET(b);
    bls_fr_mul(&r, &a, &b);
    bls_fr_sqr(&r, &r);
    bls_fr_add(&r, &r, &a);
    bls_fr_sub(&r, &r, &b);
    bls_fr_neg(&r, &r);
    PUBLIC(r);
    bls_fr_mul(&ref, &a0, &b0);
    bls_fr_sqr(&ref, &ref);
    bls_fr_add(&ref, &ref, &a0);
    bls_fr_sub(&ref, &ref, &b0);
    bls_fr_neg(&ref, &ref);
    tap_eq(bls_fr_equal(&r, &ref), 1, "fr_mul/sqr/add/sub/neg");
    bls_fr_inv(&r, &a);
    bls_fr_mul(&r, &r, &a);
    PUBLIC(r);
    tap_eq(bls_fr_equal(&r, &BLS_FR_ONE), 1, "fr_inv");
    uint64_t e = bls_fr_equal(&a, &b), z = bls_fr_is_zero(&a);
    PUBLIC(e);
    PUBLIC(z);
    tap_ok(e == 0 && z == 0, "fr_equal/is_zero");
    CT_CMOV(fr, r, a, b, 1);
    tap_eq(bls_fr_equal(&r, &b0), 1, "fr_cmov");
    uint8_t buf[BLS_FR_BYTES];
    bls_fr_to_bytes(buf, &a);
    int err = bls_fr_from_bytes(&r, buf);
    PUBLIC(err);
    PUBLIC(r);
    tap_ok(err == BLS_OK && bls_fr_equal(&r, &a0), "fr_to_bytes/from_bytes");
    uint64_t limbs[BLS_FR_LIMBS];
    bls_fr_to_canonical(limbs, &a);
    bls_fr_from_canonical(&r, limbs);
    PUBLIC(r);
    tap_eq(bls_fr_equal(&r, &a0), 1, "fr_to/from_canonical");
    bls_fr_from_bytes_reduce(&ref, wide, sizeof wide);
    SECRET(wide);
    bls_fr_from_bytes_reduce(&r, wide, sizeof wide);
    PUBLIC(r);
    tap_eq(bls_fr_equal(&r, &ref), 1, "fr_from_bytes_reduce");
}

int main(void)
{
    tap_diag("running under valgrind: %s", RUNNING_ON_VALGRIND ? "yes" : "no");
    int have_asm = bls_fp_force_portable(0);
    ct_fp(have_asm ? "[asm]" : "[c]");
    if (have_asm) {
        bls_fp_force_portable(1);
        ct_fp("[portable]");
        bls_fp_force_portable(0);
    }
    ct_fp2();
    ct_fp12();
    ct_fr();
    return tap_done();
}
