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
        F##_cmov(&(r), &(b), cond_);    \
        PUBLIC(r);                      \
    } while (0)

static struct test_rng rng = TEST_RNG_INIT(0x243f6a8885a308d3ULL);

static void ct_fp(const char *path)
{
    fp_t a = fp_rand(&rng), b = fp_rand(&rng), sq, r, ref;
    fp_sqr(&sq, &a);                 /* a known square, computed in public */
    fp_t a0 = a, b0 = b;
    SECRET(a);
    SECRET(b);
    SECRET(sq);

    fp_mul(&r, &a, &b);
    PUBLIC(r);
    fp_mul(&ref, &a0, &b0);
    tap_ok(fp_equal(&r, &ref) == 1, "%s fp_mul", path);
    fp_sqr(&r, &a);
    PUBLIC(r);
    fp_mul(&ref, &a0, &a0);
    tap_ok(fp_equal(&r, &ref) == 1, "%s fp_sqr", path);
    fp_add(&r, &a, &b);
    fp_sub(&r, &r, &b);
    fp_dbl(&r, &r);
    fp_neg(&r, &r);
    PUBLIC(r);
    fp_dbl(&ref, &a0);
    fp_neg(&ref, &ref);
    tap_ok(fp_equal(&r, &ref) == 1, "%s fp_add/sub/dbl/neg", path);
    fp_inv(&r, &a);
    fp_mul(&r, &r, &a);
    PUBLIC(r);
    tap_ok(fp_is_one(&r) == 1, "%s fp_inv", path);

    int ok = fp_sqrt(&r, &sq);
    PUBLIC(ok);
    fp_sqr(&r, &r);
    PUBLIC(r);
    fp_mul(&ref, &a0, &a0);
    tap_ok(ok == 1 && fp_equal(&r, &ref), "%s fp_sqrt", path);
    int s1 = fp_is_square(&sq), s2 = fp_is_square(&a);
    PUBLIC(s1);
    PUBLIC(s2);
    tap_ok(s1 == 1 && s2 == fp_is_square(&a0), "%s fp_is_square", path);

    uint64_t e = fp_equal(&a, &b), z = fp_is_zero(&a), o = fp_is_one(&a);
    uint64_t sg = fp_sgn0(&a), lx = fp_is_lexically_largest(&a);
    PUBLIC(e);
    PUBLIC(z);
    PUBLIC(o);
    PUBLIC(sg);
    PUBLIC(lx);
    tap_ok(e == 0 && z == 0 && o == 0 && sg == fp_sgn0(&a0) && lx == fp_is_lexically_largest(&a0),
           "%s fp_equal/is_zero/is_one/sgn0/lexically_largest", path);

    uint64_t cond = test_rng_u64(&rng) & 1, c0 = cond;
    CT_CMOV(fp, r, a, b, cond);
    SECRET(cond);
    fp_t x = a, y = b;
    fp_cswap(&x, &y, cond);
    PUBLIC(x);
    tap_ok(fp_equal(&r, c0 ? &b0 : &a0) && fp_equal(&x, c0 ? &b0 : &a0), "%s fp_cmov/cswap", path);

    uint8_t buf[FP_BYTES], wide[64];
    fp_to_bytes(buf, &a);
    int err = fp_from_bytes(&r, buf);
    PUBLIC(err);
    PUBLIC(r);
    tap_ok(err == BLS_OK && fp_equal(&r, &a0), "%s fp_to_bytes/from_bytes", path);
    test_rng_bytes(&rng, wide, sizeof wide);
    fp_from_bytes_reduce(&ref, wide, sizeof wide);
    SECRET(wide);
    fp_from_bytes_reduce(&r, wide, sizeof wide);
    PUBLIC(r);
    tap_ok(fp_equal(&r, &ref) == 1, "%s fp_from_bytes_reduce", path);
    uint64_t limbs[FP_LIMBS];
    fp_to_canonical(limbs, &a);
    fp_from_canonical(&r, limbs);
    PUBLIC(r);
    tap_ok(fp_equal(&r, &a0) == 1, "%s fp_to/from_canonical", path);
}

static void ct_fp2(void)
{
    fp2_t a = fp2_rand(&rng), b = fp2_rand(&rng), sq, r, ref;
    fp2_sqr(&sq, &a);
    fp2_t a0 = a, b0 = b;
    SECRET(a);
    SECRET(b);
    SECRET(sq);
    fp2_mul(&r, &a, &b);
    PUBLIC(r);
    fp2_mul(&ref, &a0, &b0);
    tap_ok(fp2_equal(&r, &ref) == 1, "fp2_mul");
    fp2_sqr(&r, &a);
    fp2_mul_by_nonresidue(&r, &r);
    fp2_conj(&r, &r);
    fp2_mul_fp(&r, &r, &b.c0);
    PUBLIC(r);
    fp2_sqr(&ref, &a0);
    fp2_mul_by_nonresidue(&ref, &ref);
    fp2_conj(&ref, &ref);
    fp2_mul_fp(&ref, &ref, &b0.c0);
    tap_ok(fp2_equal(&r, &ref) == 1, "fp2_sqr/mul_by_nonresidue/conj/mul_fp");
    fp2_inv(&r, &a);
    fp2_mul(&r, &r, &a);
    PUBLIC(r);
    tap_ok(fp2_is_one(&r) == 1, "fp2_inv");
    int ok = fp2_sqrt(&r, &sq);
    PUBLIC(ok);
    fp2_sqr(&r, &r);
    PUBLIC(r);
    fp2_sqr(&ref, &a0);
    tap_ok(ok == 1 && fp2_equal(&r, &ref), "fp2_sqrt");
    int s1 = fp2_is_square(&sq), s2 = fp2_is_square(&a);
    ok = fp2_sqrt(&r, &a); /* may be a non-square: still no branch */
    PUBLIC(s1);
    PUBLIC(s2);
    PUBLIC(ok);
    tap_ok(s1 == 1 && s2 == ok, "fp2_is_square");
    uint64_t e = fp2_equal(&a, &b), z = fp2_is_zero(&a), sg = fp2_sgn0(&a), lx = fp2_is_lexically_largest(&a);
    PUBLIC(e);
    PUBLIC(z);
    PUBLIC(sg);
    PUBLIC(lx);
    tap_ok(e == 0 && z == 0 && sg == fp2_sgn0(&a0) && lx == fp2_is_lexically_largest(&a0),
           "fp2_equal/is_zero/sgn0/lexically_largest");
    CT_CMOV(fp2, r, a, b, 1);
    tap_ok(fp2_equal(&r, &b0) == 1, "fp2_cmov");
}

static void ct_fp12(void)
{
    fp12_t a = fp12_rand(&rng), b = fp12_rand(&rng), r, ref;
    fp2_t o0 = fp2_rand(&rng), o1 = fp2_rand(&rng), o4 = fp2_rand(&rng);
    fp12_t a0 = a, b0 = b;
    SECRET(a);
    SECRET(b);
    SECRET(o0);
    SECRET(o1);
    SECRET(o4);

    fp6_t s6;
    fp6_mul(&s6, &a.c0, &b.c0);
    fp6_sqr(&s6, &s6);
    fp6_mul_by_01(&s6, &s6, &o0, &o1);
    fp6_mul_by_1(&s6, &s6, &o4);
    fp6_mul_by_fp2(&s6, &s6, &o0);
    fp6_mul_by_nonresidue(&s6, &s6);
    fp6_frobenius(&s6, &s6, 3);
    fp6_inv(&s6, &s6);
    uint64_t z6 = fp6_is_zero(&s6);
    PUBLIC(z6);
    tap_ok(z6 == 0, "fp6 mul/sqr/mul_by_01/mul_by_1/mul_by_fp2/frobenius/inv");

    fp12_mul(&r, &a, &b);
    PUBLIC(r);
    fp12_mul(&ref, &a0, &b0);
    tap_ok(fp12_equal(&r, &ref) == 1, "fp12_mul");
    fp12_sqr(&r, &a);
    fp12_conj(&r, &r);
    fp12_frobenius(&r, &r, 1);
    fp12_frobenius(&r, &r, 2);
    fp12_frobenius(&r, &r, 3);
    PUBLIC(r);
    fp12_sqr(&ref, &a0); /* frobenius 1+2+3 = 6 = conj, undoing the conj */
    tap_ok(fp12_equal(&r, &ref) == 1, "fp12_sqr/conj/frobenius");
    fp12_inv(&r, &a);
    fp12_mul(&r, &r, &a);
    uint64_t one = fp12_is_one(&r);
    PUBLIC(one);
    tap_ok(one == 1, "fp12_inv/is_one");
    fp12_mul_by_014(&r, &a, &o0, &o1, &o4);
    uint64_t e = fp12_equal(&r, &a);
    PUBLIC(e);
    tap_ok(e == 0, "fp12_mul_by_014/equal");
    CT_CMOV(fp12, r, a, b, 0);
    tap_ok(fp12_equal(&r, &a0) == 1, "fp12_cmov");
}

static void ct_fr(void)
{
    uint8_t wide[64];
    test_rng_bytes(&rng, wide, sizeof wide);
    fr_t a, b, r, ref;
    fr_from_bytes_reduce(&a, wide, 48);
    fr_from_bytes_reduce(&b, wide + 16, 48);
    fr_t a0 = a, b0 = b;
    SECRET(a);
    SECRET(b);
    fr_mul(&r, &a, &b);
    fr_sqr(&r, &r);
    fr_add(&r, &r, &a);
    fr_sub(&r, &r, &b);
    fr_neg(&r, &r);
    PUBLIC(r);
    fr_mul(&ref, &a0, &b0);
    fr_sqr(&ref, &ref);
    fr_add(&ref, &ref, &a0);
    fr_sub(&ref, &ref, &b0);
    fr_neg(&ref, &ref);
    tap_ok(fr_equal(&r, &ref) == 1, "fr_mul/sqr/add/sub/neg");
    fr_inv(&r, &a);
    fr_mul(&r, &r, &a);
    PUBLIC(r);
    tap_ok(fr_equal(&r, &FR_ONE) == 1, "fr_inv");
    uint64_t e = fr_equal(&a, &b), z = fr_is_zero(&a);
    PUBLIC(e);
    PUBLIC(z);
    tap_ok(e == 0 && z == 0, "fr_equal/is_zero");
    CT_CMOV(fr, r, a, b, 1);
    tap_ok(fr_equal(&r, &b0) == 1, "fr_cmov");
    uint8_t buf[FR_BYTES];
    fr_to_bytes(buf, &a);
    int err = fr_from_bytes(&r, buf);
    PUBLIC(err);
    PUBLIC(r);
    tap_ok(err == BLS_OK && fr_equal(&r, &a0), "fr_to_bytes/from_bytes");
    uint64_t limbs[FR_LIMBS];
    fr_to_canonical(limbs, &a);
    fr_from_canonical(&r, limbs);
    PUBLIC(r);
    tap_ok(fr_equal(&r, &a0) == 1, "fr_to/from_canonical");
    fr_from_bytes_reduce(&ref, wide, sizeof wide);
    SECRET(wide);
    fr_from_bytes_reduce(&r, wide, sizeof wide);
    PUBLIC(r);
    tap_ok(fr_equal(&r, &ref) == 1, "fr_from_bytes_reduce");
}

int main(void)
{
    tap_diag("running under valgrind: %s", RUNNING_ON_VALGRIND ? "yes" : "no");
    int have_asm = fp_force_portable(0);
    ct_fp(have_asm ? "[asm]" : "[c]");
    if (have_asm) {
        fp_force_portable(1);
        ct_fp("[portable]");
        fp_force_portable(0);
    }
    ct_fp2();
    ct_fp12();
    ct_fr();
    return tap_done();
}
