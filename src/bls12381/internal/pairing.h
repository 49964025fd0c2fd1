/* GT beyond what bls12381.h offers (where the pairing and GT are
 * described): the identity, squaring and the subgroup test, for the
 * pairing's own code and the tests.  Constant time. */
#ifndef ROAM_BLS12381_PAIRING_H
#define ROAM_BLS12381_PAIRING_H

#include <stddef.h>
#include <stdint.h>

#include "bls12381.h"
#include "fp12.h"
#include "g1.h"
#include "g2.h"

void bls_gt_one(bls_gt_t *r);
void bls_gt_sqr(bls_gt_t *r, const bls_gt_t *a);            /* cyclotomic squaring */
/* 1 iff f is a non-zero element of order dividing r: f is in the cyclotomic
 * subgroup (f^(p^4) * f == f^(p^2)) and f^p == f^x.  For BLS12-381
 * gcd(p - x, p^4 - p^2 + 1) = r, so the two conditions characterise GT. */
uint64_t bls_gt_is_in_subgroup(const bls_fp12_t *f);

#endif
