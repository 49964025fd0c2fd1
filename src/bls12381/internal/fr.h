/* Fr beyond what bls12381.h offers: the rest of the scalar field's
 * arithmetic and conversions, for the groups, GT and the tests.  Constant
 * time unless the name ends in _vartime. */
#ifndef ROAM_BLS12381_FR_H
#define ROAM_BLS12381_FR_H

#include <stddef.h>
#include <stdint.h>

#include "bls12381.h"

void fr_sqr(fr_t *r, const fr_t *a);
void fr_inv(fr_t *r, const fr_t *a);                  /* 1/0 := 0, constant time */
void fr_cmov(fr_t *r, const fr_t *a, uint64_t cond);

/* Any big-endian string of up to 64 bytes, reduced mod r (hash_to_field, sampling). */
void fr_from_bytes_reduce(fr_t *r, const uint8_t *in, size_t len);
/* Canonical little-endian limbs of a (what scalar multiplication consumes). */
void fr_to_canonical(uint64_t limbs[FR_LIMBS], const fr_t *a);

#endif
