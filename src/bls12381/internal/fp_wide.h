/* Internal: double-width Fp products and Montgomery reduction, for lazy
 * reduction in the extension fields (sum products first, reduce once). */
#ifndef ROAM_BLS12381_FP_WIDE_H
#define ROAM_BLS12381_FP_WIDE_H

#include "fp.h"

#define FP_WIDE_LIMBS (2 * BLS_FP_LIMBS)

/* p^2, added to a negative difference of two products to keep it >= 0. */
extern const uint64_t BLS_FP_P_SQUARED[FP_WIDE_LIMBS];

/* Lazy inputs: bls_fp_mul (both the assembly and the C path) also accepts
 * factors that are merely < 2p, e.g. an unreduced sum of two elements.
 * Its CIOS accumulator then stays below a + p < 3p < 2^384 (no carry
 * past the top limb) and the result a b / 2^384 + p < 1.5p, since
 * 4p^2 / 2^384 < p/2, so the single final subtraction still reduces it. */

/* t := a * b as a 768-bit integer.  a and b are 6-limb values below 2^382
 * (reduced elements or sums of two); t must not overlap a or b. */
void bls_fp_mul_wide(uint64_t t[FP_WIDE_LIMBS], const uint64_t a[BLS_FP_LIMBS], const uint64_t b[BLS_FP_LIMBS]);
/* r := t / 2^384 mod p (Montgomery reduction), fully reduced; requires
 * t < p * 2^384, e.g. any sum of up to 8 products of reduced elements. */
void bls_fp_redc(bls_fp_t *r, const uint64_t t[FP_WIDE_LIMBS]);

#endif
