/* Transcript encoding and HMAC-SHA256 (see transcript.h). */
#include "transcript.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "errbuf.h"

int roam_sha256(const void *data, size_t len, uint8_t out[ROAM_SHA256_LEN],
                char *err, size_t errlen)
{
    unsigned int n = 0;
    if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) || n != ROAM_SHA256_LEN)
        return roam_errf_ssl(err, errlen, "SHA-256 failed");
    return 0;
}

struct writer {
    uint8_t *out;
    size_t cap, len;
};

static int put(struct writer *w, const void *p, size_t n)
{
    if (n > UINT32_MAX || w->cap - w->len < 4 || w->cap - w->len - 4 < n)
        return -1;
    uint8_t *d = w->out + w->len;
    d[0] = (uint8_t)(n >> 24);
    d[1] = (uint8_t)(n >> 16);
    d[2] = (uint8_t)(n >> 8);
    d[3] = (uint8_t)n;
    if (n)
        memcpy(d + 4, p, n);
    w->len += 4 + n;
    return 0;
}

static int put_name(struct writer *w, const char *what, const char *s, char *err, size_t errlen)
{
    if (!s)
        return roam_errf(err, errlen, "transcript: %s missing", what);
    size_t n = strnlen(s, ROAM_NAME_MAX + 1);
    if (n == 0 || n > ROAM_NAME_MAX)
        return roam_errf(err, errlen, "transcript: %s must be 1..%d bytes", what, ROAM_NAME_MAX);
    if (put(w, s, n) < 0)
        return roam_errf(err, errlen, "transcript: buffer too small");
    return 0;
}

int roam_transcript_encode(const struct roam_transcript *t, uint8_t *out, size_t cap,
                           size_t *len, char *err, size_t errlen)
{
    const char *role = t->role == ROAM_ROLE_ACCEPT ? "accept"
                     : t->role == ROAM_ROLE_MIGRATE ? "migrate" : NULL;
    if (!role)
        return roam_errf(err, errlen, "transcript: unknown role %d", (int)t->role);
    struct writer w = { out, cap, 0 };
    *len = 0;
    if (put(&w, ROAM_TRANSCRIPT_TAG, sizeof ROAM_TRANSCRIPT_TAG - 1) < 0 ||
        put(&w, role, strlen(role)) < 0)
        return roam_errf(err, errlen, "transcript: buffer too small");
    if (put_name(&w, "vm", t->vm, err, errlen) < 0 ||
        put_name(&w, "src", t->src, err, errlen) < 0 ||
        put_name(&w, "dst", t->dst, err, errlen) < 0)
        return -1;
    if (put(&w, t->query_id, sizeof t->query_id) < 0 ||
        put(&w, t->ciphertext_hash, sizeof t->ciphertext_hash) < 0 ||
        put(&w, t->nonce, sizeof t->nonce) < 0 ||
        put(&w, t->exporter, sizeof t->exporter) < 0 ||
        (t->dry_run && put(&w, ROAM_TRANSCRIPT_DRY_RUN, sizeof ROAM_TRANSCRIPT_DRY_RUN - 1) < 0) ||
        (t->sealed && put(&w, t->sealed_hash, sizeof t->sealed_hash) < 0))
        return roam_errf(err, errlen, "transcript: buffer too small");
    *len = w.len;
    return 0;
}

int roam_transcript_mac(const uint8_t *key, size_t keylen, const struct roam_transcript *t,
                        uint8_t mac[ROAM_MAC_LEN], char *err, size_t errlen)
{
    if (keylen < ROAM_KEM_KEY_MIN || keylen > ROAM_KEM_KEY_MAX)
        return roam_errf(err, errlen, "transcript: MAC key of %zu bytes, need %d..%d",
                         keylen, ROAM_KEM_KEY_MIN, ROAM_KEM_KEY_MAX);
    uint8_t buf[ROAM_TRANSCRIPT_MAX];
    size_t len;
    if (roam_transcript_encode(t, buf, sizeof buf, &len, err, errlen) < 0)
        return -1;
    unsigned int n = 0;
    if (!HMAC(EVP_sha256(), key, (int)keylen, buf, len, mac, &n) || n != ROAM_MAC_LEN)
        return roam_errf_ssl(err, errlen, "HMAC-SHA256 failed");
    return 0;
}

int roam_transcript_verify(const uint8_t *key, size_t keylen, const struct roam_transcript *t,
                           const uint8_t *mac, size_t maclen, char *err, size_t errlen)
{
    uint8_t want[ROAM_MAC_LEN];
    if (maclen != ROAM_MAC_LEN)
        return roam_errf(err, errlen, "MAC of %zu bytes, expected %d", maclen, ROAM_MAC_LEN);
    if (roam_transcript_mac(key, keylen, t, want, err, errlen) < 0)
        return -1;
    int diff = CRYPTO_memcmp(want, mac, ROAM_MAC_LEN);
    OPENSSL_cleanse(want, sizeof want);
    if (diff != 0)
        return roam_errf(err, errlen, "MAC mismatch: the response does not prove the key "
                         "for this challenge on this connection");
    return 0;
}
