/* G2 beyond what bls12381.h offers (the types and most operations are
 * there): the rest of the group law, for the encodings, hashing, the
 * pairing and tests.  Constant time unless the name ends in _vartime. */
#ifndef ROAM_BLS12381_G2_H
#define ROAM_BLS12381_G2_H

#include "fp2.h"
#include "fr.h"

void g2_set_identity(g2_t *r);
void g2_add(g2_t *r, const g2_t *a, const g2_t *b);
void g2_add_affine(g2_t *r, const g2_t *a, const g2_affine_t *b); /* b may be the identity */
void g2_dbl(g2_t *r, const g2_t *a);
void g2_neg(g2_t *r, const g2_t *a);
void g2_cmov(g2_t *r, const g2_t *a, uint64_t cond);
uint64_t g2_is_identity(const g2_t *p);
uint64_t g2_affine_is_on_curve(const g2_affine_t *a);           /* identity counts as on the curve */
uint64_t g2_is_in_subgroup(const g2_t *p);                      /* endomorphism check, constant time */
uint64_t g2_is_in_subgroup_vartime(const g2_t *p);              /* same answer; public points only */
void g2_clear_cofactor(g2_t *r, const g2_t *p);                 /* RFC 9380 h_eff, via psi (Budroni-Pintore) */
void g2_psi(g2_t *r, const g2_t *p);                            /* untwist-Frobenius-twist endomorphism */
/* [k]P for a public multi-limb integer (not reduced mod r), e.g. cofactors. */
void g2_mul_limbs_vartime(g2_t *r, const g2_t *p, const uint64_t *k, size_t limbs);

#endif
