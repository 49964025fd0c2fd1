/* The authentication transcript and its MAC (docs/protocol.md §4).
 *
 * The client proves it decapsulated the challenge by answering
 *   mac = HMAC-SHA256(kem_key, encode(transcript))
 * where the transcript binds everything the exchange was about: the role
 * challenged, the VM, both servers, the query id, the ciphertext (by hash),
 * the server's nonce, and the TLS exporter value of this very connection.
 * So a MAC relayed to another server, role, VM or connection is worthless.
 * A dry run adds a tenth field, so a proof made for a dry run is not one
 * for a real request, nor the other way round.  A sealed challenge (the
 * migrate role, seal.h) adds the hash of its sealed inner part last. */
#ifndef ROAM_PROTO_TRANSCRIPT_H
#define ROAM_PROTO_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "wire_limits.h"

/* Same numbers as roam.proto's Role. */
enum roam_role { ROAM_ROLE_ACCEPT = 1, ROAM_ROLE_MIGRATE = 2 };

#define ROAM_EXPORTER_LEN 32
#define ROAM_SHA256_LEN 32
#define ROAM_KEM_KEY_MIN 16
#define ROAM_KEM_KEY_MAX 64
/* Domain tag, the first field of every transcript encoding. */
#define ROAM_TRANSCRIPT_TAG "roam-transcript-v1"
/* The tenth field, present only in a dry run's transcript. */
#define ROAM_TRANSCRIPT_DRY_RUN "dry-run"
/* Upper bound of an encoding: tag, role word, 3 names, 4 fixed fields, the
 * dry-run mark and the sealed part's hash, each behind a 4-byte length. */
#define ROAM_TRANSCRIPT_MAX (11 * 4 + sizeof ROAM_TRANSCRIPT_TAG + 8 + 3 * ROAM_NAME_MAX + \
                             ROAM_QUERY_ID_LEN + ROAM_SHA256_LEN + ROAM_NONCE_LEN + \
                             ROAM_EXPORTER_LEN + sizeof ROAM_TRANSCRIPT_DRY_RUN + \
                             ROAM_SHA256_LEN)

struct roam_transcript {
    enum roam_role role;
    const char *vm, *src, *dst;              /* 1..ROAM_NAME_MAX bytes each */
    uint8_t query_id[ROAM_QUERY_ID_LEN];
    uint8_t ciphertext_hash[ROAM_SHA256_LEN]; /* roam_sha256(ciphertext) */
    uint8_t nonce[ROAM_NONCE_LEN];
    uint8_t exporter[ROAM_EXPORTER_LEN];     /* roam_tls_exporter() */
    int dry_run;                             /* 1: Authenticate.dry_run was set */
    int sealed;                              /* 1: Challenge.sealed was set */
    uint8_t sealed_hash[ROAM_SHA256_LEN];    /* roam_sha256(sealed), when sealed */
};

/* SHA-256 of data.  0 or -1 (err filled). */
int roam_sha256(const void *data, size_t len, uint8_t out[ROAM_SHA256_LEN],
                char *err, size_t errlen);

/* The canonical encoding: each field as a 4-byte big-endian length and its
 * bytes, in the order tag, role ("accept"/"migrate"), vm, src, dst, query id,
 * ciphertext hash, nonce, exporter, and for a dry run only the word
 * "dry-run" (a real request's encoding is unchanged), and for a sealed
 * challenge only the sealed part's hash.  Writes at most cap bytes to out and the
 * length to *len.  0, or -1 on a bad field (err says which). */
int roam_transcript_encode(const struct roam_transcript *t, uint8_t *out, size_t cap,
                           size_t *len, char *err, size_t errlen);

/* mac = HMAC-SHA256(key, encoding).  key is the KEM key, 16..64 bytes. */
int roam_transcript_mac(const uint8_t *key, size_t keylen, const struct roam_transcript *t,
                        uint8_t mac[ROAM_MAC_LEN], char *err, size_t errlen);

/* Recompute and compare in constant time.  0 when mac matches; -1 with err
 * "MAC mismatch" (or the reason it could not be computed) otherwise. */
int roam_transcript_verify(const uint8_t *key, size_t keylen, const struct roam_transcript *t,
                           const uint8_t *mac, size_t maclen, char *err, size_t errlen);

#endif
