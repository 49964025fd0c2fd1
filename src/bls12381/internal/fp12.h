/* Fp12 = Fp6[w]/(w^2 - v): what bls12381.h does not offer (the type and
 * bls_fp12_mul are there).  Constant time unless the name ends in _vartime. */
#ifndef ROAM_BLS12381_FP12_H
#define ROAM_BLS12381_FP12_H

#include "fp6.h"

extern const bls_fp12_t BLS_FP12_ONE;

void bls_fp12_sqr(bls_fp12_t *r, const bls_fp12_t *a);
void bls_fp12_inv(bls_fp12_t *r, const bls_fp12_t *a);
void bls_fp12_conj(bls_fp12_t *r, const bls_fp12_t *a);  /* a^(p^6); the inverse on the cyclotomic subgroup */
void bls_fp12_frobenius(bls_fp12_t *r, const bls_fp12_t *a, unsigned power); /* a^(p^power), any power */
/* Sparse product with a line value whose only non-zero coefficients are
 * c0.c0 = o0, c0.c1 = o1, c1.c1 = o4 (coefficients of 1, v and v*w: the
 * "014" shape of lines on BLS12-381's M-type twist). */
void bls_fp12_mul_by_014(bls_fp12_t *r, const bls_fp12_t *a, const bls_fp2_t *o0, const bls_fp2_t *o1, const bls_fp2_t *o4);
uint64_t bls_fp12_is_one(const bls_fp12_t *a);
uint64_t bls_fp12_equal(const bls_fp12_t *a, const bls_fp12_t *b);
void bls_fp12_cmov(bls_fp12_t *r, const bls_fp12_t *a, uint64_t cond);
/* r := a^e for a public exponent of `limbs` little-endian 64-bit limbs. */
void bls_fp12_pow_vartime(bls_fp12_t *r, const bls_fp12_t *a, const uint64_t *e, size_t limbs);

#endif
