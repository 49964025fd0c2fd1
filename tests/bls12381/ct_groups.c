/* Constant-time check (ctgrind) for G1/G2 arithmetic: secret scalars and
 * points are marked undefined for valgrind memcheck, so any branch or memory
 * index that depends on them is reported, and the run (valgrind
 * --error-exitcode=99) fails.  Outputs are marked defined again before they
 * are compared with the variable-time results.
 *
 * The per-group body is below the #else: this file includes itself once per
 * group with TC_GROUP set. */
#ifndef TC_GROUP

#include <string.h>

#include <valgrind/memcheck.h>

#include "internal/g1.h"
#include "internal/g2.h"
#include "tap.h"

#define SECRET(x) VALGRIND_MAKE_MEM_UNDEFINED(&(x), sizeof(x))
#define PUBLIC(x) VALGRIND_MAKE_MEM_DEFINED(&(x), sizeof(x))

#define TC_GROUP 1
#include "ct_groups.c"
#undef TC_GROUP
#define TC_GROUP 2
#include "ct_groups.c"

int main(void)
{
    bls_g1_check();
    bls_g2_check();
    return tap_done();
}

#else /* per-group body */

#if TC_GROUP == 1
#define G(name) bls_g1_##name
#define PT bls_g1_t
#define AFF bls_g1_affine_t
#define FB bls_g1_fixed_base_t
#define GNAME "G1"
#define LOW_BIT(p) ((p).x.l[0] & 1)
#else
#define G(name) bls_g2_##name
#define PT bls_g2_t
#define AFF bls_g2_affine_t
#define FB bls_g2_fixed_base_t
#define GNAME "G2"
#define LOW_BIT(p) ((p).x.c0.l[0] & 1)
#endif

static FB G(tab);

static void G(check)(void)
{
    PT g, p, r, want, s;
    AFF a;
    bls_fr_t k, k2;
    uint64_t v;

    G(generator)(&g);
    bls_fr_random(&k2);
    G(mul_vartime)(&p, &g, &k2);
    G(fixed_base_init)(&G(tab), &g);

    for (int round = 0; round < 3; round++) {
        /* k = 0, r - 1 and random: edge digits must not branch either. */
        if (round == 0)
            k = BLS_FR_ZERO;
        else if (round == 1)
            bls_fr_neg(&k, &BLS_FR_ONE);
        else
            bls_fr_random(&k);
        G(mul_vartime)(&want, &p, &k);
        SECRET(k);
        s = p;
        SECRET(s);
        G(mul)(&r, &s, &k);
        PUBLIC(r);
        tap_eq(G(equal)(&r, &want), 1, GNAME " mul, secret point and scalar (%d)", round);

        PUBLIC(k);
        G(mul_vartime)(&want, &g, &k);
        SECRET(k);
        G(fixed_base_mul)(&r, &G(tab), &k);
        PUBLIC(r);
        tap_eq(G(equal)(&r, &want), 1, GNAME " fixed_base_mul, secret scalar (%d)", round);
    }

    s = p;
    SECRET(s);
    v = G(is_in_subgroup)(&s);
    PUBLIC(v);
    tap_eq(v, 1, GNAME " is_in_subgroup, secret point");

    /* The group law and the helpers on secret points. */
    s = p;
    SECRET(s);
    G(add)(&r, &s, &g);
    G(dbl)(&r, &r);
    G(to_affine)(&a, &s);
    G(add_affine)(&r, &r, &a);
    G(neg)(&want, &s);
    G(add)(&r, &r, &want);
#if TC_GROUP == 2
    G(psi)(&r, &r);
#endif
    G(clear_cofactor)(&r, &r);
    G(cmov)(&r, &s, LOW_BIT(s));
    v = G(equal)(&r, &s) ^ G(is_identity)(&r) ^ G(affine_is_on_curve)(&a);
    PUBLIC(r);
    PUBLIC(v);
    tap_ok(1, GNAME " add, dbl, add_affine, to_affine, neg, cmov, equal, clear_cofactor%s ran on secrets",
           TC_GROUP == 2 ? ", psi" : "");
}

#undef G
#undef PT
#undef AFF
#undef FB
#undef GNAME
#undef LOW_BIT
#endif
