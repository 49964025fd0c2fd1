/* The sealed inner challenge (see seal.h). */
#include "seal.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"

#define HEAD 5        /* kind and the ciphertext's length */
#define TEXT_HEAD 4   /* the text's length */
#define IV_LEN 12

/* HKDF-SHA256(salt = "", ikm, info = label), 32 bytes. */
static int hkdf(const uint8_t *ikm, size_t ikm_len, const char *label,
                uint8_t out[ROAM_SEAL_KEY_LEN])
{
    int ok = 0;
    EVP_KDF *k = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = k ? EVP_KDF_CTX_new(k) : NULL;
    if (ctx) {
        OSSL_PARAM params[4];
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
        params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikm_len);
        params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)label,
                                                      strlen(label));
        params[3] = OSSL_PARAM_construct_end();
        ok = EVP_KDF_derive(ctx, out, ROAM_SEAL_KEY_LEN, params) == 1;
    }
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(k);
    if (!ok)
        OPENSSL_cleanse(out, ROAM_SEAL_KEY_LEN);
    return ok ? 0 : -1;
}

size_t roam_seal_bucket(size_t content)
{
    size_t b = ROAM_SEAL_BUCKET_MIN;
    while (b < content && b < ROAM_SEAL_BUCKET_MAX)
        b <<= 1;
    return content <= b ? b : 0;
}

static void put32(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static size_t get32(const uint8_t *p)
{
    return (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
}

/* AES-256-GCM with the key derived from outer_key.  The key is fresh for
 * every challenge (a fresh encapsulation), so a fixed IV never repeats
 * under one key; the nonce as associated data ties the part to its
 * challenge.  enc: seal in into out (len bytes) and write the tag after
 * them; !enc: open, the tag after in.  0 or -1. */
static int gcm(int enc, const uint8_t outer_key[ROAM_SEAL_KEY_LEN],
               const uint8_t nonce[ROAM_NONCE_LEN], const uint8_t *in, size_t len, uint8_t *out,
               uint8_t tag[ROAM_SEAL_TAG_LEN])
{
    static const uint8_t iv[IV_LEN];
    uint8_t key[ROAM_SEAL_KEY_LEN];
    int ok = 0, n = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c || len > ROAM_SEAL_BUCKET_MAX || hkdf(outer_key, ROAM_SEAL_KEY_LEN, ROAM_SEAL_LABEL, key) < 0)
        goto out;
    if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv, enc) != 1 ||
        EVP_CipherUpdate(c, NULL, &n, nonce, ROAM_NONCE_LEN) != 1 ||
        EVP_CipherUpdate(c, out, &n, in, (int)len) != 1 || (size_t)n != len)
        goto out;
    if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, ROAM_SEAL_TAG_LEN, tag) != 1)
        goto out;
    if (EVP_CipherFinal_ex(c, out + len, &n) != 1 || n != 0)
        goto out;
    ok = !enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, ROAM_SEAL_TAG_LEN, tag) == 1;
out:
    EVP_CIPHER_CTX_free(c);
    OPENSSL_cleanse(key, sizeof key);
    return ok ? 0 : -1;
}

int roam_seal(const uint8_t outer_key[ROAM_SEAL_KEY_LEN], const uint8_t nonce[ROAM_NONCE_LEN],
              const struct roam_inner *in, uint8_t **out, size_t *out_len, char *err,
              size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    size_t tlen = in->text ? strlen(in->text) : 0;
    int challenge = in->kind == ROAM_INNER_CHALLENGE;
    if ((!challenge && in->kind != ROAM_INNER_NOTICE) ||
        (challenge ? in->ct_len == 0 || in->ct_len > ROAM_CIPHERTEXT_MAX : in->ct_len != 0) ||
        tlen == 0 || tlen > (challenge ? ROAM_POLICY_MAX : ROAM_MESSAGE_MAX))
        return roam_errf(err, errlen, "seal: bad inner challenge (kind %d, %zu + %zu bytes)",
                         (int)in->kind, in->ct_len, tlen);
    size_t content = HEAD + in->ct_len + TEXT_HEAD + tlen, bucket = roam_seal_bucket(content);
    uint8_t *plain = calloc(1, bucket), *sealed = malloc(bucket + ROAM_SEAL_TAG_LEN);
    if (!plain || !sealed || !bucket) {
        free(plain);
        free(sealed);
        return roam_errf(err, errlen, "seal: out of memory");
    }
    plain[0] = (uint8_t)in->kind;
    put32(plain + 1, in->ct_len);
    if (in->ct_len)
        memcpy(plain + HEAD, in->ct, in->ct_len);
    put32(plain + HEAD + in->ct_len, tlen);
    memcpy(plain + HEAD + in->ct_len + TEXT_HEAD, in->text, tlen);
    int r = gcm(1, outer_key, nonce, plain, bucket, sealed, sealed + bucket);
    OPENSSL_cleanse(plain, bucket);
    free(plain);
    if (r < 0) {
        free(sealed);
        return roam_errf_ssl(err, errlen, "seal: AES-256-GCM failed");
    }
    *out = sealed;
    *out_len = bucket + ROAM_SEAL_TAG_LEN;
    return 0;
}

/* Parse the opened plaintext p (len bytes, a bucket) into out. */
static int parse(const uint8_t *p, size_t len, struct roam_inner *out, char *err, size_t errlen)
{
    if (len < HEAD + TEXT_HEAD)
        return roam_errf(err, errlen, "sealed challenge: too short");
    out->kind = (enum roam_inner_kind)p[0];
    size_t ct_len = get32(p + 1);
    int challenge = out->kind == ROAM_INNER_CHALLENGE;
    if (!challenge && out->kind != ROAM_INNER_NOTICE)
        return roam_errf(err, errlen, "sealed challenge: unknown kind %d", p[0]);
    if (challenge ? ct_len == 0 || ct_len > ROAM_CIPHERTEXT_MAX : ct_len != 0)
        return roam_errf(err, errlen, "sealed challenge: bad ciphertext length %zu", ct_len);
    if (ct_len > len - HEAD - TEXT_HEAD)
        return roam_errf(err, errlen, "sealed challenge: ciphertext past the end");
    size_t tlen = get32(p + HEAD + ct_len), at = HEAD + ct_len + TEXT_HEAD;
    if (tlen == 0 || tlen > (challenge ? ROAM_POLICY_MAX : ROAM_MESSAGE_MAX) || tlen > len - at)
        return roam_errf(err, errlen, "sealed challenge: bad text length %zu", tlen);
    if (roam_seal_bucket(at + tlen) != len)
        return roam_errf(err, errlen, "sealed challenge: not padded to its bucket");
    uint8_t nz = 0;
    for (size_t i = at + tlen; i < len; i++)
        nz |= p[i];
    if (nz || memchr(p + at, 0, tlen))
        return roam_errf(err, errlen, "sealed challenge: stray bytes in its text or padding");
    out->text_copy = malloc(tlen + 1);
    if (!out->text_copy)
        return roam_errf(err, errlen, "out of memory");
    memcpy(out->text_copy, p + at, tlen);
    out->text_copy[tlen] = '\0';
    out->text = out->text_copy;
    out->ct = ct_len ? p + HEAD : NULL;
    out->ct_len = ct_len;
    return 0;
}

int roam_unseal(const uint8_t outer_key[ROAM_SEAL_KEY_LEN], const uint8_t nonce[ROAM_NONCE_LEN],
                const uint8_t *sealed, size_t len, struct roam_inner *out, char *err,
                size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (len <= ROAM_SEAL_TAG_LEN || len > ROAM_SEALED_MAX)
        return roam_errf(err, errlen, "sealed challenge: %zu bytes", len);
    size_t plen = len - ROAM_SEAL_TAG_LEN;
    uint8_t tag[ROAM_SEAL_TAG_LEN];
    memcpy(tag, sealed + plen, sizeof tag);
    out->plain = malloc(plen + 16);   /* GCM's final call writes nothing, but gets room */
    if (!out->plain)
        return roam_errf(err, errlen, "out of memory");
    out->plain_len = plen;
    if (gcm(0, outer_key, nonce, sealed, plen, out->plain, tag) < 0) {
        roam_inner_free(out);
        return roam_errf(err, errlen, "sealed challenge: does not open under the outer key "
                         "(tampered with)");
    }
    if (parse(out->plain, plen, out, err, errlen) < 0) {
        roam_inner_free(out);
        return -1;
    }
    return 0;
}

void roam_inner_free(struct roam_inner *in)
{
    if (in->plain) {
        OPENSSL_cleanse(in->plain, in->plain_len);
        free(in->plain);
    }
    free(in->text_copy);
    memset(in, 0, sizeof *in);
}

int roam_response_key(const uint8_t outer[ROAM_SEAL_KEY_LEN], const uint8_t inner[ROAM_SEAL_KEY_LEN],
                      uint8_t out[ROAM_SEAL_KEY_LEN], char *err, size_t errlen)
{
    uint8_t ikm[2 * ROAM_SEAL_KEY_LEN];
    memcpy(ikm, outer, ROAM_SEAL_KEY_LEN);
    memcpy(ikm + ROAM_SEAL_KEY_LEN, inner, ROAM_SEAL_KEY_LEN);
    int r = hkdf(ikm, sizeof ikm, ROAM_RESPONSE_KEY_LABEL, out);
    OPENSSL_cleanse(ikm, sizeof ikm);
    return r < 0 ? roam_errf_ssl(err, errlen, "HKDF failed") : 0;
}
