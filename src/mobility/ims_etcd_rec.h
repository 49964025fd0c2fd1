/* How the etcd backend lays out one HoA: key PREFIX "hoa/" + 32 lower-case
 * hex digits of the address (so a range over PREFIX "hoa/" lists every
 * HoA in address order), value a compact binary record:
 *   version 1 (1 byte) | Ed25519 public key (32) | seq (8, big-endian) |
 *   updated_ms (8, big-endian) | n (1) | (moa (16) | state (1)) * n
 * Decoding checks every field (length, version, bindings rules), so a
 * record that etcd returns damaged or forged is refused, not trusted. */
#ifndef ROAM_MOBILITY_IMS_ETCD_REC_H
#define ROAM_MOBILITY_IMS_ETCD_REC_H

#include <stddef.h>
#include <stdint.h>

#include "ims_types.h"

#define IMS_REC_VERSION 1
#define IMS_REC_MAX (1 + IMS_PUBKEY_LEN + 8 + 8 + 1 + IMS_MAX_BINDINGS * (IMS_ADDR_LEN + 1))
#define IMS_PREFIX_MAX 128
#define IMS_KEY_MAX (IMS_PREFIX_MAX + 4 + 2 * IMS_ADDR_LEN)

/* PREFIX "hoa/" + hex(hoa) into out (IMS_KEY_MAX + 1).  Length. */
size_t ims_rec_key(const char *prefix, const uint8_t hoa[IMS_ADDR_LEN], char *out);

/* The HoA a key names: 0, or -1 if key is not PREFIX "hoa/" + 32 hex. */
int ims_rec_key_hoa(const char *prefix, const uint8_t *key, size_t len,
                    uint8_t hoa[IMS_ADDR_LEN]);

/* Encode m (seq, updated_ms, bindings) and pub.  Length. */
size_t ims_rec_encode(const ims_mapping *m, const uint8_t pub[IMS_PUBKEY_LEN],
                      uint8_t out[IMS_REC_MAX]);

/* Decode a record of hoa into m (hoa set too) and pub (if non-NULL).  0,
 * or -1 with err. */
int ims_rec_decode(const uint8_t *buf, size_t len, const uint8_t hoa[IMS_ADDR_LEN],
                   ims_mapping *m, uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen);

#endif
