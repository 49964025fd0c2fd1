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
int kem_check_reencryption(const fabeo_mpk_t *mpk, const fabeo_policy_t *pp,
                           const fabeo_ct_t *ct, const gt_t *m, const fr_t *v, const fr_t *sp);

#endif
