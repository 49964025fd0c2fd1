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

/* Every check of g2_from_bytes except subgroup membership, as
 * g1_from_bytes_on_curve. */
int g2_from_bytes_on_curve(g2_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
void g1_to_uncompressed(uint8_t out[G1_UNCOMPRESSED_BYTES], const g1_affine_t *p);
void g2_to_uncompressed(uint8_t out[G2_UNCOMPRESSED_BYTES], const g2_affine_t *p);

#endif
