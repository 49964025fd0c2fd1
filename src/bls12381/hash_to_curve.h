/* RFC 9380 hashing for BLS12-381: expand_message_xmd (SHA-256), hash_to_field
 * into Fp, Fp2 and Fr, and the suites BLS12381G1_XMD:SHA-256_SSWU_{RO,NU}_
 * and BLS12381G2_XMD:SHA-256_SSWU_{RO,NU}_.
 *
 * Every function is constant time in the message (FABEO hashes a secret GT
 * element into its KEM coins); only lengths may leak.  The DST must be 1 to
 * 255 bytes: the RFC's oversize-DST reduction is deliberately not offered, a
 * longer tag is a caller bug.  Errors: BLS_ERR_ARGUMENT for a bad DST, a bad
 * output length or count, a NULL pointer with a nonzero length, or an OpenSSL
 * failure. */
#ifndef ROAM_BLS12381_HASH_TO_CURVE_H
#define ROAM_BLS12381_HASH_TO_CURVE_H

#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "fp.h"
#include "fp2.h"
#include "fr.h"
#include "g1.h"
#include "g2.h"

#define H2C_MAX_DST_BYTES 255
/* RFC 9380 §5.3.1 with b_in_bytes = 32: ell = ceil(len / 32) <= 255. */
#define H2C_XMD_MAX_BYTES (255 * 32)

/* uniform_bytes of RFC 9380 §5.3.1; 1 <= len <= H2C_XMD_MAX_BYTES. */
int expand_message_xmd(uint8_t *out, size_t len,
                       const uint8_t *msg, size_t msg_len,
                       const uint8_t *dst, size_t dst_len);

/* hash_to_field (RFC 9380 §5.2): count elements, 1 <= count and
 * count * m * L <= H2C_XMD_MAX_BYTES.  Fp and Fp2 use L = 64; Fr uses
 * L = 48 = ceil((255 + 128) / 8) (FABEO KEM coins). */
int fp_hash_to_field(fp_t *out, size_t count, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);
int fp2_hash_to_field(fp2_t *out, size_t count, const uint8_t *msg, size_t msg_len,
                      const uint8_t *dst, size_t dst_len);
int fr_hash_to_field(fr_t *out, size_t count, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);

/* map_to_curve: simplified SWU onto the isogenous curve followed by the
 * isogeny, without cofactor clearing (RFC 9380 §6.6.3).  The result is on E
 * but usually not in the subgroup.  Exposed for the RFC's Q0/Q1 vectors. */
void g1_map_to_curve(g1_t *out, const fp_t *u);
void g2_map_to_curve(g2_t *out, const fp2_t *u);

/* hash_to_curve (random oracle, suite ..._RO_) and encode_to_curve
 * (non-uniform, suite ..._NU_).  The result is in the order-r subgroup. */
int g1_hash_to_curve(g1_t *out, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);
int g1_encode_to_curve(g1_t *out, const uint8_t *msg, size_t msg_len,
                       const uint8_t *dst, size_t dst_len);
int g2_hash_to_curve(g2_t *out, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);
int g2_encode_to_curve(g2_t *out, const uint8_t *msg, size_t msg_len,
                       const uint8_t *dst, size_t dst_len);

#endif
