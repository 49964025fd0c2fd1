/* The sealed inner part of a migrate-role Challenge (docs/protocol.md §4).
 *
 * The source answers every Authenticate{migrate} with a challenge whose
 * outer KEM ciphertext is under its own disclose policy, the same for every
 * VM.  What depends on the VM travels inside, AEAD-sealed under a key
 * derived from the outer KEM key: the VM's migrate-policy ciphertext and
 * policy text, or a notice saying why the VM cannot be migrated from here.
 * The plaintext is padded to a power-of-two bucket, so a caller who cannot
 * decapsulate the outer ciphertext learns neither whether the VM exists
 * nor the size of its policy.  The Response's MAC key needs both KEM keys
 * (roam_response_key), so the proof still covers the VM's policy.
 *
 * Plaintext: kind (1 byte), ciphertext length (4 bytes, big-endian), the
 * ciphertext, text length (4 bytes), the text, zero bytes up to the
 * bucket.  A notice carries no ciphertext. */
#ifndef ROAM_PROTO_SEAL_H
#define ROAM_PROTO_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "wire_limits.h"

#define ROAM_SEAL_KEY_LEN 32   /* the KEM keys (ABE_KEM_KEY_BYTES) */
/* HKDF-SHA256 info labels: one per use of the outer key. */
#define ROAM_SEAL_LABEL "roam-challenge-seal-v1"
#define ROAM_RESPONSE_KEY_LABEL "roam-response-key-v1"

enum roam_inner_kind { ROAM_INNER_CHALLENGE = 1, ROAM_INNER_NOTICE = 2 };

/* An inner challenge.  After roam_unseal, ct points into plain and text is
 * a NUL-terminated copy (no NUL inside); roam_inner_free frees both. */
struct roam_inner {
    enum roam_inner_kind kind;
    const uint8_t *ct;        /* CHALLENGE: 1..ROAM_CIPHERTEXT_MAX bytes; NOTICE: none */
    size_t ct_len;
    const char *text;         /* CHALLENGE: the policy text; NOTICE: the message */
    uint8_t *plain;           /* owned by roam_unseal's result */
    size_t plain_len;
    char *text_copy;
};

/* The padded size of content bytes of plaintext: the smallest power of two
 * >= content and >= ROAM_SEAL_BUCKET_MIN; 0 when it exceeds the largest. */
size_t roam_seal_bucket(size_t content);

/* Seal in (kind, ct, text) under outer_key, bound to the challenge's nonce:
 * *out (malloc'd, free it) of roam_seal_bucket(...) + ROAM_SEAL_TAG_LEN
 * bytes.  0, or -1 with err. */
int roam_seal(const uint8_t outer_key[ROAM_SEAL_KEY_LEN], const uint8_t nonce[ROAM_NONCE_LEN],
              const struct roam_inner *in, uint8_t **out, size_t *out_len, char *err,
              size_t errlen);

/* Open and parse what roam_seal made.  0, or -1 with err when the tag does
 * not verify or the plaintext is not canonical (lengths, padding, kind). */
int roam_unseal(const uint8_t outer_key[ROAM_SEAL_KEY_LEN], const uint8_t nonce[ROAM_NONCE_LEN],
                const uint8_t *sealed, size_t len, struct roam_inner *out, char *err,
                size_t errlen);

void roam_inner_free(struct roam_inner *in);

/* The Response's MAC key: HKDF-SHA256 of both KEM keys, outer first, with
 * ROAM_RESPONSE_KEY_LABEL.  0, or -1 with err. */
int roam_response_key(const uint8_t outer[ROAM_SEAL_KEY_LEN], const uint8_t inner[ROAM_SEAL_KEY_LEN],
                      uint8_t out[ROAM_SEAL_KEY_LEN], char *err, size_t errlen);

#endif
