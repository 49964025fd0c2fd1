/* Return routability of a mobile address (docs/mobility.md, "Proof of the
 * mobile address"): the IMS proves that a registrant receives packets sent
 * to a new MoA by sending it a token that only the IMS can make and that
 * names exactly (hoa, moa, seq), and committing the registration only when
 * it comes back.  The token is an HMAC-SHA-256 under a key derived from a
 * secret the front-ends share and the current epoch (unix time / epoch_s),
 * so it needs no per-request state, verifies at every front-end with the
 * same secret, and expires after one to two epochs. */
#ifndef ROAM_MOBILITY_IMS_TOKEN_H
#define ROAM_MOBILITY_IMS_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "ims_types.h"

#define IMS_TOKEN_LEN 32
#define IMS_SECRET_MIN 32            /* bytes of the secret file, at least */
#define IMS_SECRET_MAX 256

typedef struct ims_token_key {
    uint8_t secret[IMS_SECRET_MAX];
    size_t len;
    int epoch_s;                     /* seconds per epoch */
} ims_token_key;

/* Load the secret from path: a regular file that only its owner may read
 * (like ssh's private keys), IMS_SECRET_MIN..IMS_SECRET_MAX bytes of
 * anything (e.g. head -c 32 /dev/urandom).  0, or -1 with err. */
int ims_token_key_load(ims_token_key *k, const char *path, int epoch_s, char *err,
                       size_t errlen);

/* The token for (hoa, moa, seq) at unix time now_s.  0, or -1 (crypto
 * failure). */
int ims_token_make(const ims_token_key *k, const uint8_t hoa[IMS_ADDR_LEN],
                   const uint8_t moa[IMS_ADDR_LEN], uint64_t seq, int64_t now_s,
                   uint8_t out[IMS_TOKEN_LEN]);

/* 1 if tok is the token for (hoa, moa, seq) of the epoch of now_s or the
 * one before (made at most 2 epochs ago), 0 if not (forged, expired, for
 * another registration). */
int ims_token_check(const ims_token_key *k, const uint8_t hoa[IMS_ADDR_LEN],
                    const uint8_t moa[IMS_ADDR_LEN], uint64_t seq, int64_t now_s,
                    const uint8_t *tok, size_t toklen);

/* Wipe the secret. */
void ims_token_key_clear(ims_token_key *k);

#endif
