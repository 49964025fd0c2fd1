/* Constant-time batch conversion of G1 points to affine coordinates.
 *
 * The library's batch conversion is for public points only; key components
 * (KeyGen's H_A(y)^r, Decrypt's P_t) are secret, and one constant-time
 * inversion each would dominate KeyGen.  This uses Montgomery's trick with
 * a single constant-time inversion and no branch on any coordinate. */
#ifndef ROAM_ABE_CT_AFFINE_H
#define ROAM_ABE_CT_AFFINE_H

#include <stddef.h>

#include "bls12381.h"

/* r[i] = affine(p[i]) for i < n (identity -> infinity = 1).  Returns 0, or
 * -1 if scratch memory could not be allocated (r is then untouched). */
int abe_ct_g1_batch_to_affine(bls_g1_affine_t *r, const bls_g1_t *p, size_t n);

#endif
