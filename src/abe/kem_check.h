/* Decaps' re-encryption check (FABEO.md section 4), internal to the KEM. */
#ifndef ROAM_ABE_KEM_CHECK_H
#define ROAM_ABE_KEM_CHECK_H

#include "fabeo.h"

/* 1 if ct (decoded and validated) is exactly the encryption of m under pp
 * with coins v, sp; 0 if not; negative on error.  Every component is
 * recomputed and compared as a group element in constant time, ANDed into
 * one mask without early exit (the encodings are canonical, so this is
 * equality of ser(CT)).  Only the final bit is declassified.
 *
 * FABEO.md allows a randomized batch equation for the rows instead; with
 * this library's multi-exponentiation it measured slower than recomputing
 * the rows with fixed-base tables, so the exact comparison is used. */
int kem_check_reencryption(const fabeo_mpk_t *mpk, const fabeo_policy_t *pp,
                           const fabeo_ct_t *ct, const gt_t *m, const fr_t *v, const fr_t *sp);

#endif
