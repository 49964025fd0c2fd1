/* Fp6 = Fp2[v]/(v^3 - (1 + u)) (the type is in bls12381.h).  Constant time. */
#ifndef ROAM_BLS12381_FP6_H
#define ROAM_BLS12381_FP6_H

#include "fp2.h"

extern const bls_fp6_t BLS_FP6_ZERO;
extern const bls_fp6_t BLS_FP6_ONE;

void bls_fp6_add(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp6_t *b);
void bls_fp6_sub(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp6_t *b);
void bls_fp6_neg(bls_fp6_t *r, const bls_fp6_t *a);
void bls_fp6_mul(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp6_t *b);
void bls_fp6_sqr(bls_fp6_t *r, const bls_fp6_t *a);
void bls_fp6_mul_by_nonresidue(bls_fp6_t *r, const bls_fp6_t *a); /* a * v */
void bls_fp6_mul_by_fp2(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp2_t *b);
/* Sparse products used by the Miller loop: b = b0 + b1*v, and b = b1*v. */
void bls_fp6_mul_by_01(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp2_t *b0, const bls_fp2_t *b1);
void bls_fp6_mul_by_1(bls_fp6_t *r, const bls_fp6_t *a, const bls_fp2_t *b1);
void bls_fp6_inv(bls_fp6_t *r, const bls_fp6_t *a);
void bls_fp6_frobenius(bls_fp6_t *r, const bls_fp6_t *a, unsigned power); /* a^(p^power), any power */
uint64_t bls_fp6_is_zero(const bls_fp6_t *a);
uint64_t bls_fp6_equal(const bls_fp6_t *a, const bls_fp6_t *b);
void bls_fp6_cmov(bls_fp6_t *r, const bls_fp6_t *a, uint64_t cond);

#endif
