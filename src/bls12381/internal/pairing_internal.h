/* Internal helpers shared by the pairing, the final exponentiation and GT:
 * arithmetic in the cyclotomic subgroup of Fp12 (where squaring is cheaper
 * and inversion is conjugation) and exponentiation by the curve parameter x.
 * Not part of the public API. */
#ifndef ROAM_BLS12381_PAIRING_INTERNAL_H
#define ROAM_BLS12381_PAIRING_INTERNAL_H

#include "fp12.h"

/* |x| for x = -0xd201000000010000, the BLS parameter. */
#define BLS_X_ABS 0xd201000000010000ULL

/* Granger-Scott squaring; a must lie in the cyclotomic subgroup
 * (a^(p^4 - p^2 + 1) = 1).  r may alias a. */
void bls_fp12_cyclotomic_sqr(bls_fp12_t *r, const bls_fp12_t *a);
/* r := a^x (x negative); a in the cyclotomic subgroup.  r may alias a. */
void bls_fp12_cyclotomic_exp_by_x(bls_fp12_t *r, const bls_fp12_t *a);
/* Products through a temporary, so that r may alias an input whatever the
 * field layer's own aliasing rules are. */
void bls_fp12_mul_safe(bls_fp12_t *r, const bls_fp12_t *a, const bls_fp12_t *b);

#endif
