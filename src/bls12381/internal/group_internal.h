/* Internal: what msm.c needs from g1.c and g2.c beyond the public API. */
#ifndef ROAM_BLS12381_GROUP_INTERNAL_H
#define ROAM_BLS12381_GROUP_INTERNAL_H

#include "g1.h"
#include "g2.h"

/* Endomorphism split dimension: G1 splits k in 2 halves (phi, base x^2),
 * G2 in 4 quarters (psi, base |x|). */
#define G1_ENDO_DIM 2
#define G2_ENDO_DIM 4
/* Short scalars one Straus call handles (its wNAF tables live on the stack). */
#define STRAUS_MAX_TERMS 32

#define G1_ENDO_BITS 128
#define G2_ENDO_BITS 64
/* Pippenger works on chunks of this many short-scalar terms. */
#define PIPPENGER_CHUNK_TERMS 256

/* q[j] := E^j(P) and s[j] such that [k]P = sum_j [s_j] q[j], s_j < 2^ENDO_BITS. */
void bls_g1_endo_split(bls_g1_affine_t *q, uint64_t (*s)[2], const bls_g1_affine_t *p, const bls_fr_t *k);
void bls_g2_endo_split(bls_g2_affine_t *q, uint64_t (*s)[2], const bls_g2_affine_t *p, const bls_fr_t *k);

/* sum_i [k_i]P_i for n <= STRAUS_MAX_TERMS / G*_ENDO_DIM public pairs. */
void bls_g1_straus_vartime(bls_g1_t *r, const bls_g1_t *p, const bls_fr_t *k, size_t n);
void bls_g2_straus_vartime(bls_g2_t *r, const bls_g2_t *p, const bls_fr_t *k, size_t n);

#endif
