/* The mobile node's registration as one UDP datagram: after a move the
 * TLS handshake (ECDHE, certificate checks) is the slow part of reaching
 * the IMS, and a Register needs integrity and freshness, which its own
 * Ed25519 signature and sequence number already give.  A datagram holds one
 * protobuf Message without length prefix (at most IMS_DGRAM_MAX bytes): a
 * Register from the mobile node, an Ack from the IMS that carries the HoA
 * and the IMS's signature (ims_sign_ack) over the registration, so a forged
 * acknowledgement cannot stop the retransmissions; a MoaChallenge from the
 * IMS to a mobile address to be proven (ims_token.h), and the Register
 * repeated with its token.  docs/mobility.md has the security argument. */
#ifndef ROAM_MOBILITY_IMS_DGRAM_H
#define ROAM_MOBILITY_IMS_DGRAM_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ims_msg.h"
#include "ims_token.h"
#include "ims_types.h"

#define IMS_DGRAM_MAX 1024   /* a Register with 8 bindings is under 300 bytes */

/* Encode m (validated first) as a datagram payload into out.  The length,
 * or 0 with err filled. */
size_t ims_dgram_encode(ims_message *m, uint8_t out[IMS_DGRAM_MAX], char *err, size_t errlen);

/* Decode and validate one received datagram (len may exceed IMS_DGRAM_MAX:
 * refused).  0 with *out set (ims_msg_free), or -1. */
int ims_dgram_decode(const uint8_t *buf, size_t len, ims_message **out, char *err, size_t errlen);

/* The signed registration (hoa, seq, b[n]) as a datagram payload.  Length,
 * or 0 with err filled. */
size_t ims_dgram_register(EVP_PKEY *key, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                          const ims_binding *b, size_t n, uint8_t out[IMS_DGRAM_MAX],
                          char *err, size_t errlen);

/* The IMS's signed acknowledgement of registration m (seq and bindings as
 * stored).  Length, or 0 with err filled. */
size_t ims_dgram_ack(EVP_PKEY *ims_key, const ims_mapping *m, uint8_t out[IMS_DGRAM_MAX],
                     char *err, size_t errlen);

/* 1 if buf is an Ack that the IMS (ims_pub) signed for exactly the
 * registration pending (hoa, seq, bindings); 0 otherwise (err says why). */
int ims_dgram_ack_ok(const uint8_t *buf, size_t len, const uint8_t ims_pub[IMS_PUBKEY_LEN],
                     const ims_mapping *pending, char *err, size_t errlen);

/* The IMS's MoaChallenge for moa in registration (hoa, seq).  Length, or 0
 * with err filled. */
size_t ims_dgram_challenge(const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                           const uint8_t moa[IMS_ADDR_LEN], const uint8_t token[IMS_TOKEN_LEN],
                           uint8_t out[IMS_DGRAM_MAX], char *err, size_t errlen);

/* 1 if buf is a MoaChallenge for the registration pending (hoa, seq, and
 * one of its mobile addresses: pending->b[*which]), token filled; 0
 * otherwise (err says why).
 * Nothing authenticates a challenge: a forged one only makes the node send
 * a token the IMS refuses. */
int ims_dgram_challenge_for(const uint8_t *buf, size_t len, const ims_mapping *pending,
                            size_t *which, uint8_t token[IMS_TOKEN_LEN], char *err,
                            size_t errlen);

/* The registration datagram reg[0..len) again, carrying tokens tok[0..n)
 * (replacing any it had; the signature stays valid, it does not cover
 * them).  Length, or 0 with err filled. */
size_t ims_dgram_with_tokens(const uint8_t *reg, size_t len, const uint8_t (*tok)[IMS_TOKEN_LEN],
                             size_t n, uint8_t out[IMS_DGRAM_MAX], char *err, size_t errlen);

#endif
