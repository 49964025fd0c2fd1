/* G2 beyond what bls12381.h offers (the types and most operations are
 * there): the rest of the group law, for the encodings, hashing, the
 * pairing and tests.  Constant time unless the name ends in _vartime. */
#ifndef ROAM_BLS12381_G2_H
#define ROAM_BLS12381_G2_H

#include "fp2.h"
#include "fr.h"

void bls_g2_set_identity(bls_g2_t *r);
void bls_g2_add(bls_g2_t *r, const bls_g2_t *a, const bls_g2_t *b);
void bls_g2_add_affine(bls_g2_t *r, const bls_g2_t *a, const bls_g2_affine_t *b); /* b may be the identity */
void bls_g2_dbl(bls_g2_t *r, const bls_g2_t *a);
void bls_g2_neg(bls_g2_t *r, const bls_g2_t *a);
void bls_g2_cmov(bls_g2_t *r, const bls_g2_t *a, uint64_t cond);
uint64_t bls_g2_is_identity(const bls_g2_t *p);
uint64_t bls_g2_affine_is_on_curve(const bls_g2_affine_t *a);           /* identity counts as on the curve */
uint64_t bls_g2_is_in_subgroup(const bls_g2_t *p);                      /* endomorphism check, constant time */
uint64_t bls_g2_is_in_subgroup_vartime(const bls_g2_t *p);              /* same answer; public points only */
void bls_g2_clear_cofactor(bls_g2_t *r, const bls_g2_t *p);                 /* RFC 9380 h_eff, via psi (Budroni-Pintore) */
void bls_g2_psi(bls_g2_t *r, const bls_g2_t *p);                            /* untwist-Frobenius-twist endomorphism */
/* [k]P for a public multi-limb integer (not reduced mod r), e.g. cofactors. */
void bls_g2_mul_limbs_vartime(bls_g2_t *r, const bls_g2_t *p, const uint64_t *k, size_t limbs);

#endif
