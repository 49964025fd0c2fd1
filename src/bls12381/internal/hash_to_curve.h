/* RFC 9380 hashing beyond what bls12381.h offers (where the constant-time
 * and DST rules are described): hash_to_field into Fp and Fp2, map_to_curve,
 * and the non-uniform suites BLS12381G1_XMD:SHA-256_SSWU_NU_ and
 * BLS12381G2_XMD:SHA-256_SSWU_NU_. */
#ifndef ROAM_BLS12381_HASH_TO_CURVE_H
#define ROAM_BLS12381_HASH_TO_CURVE_H

#include <stddef.h>
#include <stdint.h>

#include "bls12381.h"
#include "fp.h"
#include "fp2.h"
#include "fr.h"
#include "g1.h"
#include "g2.h"

/* hash_to_field (RFC 9380 §5.2): count elements, 1 <= count and
 * count * m * L <= BLS_H2C_XMD_MAX_BYTES, with L = 64. */
int bls_fp_hash_to_field(bls_fp_t *out, size_t count, const uint8_t *msg, size_t msg_len,
                     const uint8_t *dst, size_t dst_len);
int bls_fp2_hash_to_field(bls_fp2_t *out, size_t count, const uint8_t *msg, size_t msg_len,
                      const uint8_t *dst, size_t dst_len);

/* map_to_curve: simplified SWU onto the isogenous curve followed by the
 * isogeny, without cofactor clearing (RFC 9380 §6.6.3).  The result is on E
 * but usually not in the subgroup.  Exposed for the RFC's Q0/Q1 vectors. */
void bls_g1_map_to_curve(bls_g1_t *out, const bls_fp_t *u);
void bls_g2_map_to_curve(bls_g2_t *out, const bls_fp2_t *u);

/* encode_to_curve (non-uniform, suite ..._NU_).  The result is in the
 * order-r subgroup. */
int bls_g1_encode_to_curve(bls_g1_t *out, const uint8_t *msg, size_t msg_len,
                       const uint8_t *dst, size_t dst_len);
int bls_g2_encode_to_curve(bls_g2_t *out, const uint8_t *msg, size_t msg_len,
                       const uint8_t *dst, size_t dst_len);

#endif
