/* G1 beyond what bls12381.h offers (the types and most operations are
 * there): the rest of the group law, for the encodings, hashing and tests.
 * Constant time unless the name ends in _vartime. */
#ifndef ROAM_BLS12381_G1_H
#define ROAM_BLS12381_G1_H

#include "fp.h"
#include "fr.h"

void bls_g1_dbl(bls_g1_t *r, const bls_g1_t *a);
void bls_g1_cmov(bls_g1_t *r, const bls_g1_t *a, uint64_t cond);
uint64_t bls_g1_is_identity(const bls_g1_t *p);
uint64_t bls_g1_affine_is_on_curve(const bls_g1_affine_t *a);           /* identity counts as on the curve */
void bls_g1_clear_cofactor(bls_g1_t *r, const bls_g1_t *p);                 /* RFC 9380: [h_eff]P, h_eff = 1 - x */
/* [k]P for a public multi-limb integer (not reduced mod r), e.g. cofactors. */
void bls_g1_mul_limbs_vartime(bls_g1_t *r, const bls_g1_t *p, const uint64_t *k, size_t limbs);

#endif
