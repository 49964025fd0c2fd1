/* Fp2 = Fp[u]/(u^2 + 1) (the type is in bls12381.h).  Constant time unless
 * the name ends in _vartime. */
#ifndef ROAM_BLS12381_FP2_H
#define ROAM_BLS12381_FP2_H

#include "fp.h"

extern const bls_fp2_t BLS_FP2_ZERO;
extern const bls_fp2_t BLS_FP2_ONE;

void bls_fp2_add(bls_fp2_t *r, const bls_fp2_t *a, const bls_fp2_t *b);
void bls_fp2_sub(bls_fp2_t *r, const bls_fp2_t *a, const bls_fp2_t *b);
void bls_fp2_dbl(bls_fp2_t *r, const bls_fp2_t *a);
void bls_fp2_neg(bls_fp2_t *r, const bls_fp2_t *a);
void bls_fp2_conj(bls_fp2_t *r, const bls_fp2_t *a);              /* = Frobenius */
void bls_fp2_mul(bls_fp2_t *r, const bls_fp2_t *a, const bls_fp2_t *b);
void bls_fp2_sqr(bls_fp2_t *r, const bls_fp2_t *a);
void bls_fp2_mul_fp(bls_fp2_t *r, const bls_fp2_t *a, const bls_fp_t *b);
void bls_fp2_mul_by_nonresidue(bls_fp2_t *r, const bls_fp2_t *a); /* a * (1 + u) */
void bls_fp2_inv(bls_fp2_t *r, const bls_fp2_t *a);               /* 1/0 := 0 */
void bls_fp2_inv_vartime(bls_fp2_t *r, const bls_fp2_t *a);
int bls_fp2_sqrt(bls_fp2_t *r, const bls_fp2_t *a);               /* 1 if square */
int bls_fp2_is_square(const bls_fp2_t *a);
uint64_t bls_fp2_is_zero(const bls_fp2_t *a);
uint64_t bls_fp2_is_one(const bls_fp2_t *a);
uint64_t bls_fp2_equal(const bls_fp2_t *a, const bls_fp2_t *b);
void bls_fp2_cmov(bls_fp2_t *r, const bls_fp2_t *a, uint64_t cond);
uint64_t bls_fp2_sgn0(const bls_fp2_t *a);                    /* RFC 9380 sgn0 for m = 2 */
/* ZCash rule: compare c1, or c0 when c1 == 0. */
uint64_t bls_fp2_is_lexically_largest(const bls_fp2_t *a);
void bls_fp2_pow_vartime(bls_fp2_t *r, const bls_fp2_t *a, const uint64_t *e, size_t limbs);

#endif
