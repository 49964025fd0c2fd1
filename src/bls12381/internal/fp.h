/* Fp beyond what bls12381.h offers: the rest of the base field's arithmetic,
 * its encodings and constants, for the extension fields, the curves and the
 * tests.  Constant time unless the name ends in _vartime. */
#ifndef ROAM_BLS12381_FP_H
#define ROAM_BLS12381_FP_H

#include <stddef.h>
#include <stdint.h>

#include "bls12381.h"

extern const bls_fp_t BLS_FP_ONE; /* R mod p */
/* Initializer of BLS_FP_ONE's limbs, for static constants built from it (fp2..fp12). */
#define BLS_FP_ONE_INIT {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL, \
                      0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}}

void bls_fp_sub(bls_fp_t *r, const bls_fp_t *a, const bls_fp_t *b);
void bls_fp_dbl(bls_fp_t *r, const bls_fp_t *a);
void bls_fp_neg(bls_fp_t *r, const bls_fp_t *a);                  /* -0 = 0 */
void bls_fp_inv_vartime(bls_fp_t *r, const bls_fp_t *a);          /* public inputs only */
int bls_fp_is_square(const bls_fp_t *a);                      /* 0 counts as a square */

uint64_t bls_fp_is_one(const bls_fp_t *a);
uint64_t bls_fp_equal(const bls_fp_t *a, const bls_fp_t *b);      /* 1 or 0 */
void bls_fp_cswap(bls_fp_t *a, bls_fp_t *b, uint64_t cond);
/* bls_fp_cmov on n consecutive elements in one masked pass: the tower types
 * (bls_fp2_t .. bls_fp12_t) are arrays of Fp elements, and GT's table scans select
 * whole Fp12 elements. */
void bls_fp_cmov_n(bls_fp_t *r, const bls_fp_t *a, size_t n, uint64_t cond);
uint64_t bls_fp_sgn0(const bls_fp_t *a);                      /* RFC 9380 sgn0: parity of the canonical value */
/* 1 if canonical(a) > (p-1)/2 (ZCash "lexicographically largest"). */
uint64_t bls_fp_is_lexically_largest(const bls_fp_t *a);

/* 48-byte big-endian canonical value; BLS_ERR_NONCANONICAL if >= p. */
int bls_fp_from_bytes(bls_fp_t *r, const uint8_t in[BLS_FP_BYTES]);
void bls_fp_to_bytes(uint8_t out[BLS_FP_BYTES], const bls_fp_t *a);
/* Any big-endian string of up to 64 bytes, reduced mod p (hash_to_field). */
void bls_fp_from_bytes_reduce(bls_fp_t *r, const uint8_t *in, size_t len);
/* Canonical (non-Montgomery) limbs <-> Montgomery form; for constants. */
void bls_fp_from_canonical(bls_fp_t *r, const uint64_t limbs[BLS_FP_LIMBS]);
void bls_fp_to_canonical(uint64_t limbs[BLS_FP_LIMBS], const bls_fp_t *a);
/* r := a^e for a public exponent given as little-endian limbs. */
void bls_fp_pow_vartime(bls_fp_t *r, const bls_fp_t *a, const uint64_t *e, size_t limbs);

/* Tests and benchmarks: on = 1 forces the portable C arithmetic even where
 * assembly is available (x86-64; the multiplication also needs BMI2/ADX),
 * on = 0 restores the automatic choice.  Returns 1 if this build has any
 * assembly path at all.  Not thread safe. */
int bls_fp_force_portable(int on);

#endif
