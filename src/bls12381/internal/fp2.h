/* Fp2 = Fp[u]/(u^2 + 1) (the type is in bls12381.h).  Constant time unless
 * the name ends in _vartime. */
#ifndef ROAM_BLS12381_FP2_H
#define ROAM_BLS12381_FP2_H

#include "fp.h"

extern const fp2_t FP2_ZERO;
extern const fp2_t FP2_ONE;

void fp2_add(fp2_t *r, const fp2_t *a, const fp2_t *b);
void fp2_sub(fp2_t *r, const fp2_t *a, const fp2_t *b);
void fp2_dbl(fp2_t *r, const fp2_t *a);
void fp2_neg(fp2_t *r, const fp2_t *a);
void fp2_conj(fp2_t *r, const fp2_t *a);              /* = Frobenius */
void fp2_mul(fp2_t *r, const fp2_t *a, const fp2_t *b);
void fp2_sqr(fp2_t *r, const fp2_t *a);
void fp2_mul_fp(fp2_t *r, const fp2_t *a, const fp_t *b);
void fp2_mul_by_nonresidue(fp2_t *r, const fp2_t *a); /* a * (1 + u) */
void fp2_inv(fp2_t *r, const fp2_t *a);               /* 1/0 := 0 */
void fp2_inv_vartime(fp2_t *r, const fp2_t *a);
int fp2_sqrt(fp2_t *r, const fp2_t *a);               /* 1 if square */
int fp2_is_square(const fp2_t *a);
uint64_t fp2_is_zero(const fp2_t *a);
uint64_t fp2_is_one(const fp2_t *a);
uint64_t fp2_equal(const fp2_t *a, const fp2_t *b);
void fp2_cmov(fp2_t *r, const fp2_t *a, uint64_t cond);
uint64_t fp2_sgn0(const fp2_t *a);                    /* RFC 9380 sgn0 for m = 2 */
/* ZCash rule: compare c1, or c0 when c1 == 0. */
uint64_t fp2_is_lexically_largest(const fp2_t *a);
void fp2_pow_vartime(fp2_t *r, const fp2_t *a, const uint64_t *e, size_t limbs);

#endif
