/* Constant-time check (ctgrind) for G1/G2 arithmetic: secret scalars and
 * points are marked undefined for valgrind memcheck, so any branch or memory
 * index that depends on them is reported, and the run (valgrind
 * --error-exitcode=99) fails.  Outputs are marked defined again before they
 * are compared with the variable-time results. */
#include <string.h>

#include <valgrind/memcheck.h>

#include "g1.h"
#include "g2.h"
#include "tap.h"

#define SECRET(x) VALGRIND_MAKE_MEM_UNDEFINED(&(x), sizeof(x))
#define PUBLIC(x) VALGRIND_MAKE_MEM_DEFINED(&(x), sizeof(x))

static g1_fixed_base_t tab1;
static g2_fixed_base_t tab2;

static void check_g1(void)
{
    g1_t g, p, r, want, s;
    g1_affine_t a;
    fr_t k, k2;
    uint64_t v;

    g1_generator(&g);
    fr_random(&k2);
    g1_mul_vartime(&p, &g, &k2);
    g1_fixed_base_init(&tab1, &g);

    for (int round = 0; round < 3; round++) {
        /* k = 0, 1 and random: edge digits must not branch either. */
        if (round == 0)
            k = FR_ZERO;
        else if (round == 1)
            fr_neg(&k, &FR_ONE);
        else
            fr_random(&k);
        g1_mul_vartime(&want, &p, &k);

        SECRET(k);
        s = p;
        SECRET(s);
        g1_mul(&r, &s, &k);
        PUBLIC(r);
        tap_ok(g1_equal(&r, &want) == 1, "G1 mul, secret point and scalar (%d)", round);

        g1_mul_vartime(&want, &g, &k2);
        fr_t kk = k2;
        SECRET(kk);
        g1_fixed_base_mul(&r, &tab1, &kk);
        PUBLIC(r);
        tap_ok(g1_equal(&r, &want) == 1, "G1 fixed_base_mul, secret scalar (%d)", round);
    }

    s = p;
    SECRET(s);
    v = g1_is_in_subgroup(&s);
    PUBLIC(v);
    tap_ok(v == 1, "G1 is_in_subgroup, secret point");

    /* The group law and helpers on secret points. */
    s = p;
    SECRET(s);
    g1_add(&r, &s, &g);
    g1_dbl(&r, &r);
    g1_to_affine(&a, &s);
    g1_add_affine(&r, &r, &a);
    g1_neg(&want, &s);
    g1_add(&r, &r, &want);
    g1_cmov(&r, &s, (uint64_t)(s.x.l[0] & 1));
    g1_clear_cofactor(&r, &r);
    v = g1_equal(&r, &s) ^ g1_is_identity(&r) ^ g1_affine_is_on_curve(&a);
    PUBLIC(r);
    PUBLIC(v);
    tap_ok(1, "G1 add, dbl, add_affine, to_affine, cmov, equal, clear_cofactor ran on secrets");
}

static void check_g2(void)
{
    g2_t h, p, r, want, s;
    g2_affine_t a;
    fr_t k, k2;
    uint64_t v;

    g2_generator(&h);
    fr_random(&k2);
    g2_mul_vartime(&p, &h, &k2);
    g2_fixed_base_init(&tab2, &h);

    for (int round = 0; round < 2; round++) {
        if (round == 0)
            fr_neg(&k, &FR_ONE);
        else
            fr_random(&k);
        g2_mul_vartime(&want, &p, &k);
        SECRET(k);
        s = p;
        SECRET(s);
        g2_mul(&r, &s, &k);
        PUBLIC(r);
        tap_ok(g2_equal(&r, &want) == 1, "G2 mul, secret point and scalar (%d)", round);

        g2_mul_vartime(&want, &h, &k2);
        fr_t kk = k2;
        SECRET(kk);
        g2_fixed_base_mul(&r, &tab2, &kk);
        PUBLIC(r);
        tap_ok(g2_equal(&r, &want) == 1, "G2 fixed_base_mul, secret scalar (%d)", round);
    }

    s = p;
    SECRET(s);
    v = g2_is_in_subgroup(&s);
    PUBLIC(v);
    tap_ok(v == 1, "G2 is_in_subgroup, secret point");

    s = p;
    SECRET(s);
    g2_add(&r, &s, &h);
    g2_dbl(&r, &r);
    g2_to_affine(&a, &s);
    g2_add_affine(&r, &r, &a);
    g2_psi(&r, &r);
    g2_clear_cofactor(&r, &r);
    g2_cmov(&r, &s, (uint64_t)(s.x.c0.l[0] & 1));
    v = g2_equal(&r, &s) ^ g2_is_identity(&r) ^ g2_affine_is_on_curve(&a);
    PUBLIC(r);
    PUBLIC(v);
    tap_ok(1, "G2 add, dbl, add_affine, psi, clear_cofactor, cmov, equal ran on secrets");
}

int main(void)
{
    check_g1();
    check_g2();
    return tap_done();
}
