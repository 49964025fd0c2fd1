/* Registration credentials: Ed25519 key pairs (OpenSSL EVP) and the
 * canonical byte string a mobile node signs for each Register.  The string
 * starts with a domain label, so a signature can never be reused for any
 * other purpose, and covers HoA, sequence number and every binding. */
#ifndef ROAM_MOBILITY_IMS_SIGN_H
#define ROAM_MOBILITY_IMS_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "ims_types.h"

#define IMS_SIGN_LABEL "roam-ims register v1"
/* The IMS's signature on a datagram acknowledgement (see ims_dgram.h): its
 * own label, so neither kind of signature can stand in for the other. */
#define IMS_ACK_LABEL "roam-ims ack v1"
/* label + NUL + hoa + seq + count + bindings*(moa + state); the register
 * label is the longer one (checked in ims_sign.c) */
#define IMS_SIGNED_MAX (sizeof IMS_SIGN_LABEL + IMS_ADDR_LEN + 8 + 1 + \
                        IMS_MAX_BINDINGS * (IMS_ADDR_LEN + 1))

/* Canonical bytes of (hoa, seq, bindings) into out (IMS_SIGNED_MAX bytes),
 * after IMS_SIGN_LABEL.  Returns the length, or 0 if n is over the limit. */
size_t ims_signed_bytes(const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                        const ims_binding *b, size_t n, uint8_t out[IMS_SIGNED_MAX]);

/* Make a key pair: private key PEM (PKCS#8, mode 0600, refused if it exists)
 * and public key PEM (SubjectPublicKeyInfo).  0 or -1. */
int ims_key_generate(const char *priv_path, const char *pub_path, char *err, size_t errlen);

/* Load an Ed25519 private key (PEM).  NULL on error or another key type. */
EVP_PKEY *ims_key_load_private(const char *path, char *err, size_t errlen);

/* Load an Ed25519 public key (PEM) as its raw 32 bytes.  0 or -1. */
int ims_key_load_public(const char *path, uint8_t pub[IMS_PUBKEY_LEN], char *err, size_t errlen);

/* Raw public half of a private key.  0 or -1. */
int ims_key_raw_public(EVP_PKEY *key, uint8_t pub[IMS_PUBKEY_LEN]);

/* Sign the canonical bytes of a registration.  0 or -1. */
int ims_sign_register(EVP_PKEY *key, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                      const ims_binding *b, size_t n, uint8_t sig[IMS_SIG_LEN],
                      char *err, size_t errlen);

/* 1 if sig is pub's signature of the registration, 0 if not, -1 on an
 * internal error (err filled). */
int ims_verify_register(const uint8_t pub[IMS_PUBKEY_LEN], const uint8_t hoa[IMS_ADDR_LEN],
                        uint64_t seq, const ims_binding *b, size_t n,
                        const uint8_t sig[IMS_SIG_LEN], char *err, size_t errlen);

/* The IMS's acknowledgement of a datagram registration: its key signs
 * IMS_ACK_LABEL and the same (hoa, seq, bindings) as the registration, so an
 * acknowledgement speaks for exactly that registration.  0 or -1; verify:
 * 1, 0, or -1 on an internal error. */
int ims_sign_ack(EVP_PKEY *key, const uint8_t hoa[IMS_ADDR_LEN], uint64_t seq,
                 const ims_binding *b, size_t n, uint8_t sig[IMS_SIG_LEN],
                 char *err, size_t errlen);
int ims_verify_ack(const uint8_t pub[IMS_PUBKEY_LEN], const uint8_t hoa[IMS_ADDR_LEN],
                   uint64_t seq, const ims_binding *b, size_t n,
                   const uint8_t sig[IMS_SIG_LEN], char *err, size_t errlen);

#endif
