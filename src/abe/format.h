/* roam's binary formats for FABEO objects (docs/abe.md, "File formats").
 *
 * Every object is   "ROAM" || type (1) || version (1) || I2OSP(len(body), 4) || body
 *
 *   type 1 MPK          body = ser_GT(A)                               (576 B)
 *   type 2 MSK          body = mpk_id (32) || alpha (32, 0 < alpha < r)
 *   type 3 user key     body = mpk_id (32)
 *                              || I2OSP(u, 2) || u x (I2OSP(len, 2) || user text)
 *                              || I2OSP(n, 2) || n x (I2OSP(len, 2) || string || sk2 (G1, 48))
 *                              || sk1 (G1, 48) || sk3 (G2, 96)
 *   type 4 ciphertext   body = ser(CT) of kem.h
 *
 * The user texts are the attributes as issued ("grade = 4"); the n strings
 * are their expansion, in the canonical sorted order, and must equal what
 * re-expanding the texts gives (so they are sorted, unique, one value per
 * numeric attribute).  Decoders are strict: exact lengths, bounded counts,
 * no trailing bytes, every point canonical, in its subgroup and not the
 * identity, scalars below r.  Version 1 is the only version. */
#ifndef ROAM_ABE_FORMAT_H
#define ROAM_ABE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "fabeo.h"

#define RF_VERSION 1
#define RF_HEADER_BYTES 10
#define RF_MAX_BYTES (1u << 20)   /* no roam object is larger than 1 MiB */

typedef enum { RF_MPK = 1, RF_MSK = 2, RF_USER_KEY = 3, RF_CIPHERTEXT = 4 } rf_type;

/* The type and body of an object, header checked (magic, known type,
 * version, exact length).  body points into in. */
int rf_parse_header(const uint8_t *in, size_t len, rf_type *type, const uint8_t **body,
                    size_t *body_len);

/* Encoders return a malloc'd buffer in *out (free it; for MSK and user keys
 * cleanse it first: rf_free_secret). */
int rf_encode_mpk(const fabeo_mpk_t *mpk, uint8_t **out, size_t *len);
int rf_encode_msk(const fabeo_msk_t *msk, const fabeo_mpk_t *mpk, uint8_t **out, size_t *len);
int rf_encode_key(const fabeo_key_t *key, uint8_t **out, size_t *len);
int rf_encode_ct(const uint8_t *ser_ct, size_t ser_len, uint8_t **out, size_t *len);
void rf_free_secret(uint8_t *buf, size_t len);

int rf_decode_mpk(fabeo_mpk_t *mpk, const uint8_t *in, size_t len);
/* mpk_id receives the id of the MPK the MSK belongs to. */
int rf_decode_msk(fabeo_msk_t *msk, uint8_t mpk_id[FABEO_ID_BYTES], const uint8_t *in,
                  size_t len);
/* Decodes and validates a user key (err explains attribute problems). */
int rf_decode_key(fabeo_key_t *key, const uint8_t *in, size_t len, pol_error_t *err);
/* Checks a ciphertext object completely (policy, tau, n1, points) and
 * returns ser(CT) inside it; pp receives the prepared policy (no tables). */
int rf_decode_ct(const uint8_t *in, size_t len, const uint8_t **ser_ct, size_t *ser_len,
                 fabeo_policy_t *pp);

/* Key fingerprint: SHA-256("ROAM-KEY-FP-v1" || mpk_id || I2OSP(u, 2) ||
 * user texts (each I2OSP(len, 2) || text) || ser(sk3)).  It names one issued
 * key and reveals nothing secret. */
int rf_key_fingerprint(const fabeo_key_t *key, uint8_t fp[32]);

/* The armor label of a type, e.g. "ROAM USER KEY". */
const char *rf_label(rf_type type);

#endif
