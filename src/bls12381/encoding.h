/* ZCash (zkcrypto) serialization of G1 and G2 points, docs/spec/fabeo.md §2.
 *
 * Compressed: x only, 48 (G1) or 96 (G2) bytes; uncompressed: x then y, 96 or
 * 192 bytes.  Fp values are 48-byte big-endian; an Fp2 value c0 + c1*u is
 * written c1 then c0.  The three top bits of byte 0 are flags: 0x80 the
 * encoding is compressed, 0x40 the point is the identity (all other bits
 * zero), 0x20 (compressed only) y is the lexicographically largest root.
 *
 * The decoders accept exactly one encoding per point, chosen by len, and
 * always check the curve equation and subgroup membership.  They are
 * constant time up to the validity verdict, because keys hold secret points.
 * Errors (bls_err): BLS_ERR_LENGTH, BLS_ERR_FLAGS, BLS_ERR_NONCANONICAL,
 * BLS_ERR_NOT_SQUARE (compressed x with no y), BLS_ERR_NOT_ON_CURVE,
 * BLS_ERR_NOT_IN_SUBGROUP, BLS_ERR_IDENTITY (when !allow_identity),
 * BLS_ERR_ARGUMENT (NULL).  On error *out is the identity. */
#ifndef ROAM_BLS12381_ENCODING_H
#define ROAM_BLS12381_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "g1.h"
#include "g2.h"

int g1_from_bytes(g1_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
/* The same checks and results, with a subgroup test whose time depends on
 * the point: only for public points (ciphertexts), never for key material. */
int g1_from_bytes_vartime(g1_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
/* Every check of g1_from_bytes except subgroup membership (constant time):
 * for a caller that runs g1_is_in_subgroup[_vartime] on the point itself,
 * later or on another thread, and lets nothing computed from the point out
 * before that test passed. */
int g1_from_bytes_on_curve(g1_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
void g1_to_compressed(uint8_t out[G1_COMPRESSED_BYTES], const g1_affine_t *p);
void g1_to_uncompressed(uint8_t out[G1_UNCOMPRESSED_BYTES], const g1_affine_t *p);

int g2_from_bytes(g2_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
int g2_from_bytes_vartime(g2_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
int g2_from_bytes_on_curve(g2_affine_t *out, const uint8_t *in, size_t len, int allow_identity);
void g2_to_compressed(uint8_t out[G2_COMPRESSED_BYTES], const g2_affine_t *p);
void g2_to_uncompressed(uint8_t out[G2_UNCOMPRESSED_BYTES], const g2_affine_t *p);

#endif
