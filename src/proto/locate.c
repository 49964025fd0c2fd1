/* Locate keys and MACs (see locate.h). */
#include "locate.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "errbuf.h"

/* HMAC-SHA256(key, label || a || b) into mac. */
static int hmac2(const uint8_t *key, size_t keylen, const char *label, const uint8_t *a,
                 size_t alen, const uint8_t *b, size_t blen, uint8_t mac[ROAM_MAC_LEN],
                 char *err, size_t errlen)
{
    uint8_t buf[sizeof ROAM_LOCATE_KEY_LABEL + ROAM_TRANSCRIPT_MAX];
    size_t l = strlen(label);
    if (l + alen + blen > sizeof buf)
        return roam_errf(err, errlen, "locate input too long");
    memcpy(buf, label, l);
    memcpy(buf + l, a, alen);
    if (blen)
        memcpy(buf + l + alen, b, blen);
    unsigned n = 0;
    int ok = HMAC(EVP_sha256(), key, (int)keylen, buf, l + alen + blen, mac, &n) &&
             n == ROAM_MAC_LEN;
    OPENSSL_cleanse(buf, sizeof buf);
    if (!ok)
        return roam_errf_ssl(err, errlen, "HMAC-SHA256 failed");
    return 0;
}

int roam_locate_key(const uint8_t *kem, size_t kemlen, const struct roam_transcript *t,
                    uint8_t out[ROAM_LOCATE_KEY_LEN], char *err, size_t errlen)
{
    if (kemlen < ROAM_KEM_KEY_MIN || kemlen > ROAM_KEM_KEY_MAX)
        return roam_errf(err, errlen, "KEM key of %zu bytes", kemlen);
    uint8_t buf[ROAM_TRANSCRIPT_MAX];
    size_t len;
    if (roam_transcript_encode(t, buf, sizeof buf, &len, err, errlen) < 0)
        return -1;
    return hmac2(kem, kemlen, ROAM_LOCATE_KEY_LABEL, buf, len, NULL, 0, out, err, errlen);
}

int roam_locate_mac(const uint8_t key[ROAM_LOCATE_KEY_LEN],
                    const uint8_t query_id[ROAM_QUERY_ID_LEN],
                    const uint8_t exporter[ROAM_EXPORTER_LEN], uint8_t mac[ROAM_MAC_LEN],
                    char *err, size_t errlen)
{
    return hmac2(key, ROAM_LOCATE_KEY_LEN, ROAM_LOCATE_LABEL, query_id, ROAM_QUERY_ID_LEN,
                 exporter, ROAM_EXPORTER_LEN, mac, err, errlen);
}

int roam_locate_verify(const uint8_t key[ROAM_LOCATE_KEY_LEN],
                       const uint8_t query_id[ROAM_QUERY_ID_LEN],
                       const uint8_t exporter[ROAM_EXPORTER_LEN], const uint8_t *mac,
                       size_t maclen)
{
    uint8_t want[ROAM_MAC_LEN];
    char err[ROAM_ERR_MAX];
    int bad = roam_locate_mac(key, query_id, exporter, want, err, sizeof err) < 0 ||
              maclen != ROAM_MAC_LEN;
    /* compare even when the length is wrong: the same work either way */
    bad |= CRYPTO_memcmp(want, mac, maclen == ROAM_MAC_LEN ? ROAM_MAC_LEN : 0) != 0;
    OPENSSL_cleanse(want, sizeof want);
    return bad ? -1 : 0;
}
