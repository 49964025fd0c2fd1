/* Helpers shared by the BLS12-381 field tests (test_fp, test_fr, test_fp2,
 * test_fp12, ct_fields): elements from KAT hex strings, comparison against
 * a hex constant, seeded pseudo-random elements, and the ring axioms
 * written once and instantiated per field.
 *
 *   bls_fp_t a = fp_from_hex("1a01...");     tap_ok(fp_is_hex(&r, k->mul), ...)
 *   bls_fp2_t x = fp2_rand(&rng);            (rng: a struct test_rng)
 *   ok_comm &= fp2_check_comm(&a, &b);   a*b = b*a, likewise _assoc,
 *                                        _dist, _sqr, _inv, _sub, _sqrt_*
 *   field_test_each_fp_path(all);        asm and portable Fp arithmetic
 *
 * A KAT constant of the wrong length aborts (a bug in the test); a
 * non-canonical one is reported with tap_diag and makes its checks fail. */
#ifndef ROAM_TESTS_BLS12381_FIELD_TEST_UTIL_H
#define ROAM_TESTS_BLS12381_FIELD_TEST_UTIL_H

#include <stdint.h>
#include <stdlib.h>

#include "bls12381.h"
#include "internal/fp12.h"
#include "internal/fr.h"
#include "tap.h"
#include "test_util.h"

/* Decodes exactly n bytes of hex (aborts on any other length). */
static inline void field_unhex_exact(uint8_t *out, size_t n, const char *hex)
{
    if (test_unhex(out, n, hex) != n) {
        fprintf(stderr, "field_unhex_exact: expected %zu bytes: %s\n", n, hex);
        abort();
    }
}

/* The modulus p as little-endian limbs (public exponent for a^p checks). */
static const uint64_t FIELD_TEST_P_LIMBS[BLS_FP_LIMBS] = {
    0xb9feffffffffaaabULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
    0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL};

/* ---- elements from big-endian hex ---- */

static inline bls_fp_t fp_from_hex(const char *hex)
{
    uint8_t b[BLS_FP_BYTES];
    bls_fp_t r;
    field_unhex_exact(b, sizeof b, hex);
    if (bls_fp_from_bytes(&r, b) != BLS_OK)
        tap_diag("bad KAT constant %s", hex);
    return r;
}

static inline bls_fr_t fr_from_hex(const char *hex)
{
    uint8_t b[BLS_FR_BYTES];
    bls_fr_t r;
    field_unhex_exact(b, sizeof b, hex);
    if (bls_fr_from_bytes(&r, b) != BLS_OK)
        tap_diag("bad KAT constant %s", hex);
    return r;
}

/* h = {c0, c1} */
static inline bls_fp2_t fp2_from_hex(const char *const h[2])
{
    bls_fp2_t r;
    r.c0 = fp_from_hex(h[0]);
    r.c1 = fp_from_hex(h[1]);
    return r;
}

/* Tower order: c0.c0.c0, c0.c0.c1, c0.c1.c0, ..., c1.c2.c1. */
static inline bls_fp12_t fp12_from_hex(const char *const h[12])
{
    bls_fp12_t r;
    bls_fp6_t *six[2] = {&r.c0, &r.c1};
    for (int i = 0; i < 2; i++) {
        bls_fp2_t *two[3] = {&six[i]->c0, &six[i]->c1, &six[i]->c2};
        for (int j = 0; j < 3; j++)
            *two[j] = fp2_from_hex(h + 6 * i + 2 * j);
    }
    return r;
}

static inline int fp_is_hex(const bls_fp_t *a, const char *hex)
{
    bls_fp_t e = fp_from_hex(hex);
    return (int)bls_fp_equal(a, &e);
}

static inline int fr_is_hex(const bls_fr_t *a, const char *hex)
{
    bls_fr_t e = fr_from_hex(hex);
    return (int)bls_fr_equal(a, &e);
}

static inline int fp2_is_hex(const bls_fp2_t *a, const char *const h[2])
{
    bls_fp2_t e = fp2_from_hex(h);
    return (int)bls_fp2_equal(a, &e);
}

static inline int fp12_is_hex(const bls_fp12_t *a, const char *const h[12])
{
    bls_fp12_t e = fp12_from_hex(h);
    return (int)bls_fp12_equal(a, &e);
}

/* ---- pseudo-random elements (deterministic for a given rng seed) ---- */

/* 64 random bytes reduced mod p: bias about 2^-130. */
static inline bls_fp_t fp_rand(struct test_rng *rng)
{
    uint8_t b[64];
    bls_fp_t r;
    test_rng_bytes(rng, b, sizeof b);
    bls_fp_from_bytes_reduce(&r, b, sizeof b);
    return r;
}

/* Coefficients drawn in order c0, c1(, c2). */
static inline bls_fp2_t fp2_rand(struct test_rng *rng)
{
    bls_fp2_t r;
    r.c0 = fp_rand(rng);
    r.c1 = fp_rand(rng);
    return r;
}

static inline bls_fp6_t fp6_rand(struct test_rng *rng)
{
    bls_fp6_t r;
    r.c0 = fp2_rand(rng);
    r.c1 = fp2_rand(rng);
    r.c2 = fp2_rand(rng);
    return r;
}

static inline bls_fp12_t fp12_rand(struct test_rng *rng)
{
    bls_fp12_t r;
    r.c0 = fp6_rand(rng);
    r.c1 = fp6_rand(rng);
    return r;
}

/* ---- ring axioms, one definition for every field ---- */

/* Fp12 has no public addition (the tower never needs one): componentwise. */
static inline void fp12_add_for_test(bls_fp12_t *r, const bls_fp12_t *a, const bls_fp12_t *b)
{
    bls_fp6_add(&r->c0, &a->c0, &b->c0);
    bls_fp6_add(&r->c1, &a->c1, &b->c1);
}

/* Fr and Fp6 have no is_one. */
static inline uint64_t fr_is_one_for_test(const bls_fr_t *a) { return bls_fr_equal(a, &BLS_FR_ONE); }
static inline uint64_t fp6_is_one_for_test(const bls_fp6_t *a) { return bls_fp6_equal(a, &BLS_FP6_ONE); }

/* Defines F_check_comm, _assoc, _dist, _sqr and _inv (IS_ONE(a * a^-1) for
 * a != 0) for the field with element type T and functions F_mul, F_sqr,
 * F_inv, F_equal; ADD is its addition. */
#define FIELD_DEFINE_RING_CHECKS(F, T, ADD, IS_ONE)                                \
    static inline int F##_check_comm(const T *a, const T *b)                     \
    {                                                                           \
        T t, u;                                                                 \
        bls_##F##_mul(&t, a, b);                                                      \
        bls_##F##_mul(&u, b, a);                                                      \
        return (int)bls_##F##_equal(&t, &u);                                          \
    }                                                                           \
    static inline int F##_check_assoc(const T *a, const T *b, const T *c)        \
    {                                                                           \
        T t, u;                                                                 \
        bls_##F##_mul(&t, a, b);                                                      \
        bls_##F##_mul(&t, &t, c);                                                     \
        bls_##F##_mul(&u, b, c);                                                      \
        bls_##F##_mul(&u, a, &u);                                                     \
        return (int)bls_##F##_equal(&t, &u);                                          \
    }                                                                           \
    static inline int F##_check_dist(const T *a, const T *b, const T *c)         \
    {                                                                           \
        T t, u, v;                                                              \
        ADD(&t, b, c);                                                          \
        bls_##F##_mul(&t, a, &t);                                                     \
        bls_##F##_mul(&u, a, b);                                                      \
        bls_##F##_mul(&v, a, c);                                                      \
        ADD(&u, &u, &v);                                                        \
        return (int)bls_##F##_equal(&t, &u);                                          \
    }                                                                           \
    static inline int F##_check_sqr(const T *a)                                  \
    {                                                                           \
        T t, u;                                                                 \
        bls_##F##_sqr(&t, a);                                                         \
        bls_##F##_mul(&u, a, a);                                                      \
        return (int)bls_##F##_equal(&t, &u);                                          \
    }                                                                           \
    static inline int F##_check_inv(const T *a)                                  \
    {                                                                           \
        T t;                                                                    \
        bls_##F##_inv(&t, a);                                                         \
        bls_##F##_mul(&t, &t, a);                                                     \
        return (int)IS_ONE(&t);                                                 \
    }

/* Defines F_check_sub: (a - b) + b = a. */
#define FIELD_DEFINE_SUB_CHECK(F, T)                                            \
    static inline int F##_check_sub(const T *a, const T *b)                      \
    {                                                                           \
        T t;                                                                    \
        bls_##F##_sub(&t, a, b);                                                      \
        bls_##F##_add(&t, &t, b);                                                     \
        return (int)bls_##F##_equal(&t, a);                                           \
    }

/* Defines F_check_sqrt_of_square (sqrt(a^2) = +-a, a^2 is a square) and
 * F_check_sqrt_random (sqrt succeeds exactly when is_square says so, and
 * then squares back to a; adds is_square(a) to *squares). */
#define FIELD_DEFINE_SQRT_CHECKS(F, T)                                          \
    static inline int F##_check_sqrt_of_square(const T *a)                      \
    {                                                                           \
        T t, u, v;                                                              \
        bls_##F##_sqr(&t, a);                                                         \
        int ok = bls_##F##_sqrt(&u, &t) == 1 && bls_##F##_is_square(&t) == 1;               \
        bls_##F##_neg(&v, a);                                                         \
        return ok & (int)(bls_##F##_equal(&u, a) | bls_##F##_equal(&u, &v));                \
    }                                                                           \
    static inline int F##_check_sqrt_random(const T *a, int *squares)          \
    {                                                                           \
        T s, t;                                                                 \
        int sq = bls_##F##_is_square(a);                                              \
        *squares += sq;                                                         \
        int ok = bls_##F##_sqrt(&s, a);                                               \
        bls_##F##_sqr(&t, &s);                                                        \
        return ok == sq && (!ok || bls_##F##_equal(&t, a));                           \
    }

FIELD_DEFINE_RING_CHECKS(fp, bls_fp_t, bls_fp_add, bls_fp_is_one)
FIELD_DEFINE_RING_CHECKS(fr, bls_fr_t, bls_fr_add, fr_is_one_for_test)
FIELD_DEFINE_RING_CHECKS(fp2, bls_fp2_t, bls_fp2_add, bls_fp2_is_one)
FIELD_DEFINE_RING_CHECKS(fp6, bls_fp6_t, bls_fp6_add, fp6_is_one_for_test)
FIELD_DEFINE_RING_CHECKS(fp12, bls_fp12_t, fp12_add_for_test, bls_fp12_is_one)
FIELD_DEFINE_SUB_CHECK(fp, bls_fp_t)
FIELD_DEFINE_SUB_CHECK(fr, bls_fr_t)
FIELD_DEFINE_SUB_CHECK(fp2, bls_fp2_t)
FIELD_DEFINE_SUB_CHECK(fp6, bls_fp6_t)
FIELD_DEFINE_SQRT_CHECKS(fp, bls_fp_t)
FIELD_DEFINE_SQRT_CHECKS(fp2, bls_fp2_t)

/* Runs all once on the x86-64 assembly arithmetic (where the CPU has it)
 * and once on the portable C; bls_fp_force_portable switches the whole Fp
 * layer, so this covers every field built on Fp. */
static inline void field_test_each_fp_path(void (*all)(void))
{
    int have_asm = bls_fp_force_portable(0);
    for (int portable = 0; portable <= have_asm; portable++) {
        bls_fp_force_portable(portable);
        tap_diag("arithmetic path: %s", have_asm && !portable ? "x86-64 assembly" : "portable C");
        all();
    }
    bls_fp_force_portable(0);
}

#endif
