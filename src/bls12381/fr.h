/* Fr: scalars modulo the group order r of BLS12-381, Montgomery form,
 * 4 x 64-bit limbs.  Constant time unless the name ends in _vartime. */
#ifndef ROAM_BLS12381_FR_H
#define ROAM_BLS12381_FR_H

#include <stddef.h>
#include <stdint.h>

#define FR_LIMBS 4
#define FR_BYTES 32

typedef struct { uint64_t l[FR_LIMBS]; } fr_t; /* little-endian limbs, Montgomery form */

extern const fr_t FR_ZERO;
extern const fr_t FR_ONE;

void fr_add(fr_t *r, const fr_t *a, const fr_t *b);
void fr_sub(fr_t *r, const fr_t *a, const fr_t *b);
void fr_neg(fr_t *r, const fr_t *a);
void fr_mul(fr_t *r, const fr_t *a, const fr_t *b);
void fr_sqr(fr_t *r, const fr_t *a);
void fr_inv(fr_t *r, const fr_t *a);                  /* 1/0 := 0, constant time */
void fr_inv_vartime(fr_t *r, const fr_t *a);          /* public inputs only */
uint64_t fr_is_zero(const fr_t *a);
uint64_t fr_equal(const fr_t *a, const fr_t *b);
void fr_cmov(fr_t *r, const fr_t *a, uint64_t cond);

void fr_from_u64(fr_t *r, uint64_t v);
/* 32-byte big-endian; BLS_ERR_NONCANONICAL if >= r. */
int fr_from_bytes(fr_t *r, const uint8_t in[FR_BYTES]);
void fr_to_bytes(uint8_t out[FR_BYTES], const fr_t *a);
/* Any big-endian string of up to 64 bytes, reduced mod r (hash_to_field, sampling). */
void fr_from_bytes_reduce(fr_t *r, const uint8_t *in, size_t len);
/* Canonical little-endian limbs of a (what scalar multiplication consumes). */
void fr_to_canonical(uint64_t limbs[FR_LIMBS], const fr_t *a);
void fr_from_canonical(fr_t *r, const uint64_t limbs[FR_LIMBS]); /* input must be < r */
/* Uniform scalar from the OS CSPRNG (48 bytes reduced mod r).  Returns 0, or
 * BLS_ERR_ARGUMENT if the RNG failed. fr_random_nonzero resamples on 0. */
int fr_random(fr_t *r);
int fr_random_nonzero(fr_t *r);

#endif
