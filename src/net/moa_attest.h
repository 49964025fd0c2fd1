/* A host's attestation of a mobile address (docs/mobility.md, "Proof of the
 * mobile address"): the destination host of a migration, which has checked
 * that a handover's mobile address is the VM's SLAAC address in the prefix
 * it served itself, says so to the IMS with an Ed25519 signature over
 *
 *   "roam moa attestation v1" NUL | hoa 16 | moa 16 | seq 8 | time 8 | key_id 8
 *
 * (integers big-endian, time in unix seconds, key_id the first 8 bytes of
 * SHA-256 of the host's raw public key).  The attestation rides in the
 * replayed registration as Register.moa_attestations (src/mobility/ims.proto),
 * outside the owner's signature, which covers canonical bytes and not the
 * encoding; it names hoa and seq itself, so it proves nothing for any other
 * registration.  The host signs; roam-ims verifies (with its own rules on
 * which host may speak for which prefix, and how old an attestation may be).
 *
 * Here so that both sides build the message from one definition: roamd may
 * not include src/mobility (docs/design.md §9). */
#ifndef ROAM_NET_MOA_ATTEST_H
#define ROAM_NET_MOA_ATTEST_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ed25519.h"

#define ROAM_ATTEST_LABEL "roam moa attestation v1"
#define ROAM_ATTEST_KEY_ID_LEN 8
/* Register.moa_attestations, and the longest encoding of one such field:
 * tag, length, then moa (2+16), time (1+10), key_id (2+8), signature (2+64). */
#define ROAM_ATTEST_FIELD 6
#define ROAM_ATTEST_FIELD_MAX (2 + 18 + 11 + 10 + 66)

typedef struct roam_moa_attest {
    uint8_t moa[16];
    uint64_t time;                              /* unix seconds when signed */
    uint8_t key_id[ROAM_ATTEST_KEY_ID_LEN];
    uint8_t sig[ROAM_ED25519_SIG_LEN];
} roam_moa_attest;

/* The key id of a host's raw public key.  0 or -1. */
int roam_attest_key_id(const uint8_t pub[ROAM_ED25519_PUB_LEN],
                       uint8_t id[ROAM_ATTEST_KEY_ID_LEN]);

/* Attest moa for the registration (hoa, seq) at unix time now, with key
 * (whose id is key_id).  0, or -1 with err. */
int roam_moa_attest_sign(EVP_PKEY *key, const uint8_t key_id[ROAM_ATTEST_KEY_ID_LEN],
                         const uint8_t hoa[16], uint64_t seq, const uint8_t moa[16],
                         uint64_t now, roam_moa_attest *out, char *err, size_t errlen);

/* 1 if a is pub's attestation of a->moa for the registration (hoa, seq),
 * 0 if not (forged, altered, for another registration), -1 on an internal
 * error (err filled).  Neither a's age nor whose key pub is: the caller's. */
int roam_moa_attest_verify(const uint8_t pub[ROAM_ED25519_PUB_LEN], const uint8_t hoa[16],
                           uint64_t seq, const roam_moa_attest *a, char *err, size_t errlen);

/* a as one Register.moa_attestations field (tag, length, MoaAttestation),
 * ready to append to a Register's encoding.  The length (at most
 * ROAM_ATTEST_FIELD_MAX), or 0 if cap is too small. */
size_t roam_moa_attest_field(const roam_moa_attest *a, uint8_t *out, size_t cap);

#endif
