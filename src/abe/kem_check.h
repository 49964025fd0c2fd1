/* Decaps' re-encryption check (docs/spec/fabeo.md §11.5), internal to the KEM. */
#ifndef ROAM_ABE_KEM_CHECK_H
#define ROAM_ABE_KEM_CHECK_H

#include "fabeo.h"

/* 1 if ct (decoded and validated, its rows subgroup-tested) is exactly the
 * encryption of m under pp with coins v, sp; 0 if not; negative on error.
 * ct1, ct2_t and ct' are recomputed and compared as group elements in
 * constant time, ANDed into one mask without early exit (the encodings are
 * canonical, so this is equality of their bytes).  The rows are compared
 * the same way, or, for prepared policies with enough rows, by the
 * randomized batch equation of docs/spec/fabeo.md §11.5 (false acceptance
 * at most 2^-128).  Only the final bit is declassified. */
int abe_kem_check_reencryption(const abe_mpk_t *mpk, const abe_prepared_t *pp,
                               const abe_ct_t *ct, const bls_gt_t *m, const bls_fr_t *v, const bls_fr_t *sp);

#endif
