/* Point encodings beyond what bls12381.h offers (where the format and the
 * decoders' checks are described): the uncompressed writers and G2's
 * decoder without the subgroup test, for the tests. */
#ifndef ROAM_BLS12381_ENCODING_H
#define ROAM_BLS12381_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "bls12381.h"
#include "g1.h"
#include "g2.h"

/* Every check of bls_g2_from_bytes except subgroup membership, as
 * bls_g1_from_bytes_on_curve. */
int bls_g2_from_bytes_on_curve(bls_g2_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
void bls_g1_to_uncompressed(uint8_t out[BLS_G1_UNCOMPRESSED_BYTES], const bls_g1_affine_t *p);
void bls_g2_to_uncompressed(uint8_t out[BLS_G2_UNCOMPRESSED_BYTES], const bls_g2_affine_t *p);

#endif
