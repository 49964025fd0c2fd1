/* roam's CCA KEM over FABEO (docs/spec/fabeo.md §11): Fujisaki-Okamoto with a
 * re-encryption check.  Encaps picks R = E^u, derives all encryption coins
 * from (R, mpk_id, policy) and returns K = HKDF-SHA256(ser_GT(R) ||
 * SHA-256(ser(CT))); Decaps decrypts, re-encrypts with the re-derived coins
 * and accepts only if the whole ciphertext matches.
 *
 * Ciphertext bytes are ser(CT):
 *   0x02 || I2OSP(len(pol), 4) || pol || I2OSP(tau, 1) || ct1 || ct2_1..ct2_tau
 *        || I2OSP(n1, 2) || ct3_1..ct3_n1 || ser_GT(ct')
 * with pol the canonical policy encoding; tau and n1 must match the policy.
 *
 * Limit: hash_to_field can produce at most 170 scalars (RFC 9380's
 * expand_message_xmd bound), so policies need n2 + tau <= ABE_KEM_MAX_COINS. */
#ifndef ROAM_ABE_KEM_H
#define ROAM_ABE_KEM_H

#include <stddef.h>
#include <stdint.h>

#include "fabeo.h"

#define ABE_KEM_MAX_COINS 170
#define ABE_KEM_CT_VERSION 0x02
#define ABE_KEM_DST_COINS "ROAM-FABEO-V01-KEM-COINS"
#define ABE_KEM_KDF_INFO "ROAM-FABEO-KEM-v1"

/* The same with a caller-chosen u (R = E^u): deterministic, for tests and
 * known-answer vectors only.  Never call it twice with one u. */
int abe_kem_encaps_with(const abe_mpk_t *mpk, const abe_prepared_t *pp, const bls_fr_t *u,
                        uint8_t *ct, size_t cap, size_t *ct_len, uint8_t key[ABE_KEM_KEY_BYTES]);

/* ---- ser(CT) codec (also used by file formats and diagnostics) ---------- */

/* Locates pol inside ser(CT) (version, length bounds).  ABE_ERR_FORMAT. */
int abe_kem_ct_policy(const uint8_t *ct, size_t len, const uint8_t **pol, size_t *pol_len);

/* Decodes ser(CT) whose policy is pp (same bytes): tau and n1 must match,
 * every point is canonical, in its subgroup and not the identity, ct' is in
 * GT, no trailing bytes.  ABE_ERR_FORMAT otherwise. */
int abe_kem_ct_decode(abe_ct_t *out, const uint8_t *ct, size_t len, const abe_prepared_t *pp);
/* abe_kem_ct_decode without the subgroup tests of the rows ct3_1..ct3_n1 (they
 * are on the curve and not the identity): Decaps runs those tests with
 * abe_kem_ct_row_in_subgroup next to decryption, and uses nothing computed
 * from the rows unless every test passed. */
int abe_kem_ct_decode_defer_rows(abe_ct_t *out, const uint8_t *ct, size_t len,
                                 const abe_prepared_t *pp);
/* 1 if row i (< ct->n1) is in G1, else 0 (variable time: public points). */
int abe_kem_ct_row_in_subgroup(const abe_ct_t *ct, size_t i);

/* Writes ser(CT) of an affine ciphertext under pp. */
int abe_kem_ct_encode(uint8_t *out, size_t cap, size_t *len, const abe_ct_t *ct,
                      const abe_prepared_t *pp);

#endif
