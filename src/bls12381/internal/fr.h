/* Fr beyond what bls12381.h offers: the rest of the scalar field's
 * arithmetic and conversions, for the groups, GT and the tests.  Constant
 * time unless the name ends in _vartime. */
#ifndef ROAM_BLS12381_FR_H
#define ROAM_BLS12381_FR_H

#include <stddef.h>
#include <stdint.h>

#include "bls12381.h"

void bls_fr_sqr(bls_fr_t *r, const bls_fr_t *a);
void bls_fr_inv(bls_fr_t *r, const bls_fr_t *a);                  /* 1/0 := 0, constant time */
void bls_fr_cmov(bls_fr_t *r, const bls_fr_t *a, uint64_t cond);

/* Any big-endian string of up to 64 bytes, reduced mod r (hash_to_field, sampling). */
void bls_fr_from_bytes_reduce(bls_fr_t *r, const uint8_t *in, size_t len);
/* Canonical little-endian limbs of a (what scalar multiplication consumes). */
void bls_fr_to_canonical(uint64_t limbs[BLS_FR_LIMBS], const bls_fr_t *a);

#endif
