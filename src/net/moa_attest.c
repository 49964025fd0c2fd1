/* Host attestations of mobile addresses (see moa_attest.h). */
#include "moa_attest.h"

#include <string.h>

#include <openssl/sha.h>

#include "bytebuf.h"
#include "errbuf.h"
#include "handover_reg.h"

#define MSG_LEN (sizeof ROAM_ATTEST_LABEL + 16 + 16 + 8 + 8 + ROAM_ATTEST_KEY_ID_LEN)

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* The signed message of (hoa, seq) and a's moa, time and key id. */
static void message(const uint8_t hoa[16], uint64_t seq, const roam_moa_attest *a,
                    uint8_t out[MSG_LEN])
{
    uint8_t *p = out;
    memcpy(p, ROAM_ATTEST_LABEL, sizeof ROAM_ATTEST_LABEL);   /* with its NUL */
    p += sizeof ROAM_ATTEST_LABEL;
    memcpy(p, hoa, 16);
    p += 16;
    memcpy(p, a->moa, 16);
    p += 16;
    put64(p, seq);
    p += 8;
    put64(p, a->time);
    p += 8;
    memcpy(p, a->key_id, ROAM_ATTEST_KEY_ID_LEN);
}

int roam_attest_key_id(const uint8_t pub[ROAM_ED25519_PUB_LEN],
                       uint8_t id[ROAM_ATTEST_KEY_ID_LEN])
{
    uint8_t h[SHA256_DIGEST_LENGTH];
    if (!SHA256(pub, ROAM_ED25519_PUB_LEN, h))
        return -1;
    memcpy(id, h, ROAM_ATTEST_KEY_ID_LEN);
    return 0;
}

int roam_moa_attest_sign(EVP_PKEY *key, const uint8_t key_id[ROAM_ATTEST_KEY_ID_LEN],
                         const uint8_t hoa[16], uint64_t seq, const uint8_t moa[16],
                         uint64_t now, roam_moa_attest *out, char *err, size_t errlen)
{
    uint8_t msg[MSG_LEN];
    memset(out, 0, sizeof *out);
    memcpy(out->moa, moa, 16);
    out->time = now;
    memcpy(out->key_id, key_id, ROAM_ATTEST_KEY_ID_LEN);
    message(hoa, seq, out, msg);
    return roam_ed25519_sign(key, msg, sizeof msg, out->sig, err, errlen);
}

int roam_moa_attest_verify(const uint8_t pub[ROAM_ED25519_PUB_LEN], const uint8_t hoa[16],
                           uint64_t seq, const roam_moa_attest *a, char *err, size_t errlen)
{
    uint8_t msg[MSG_LEN];
    message(hoa, seq, a, msg);
    return roam_ed25519_verify(pub, msg, sizeof msg, a->sig, err, errlen);
}

/* A length-delimited field of number num. */
static void bytes_field(struct roam_wbuf *w, unsigned num, const uint8_t *p, size_t n)
{
    roam_pb_varint_put(w, (uint64_t)num << 3 | 2);
    roam_pb_varint_put(w, n);
    roam_wbuf_bytes(w, p, n);
}

size_t roam_moa_attest_field(const roam_moa_attest *a, uint8_t *out, size_t cap)
{
    /* MoaAttestation { moa = 1; time = 2; key_id = 3; signature = 4; } */
    uint8_t body[ROAM_ATTEST_FIELD_MAX];
    struct roam_wbuf b, w;
    roam_wbuf_init(&b, body, sizeof body);
    bytes_field(&b, 1, a->moa, 16);
    roam_pb_varint_put(&b, 2 << 3);
    roam_pb_varint_put(&b, a->time);
    bytes_field(&b, 3, a->key_id, ROAM_ATTEST_KEY_ID_LEN);
    bytes_field(&b, 4, a->sig, ROAM_ED25519_SIG_LEN);
    roam_wbuf_init(&w, out, cap);
    bytes_field(&w, ROAM_ATTEST_FIELD, body, b.len);
    return roam_wbuf_failed(&b) || roam_wbuf_failed(&w) ? 0 : w.len;
}
