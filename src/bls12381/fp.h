/* Fp: the 381-bit base field of BLS12-381, Montgomery form, 6 x 64-bit limbs.
 *
 * Every function here is constant time in all of its inputs unless its name
 * ends in _vartime.  Elements are always fully reduced (< p), so equality of
 * limbs is equality of field elements. */
#ifndef ROAM_BLS12381_FP_H
#define ROAM_BLS12381_FP_H

#include <stddef.h>
#include <stdint.h>

#define FP_LIMBS 6
#define FP_BYTES 48

typedef struct { uint64_t l[FP_LIMBS]; } fp_t; /* little-endian limbs, Montgomery form */

extern const fp_t FP_ZERO;
extern const fp_t FP_ONE; /* R mod p */
/* Initializer of FP_ONE's limbs, for static constants built from it (fp2..fp12). */
#define FP_ONE_INIT {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL, \
                      0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}}

void fp_add(fp_t *r, const fp_t *a, const fp_t *b);
void fp_sub(fp_t *r, const fp_t *a, const fp_t *b);
void fp_dbl(fp_t *r, const fp_t *a);
void fp_neg(fp_t *r, const fp_t *a);                  /* -0 = 0 */
void fp_mul(fp_t *r, const fp_t *a, const fp_t *b);
void fp_sqr(fp_t *r, const fp_t *a);
void fp_inv(fp_t *r, const fp_t *a);                  /* 1/0 := 0 */
void fp_inv_vartime(fp_t *r, const fp_t *a);          /* public inputs only */
/* r := sqrt(a) if a is a square (returns 1), else r unspecified (returns 0). */
int fp_sqrt(fp_t *r, const fp_t *a);
int fp_is_square(const fp_t *a);                      /* 0 counts as a square */
/* 1 if a is the square of something, written to r; used by SSWU. */

uint64_t fp_is_zero(const fp_t *a);                   /* 1 or 0 */
uint64_t fp_is_one(const fp_t *a);
uint64_t fp_equal(const fp_t *a, const fp_t *b);      /* 1 or 0 */
void fp_cmov(fp_t *r, const fp_t *a, uint64_t cond);  /* r := cond ? a : r; cond is 0 or 1 */
void fp_cswap(fp_t *a, fp_t *b, uint64_t cond);
/* fp_cmov on n consecutive elements in one masked pass: the tower types
 * (fp2_t .. fp12_t) are arrays of Fp elements, and GT's table scans select
 * whole Fp12 elements. */
void fp_cmov_n(fp_t *r, const fp_t *a, size_t n, uint64_t cond);
uint64_t fp_sgn0(const fp_t *a);                      /* RFC 9380 sgn0: parity of the canonical value */
/* 1 if canonical(a) > (p-1)/2 (ZCash "lexicographically largest"). */
uint64_t fp_is_lexically_largest(const fp_t *a);

void fp_from_u64(fp_t *r, uint64_t v);
/* 48-byte big-endian canonical value; BLS_ERR_NONCANONICAL if >= p. */
int fp_from_bytes(fp_t *r, const uint8_t in[FP_BYTES]);
void fp_to_bytes(uint8_t out[FP_BYTES], const fp_t *a);
/* Any big-endian string of up to 64 bytes, reduced mod p (hash_to_field). */
void fp_from_bytes_reduce(fp_t *r, const uint8_t *in, size_t len);
/* Canonical (non-Montgomery) limbs <-> Montgomery form; for constants. */
void fp_from_canonical(fp_t *r, const uint64_t limbs[FP_LIMBS]);
void fp_to_canonical(uint64_t limbs[FP_LIMBS], const fp_t *a);
/* r := a^e for a public exponent given as little-endian limbs. */
void fp_pow_vartime(fp_t *r, const fp_t *a, const uint64_t *e, size_t limbs);

/* Tests and benchmarks: on = 1 forces the portable C arithmetic even where
 * assembly is available (x86-64; the multiplication also needs BMI2/ADX),
 * on = 0 restores the automatic choice.  Returns 1 if this build has any
 * assembly path at all.  Not thread safe. */
int fp_force_portable(int on);

#endif
