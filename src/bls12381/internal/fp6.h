/* Fp6 = Fp2[v]/(v^3 - (1 + u)) (the type is in bls12381.h).  Constant time. */
#ifndef ROAM_BLS12381_FP6_H
#define ROAM_BLS12381_FP6_H

#include "fp2.h"

extern const fp6_t FP6_ZERO;
extern const fp6_t FP6_ONE;

void fp6_add(fp6_t *r, const fp6_t *a, const fp6_t *b);
void fp6_sub(fp6_t *r, const fp6_t *a, const fp6_t *b);
void fp6_neg(fp6_t *r, const fp6_t *a);
void fp6_mul(fp6_t *r, const fp6_t *a, const fp6_t *b);
void fp6_sqr(fp6_t *r, const fp6_t *a);
void fp6_mul_by_nonresidue(fp6_t *r, const fp6_t *a); /* a * v */
void fp6_mul_by_fp2(fp6_t *r, const fp6_t *a, const fp2_t *b);
/* Sparse products used by the Miller loop: b = b0 + b1*v, and b = b1*v. */
void fp6_mul_by_01(fp6_t *r, const fp6_t *a, const fp2_t *b0, const fp2_t *b1);
void fp6_mul_by_1(fp6_t *r, const fp6_t *a, const fp2_t *b1);
void fp6_inv(fp6_t *r, const fp6_t *a);
void fp6_frobenius(fp6_t *r, const fp6_t *a, unsigned power); /* a^(p^power), any power */
uint64_t fp6_is_zero(const fp6_t *a);
uint64_t fp6_equal(const fp6_t *a, const fp6_t *b);
void fp6_cmov(fp6_t *r, const fp6_t *a, uint64_t cond);

#endif
