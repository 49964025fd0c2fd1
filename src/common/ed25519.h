/* Ed25519 with OpenSSL's EVP interface, the one place roam loads such keys
 * and signs or verifies with them: registrations and their acknowledgements
 * (src/mobility/ims_sign.h) and a host's attestation of a mobile address
 * (src/net/moa_attest.h).  Callers build their own domain-separated
 * messages; this only loads keys and signs bytes. */
#ifndef ROAM_COMMON_ED25519_H
#define ROAM_COMMON_ED25519_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define ROAM_ED25519_PUB_LEN 32
#define ROAM_ED25519_SIG_LEN 64

/* Load an Ed25519 private key (PEM).  secret: also refuse a file that is
 * not regular, that group or others may access, or that someone other than
 * this user or root owns (as ssh does).  NULL with err on any failure, or
 * when the key is of another type. */
EVP_PKEY *roam_ed25519_load_private(const char *path, int secret, char *err, size_t errlen);

/* Load an Ed25519 public key (PEM SubjectPublicKeyInfo) as its raw bytes.
 * 0, or -1 with err. */
int roam_ed25519_load_public(const char *path, uint8_t pub[ROAM_ED25519_PUB_LEN], char *err,
                             size_t errlen);

/* The raw public half of key.  0 or -1. */
int roam_ed25519_raw_public(EVP_PKEY *key, uint8_t pub[ROAM_ED25519_PUB_LEN]);

/* Sign msg.  0, or -1 with err. */
int roam_ed25519_sign(EVP_PKEY *key, const uint8_t *msg, size_t len,
                      uint8_t sig[ROAM_ED25519_SIG_LEN], char *err, size_t errlen);

/* 1 if sig is pub's signature of msg, 0 if not, -1 on an internal error
 * (err filled). */
int roam_ed25519_verify(const uint8_t pub[ROAM_ED25519_PUB_LEN], const uint8_t *msg, size_t len,
                        const uint8_t sig[ROAM_ED25519_SIG_LEN], char *err, size_t errlen);

#endif
