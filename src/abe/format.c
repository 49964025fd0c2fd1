/* Encoders and strict decoders of roam's binary object formats (format.h).
 * The bounded reader and writer (bytebuf.h) make every length check
 * explicit; decoders never read past their input and reject anything left
 * over. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "bytebuf.h"
#include "encoding.h"
#include "kem.h"

static const uint8_t magic[4] = {'R', 'O', 'A', 'M'};

/* ---- writing ------------------------------------------------------------ */
typedef struct roam_wbuf wr_t;

/* Allocates exactly the object's size and writes the header for a body of
 * body_len bytes. */
static int wr_start(wr_t *w, rf_type type, size_t body_len)
{
    if (body_len > RF_MAX_BYTES - RF_HEADER_BYTES)
        return RF_ERR_LIMIT;
    uint8_t *buf = malloc(RF_HEADER_BYTES + body_len);
    if (buf == NULL)
        return RF_ERR_MEMORY;
    roam_wbuf_init(w, buf, RF_HEADER_BYTES + body_len);
    roam_wbuf_bytes(w, magic, sizeof magic);
    roam_wbuf_u8(w, (uint8_t)type);
    roam_wbuf_u8(w, RF_VERSION);
    roam_wbuf_u32be(w, (uint32_t)body_len);
    return RF_OK;
}

static void wr_u16(wr_t *w, size_t v)
{
    roam_wbuf_u16be(w, (uint16_t)v);
}

static int wr_finish(wr_t *w, uint8_t **out, size_t *len)
{
    /* Sizes are computed before writing: a mismatch is a bug, not input. */
    if (roam_wbuf_failed(w) < 0 || w->len != w->cap)
        abort();
    *out = w->p;
    *len = w->len;
    return RF_OK;
}

/* ---- reading ------------------------------------------------------------ */
typedef struct roam_rbuf rd_t;

static int rd_u16(rd_t *r, size_t *v)
{
    uint16_t u;
    if (roam_rbuf_u16be(r, &u) < 0)
        return 0;
    *v = u;
    return 1;
}

void rf_free_secret(uint8_t *buf, size_t len)
{
    if (buf != NULL)
        OPENSSL_cleanse(buf, len);
    free(buf);
}

int rf_parse_header(const uint8_t *in, size_t len, rf_type *type, const uint8_t **body,
                    size_t *body_len)
{
    if (in == NULL || type == NULL || body == NULL || body_len == NULL)
        return RF_ERR_ARGUMENT;
    rd_t r;
    roam_rbuf_init(&r, in, len);
    const uint8_t *m = roam_rbuf_take(&r, sizeof magic);
    uint8_t t, v;
    uint32_t bl;
    if (len < RF_HEADER_BYTES || m == NULL || memcmp(m, magic, sizeof magic) != 0)
        return RF_ERR_MAGIC;
    roam_rbuf_u8(&r, &t);
    roam_rbuf_u8(&r, &v);
    roam_rbuf_u32be(&r, &bl);
    if (t < RF_MPK || t > RF_CIPHERTEXT)
        return RF_ERR_TYPE;
    if (v != RF_VERSION)
        return RF_ERR_VERSION;
    if (len > RF_MAX_BYTES || bl != roam_rbuf_left(&r))
        return RF_ERR_LENGTH;
    *type = (rf_type)t;
    *body = roam_rbuf_rest(&r);
    *body_len = bl;
    return RF_OK;
}

static int body_of(const uint8_t *in, size_t len, rf_type want, rd_t *r)
{
    rf_type t;
    const uint8_t *body;
    size_t bl;
    int rc = rf_parse_header(in, len, &t, &body, &bl);
    if (rc != RF_OK)
        return rc;
    if (t != want)
        return RF_ERR_TYPE;
    roam_rbuf_init(r, body, bl);
    return RF_OK;
}

/* ---- MPK ---------------------------------------------------------------- */
int rf_encode_mpk(const fabeo_mpk_t *mpk, uint8_t **out, size_t *len)
{
    wr_t w;
    uint8_t a[GT_BYTES];
    if (mpk == NULL || out == NULL || len == NULL)
        return RF_ERR_ARGUMENT;
    int rc = wr_start(&w, RF_MPK, GT_BYTES);
    if (rc != RF_OK)
        return rc;
    gt_to_bytes(a, &mpk->a);
    roam_wbuf_bytes(&w, a, sizeof a);
    return wr_finish(&w, out, len);
}

int rf_decode_mpk(fabeo_mpk_t *mpk, const uint8_t *in, size_t len)
{
    rd_t r;
    gt_t a;
    if (mpk == NULL)
        return RF_ERR_ARGUMENT;
    int rc = body_of(in, len, RF_MPK, &r);
    if (rc != RF_OK)
        return rc;
    const uint8_t *p = roam_rbuf_take(&r, GT_BYTES);
    if (p == NULL || roam_rbuf_done(&r) < 0)
        return RF_ERR_LENGTH;
    if (gt_from_bytes(&a, p, GT_BYTES) != BLS_OK || gt_is_one(&a))
        return RF_ERR_POINT;
    return fabeo_mpk_init(mpk, &a) == FABEO_OK ? RF_OK : RF_ERR_POINT;
}

/* ---- MSK ---------------------------------------------------------------- */
int rf_encode_msk(const fabeo_msk_t *msk, const fabeo_mpk_t *mpk, uint8_t **out, size_t *len)
{
    wr_t w;
    uint8_t a[FR_BYTES];
    if (msk == NULL || mpk == NULL || out == NULL || len == NULL)
        return RF_ERR_ARGUMENT;
    int rc = wr_start(&w, RF_MSK, FABEO_ID_BYTES + FR_BYTES);
    if (rc != RF_OK)
        return rc;
    roam_wbuf_bytes(&w, mpk->id, FABEO_ID_BYTES);
    fr_to_bytes(a, &msk->alpha);
    roam_wbuf_bytes(&w, a, sizeof a);
    OPENSSL_cleanse(a, sizeof a);
    return wr_finish(&w, out, len);
}

int rf_decode_msk(fabeo_msk_t *msk, uint8_t mpk_id[FABEO_ID_BYTES], const uint8_t *in,
                  size_t len)
{
    rd_t r;
    if (msk == NULL || mpk_id == NULL)
        return RF_ERR_ARGUMENT;
    int rc = body_of(in, len, RF_MSK, &r);
    if (rc != RF_OK)
        return rc;
    const uint8_t *id = roam_rbuf_take(&r, FABEO_ID_BYTES), *alpha = roam_rbuf_take(&r, FR_BYTES);
    if (roam_rbuf_done(&r) < 0)
        return RF_ERR_LENGTH;
    memcpy(mpk_id, id, FABEO_ID_BYTES);
    if (fr_from_bytes(&msk->alpha, alpha) != BLS_OK ||
        fr_is_zero(&msk->alpha)) {
        fabeo_msk_clear(msk);
        return RF_ERR_SCALAR;
    }
    return RF_OK;
}

/* ---- user keys ---------------------------------------------------------- */
static size_t key_body_len(const fabeo_key_t *key)
{
    size_t n = FABEO_ID_BYTES + 2 + 2 + G1_COMPRESSED_BYTES + G2_COMPRESSED_BYTES;
    for (size_t i = 0; i < key->n_user; i++)
        n += 2 + key->user_len[i];
    for (size_t i = 0; i < attr_set_count(&key->attrs); i++) {
        size_t l;
        attr_set_get(&key->attrs, i, &l);
        n += 2 + l + G1_COMPRESSED_BYTES;
    }
    return n;
}

int rf_encode_key(const fabeo_key_t *key, uint8_t **out, size_t *len)
{
    wr_t w;
    uint8_t g1b[G1_COMPRESSED_BYTES], g2b[G2_COMPRESSED_BYTES];
    if (key == NULL || out == NULL || len == NULL)
        return RF_ERR_ARGUMENT;
    size_t n = attr_set_count(&key->attrs);
    if (key->n_user == 0 || key->n_user > FABEO_MAX_USER_ATTRS || n == 0 || n > ATTRS_MAX)
        return RF_ERR_LIMIT;
    int rc = wr_start(&w, RF_USER_KEY, key_body_len(key));
    if (rc != RF_OK)
        return rc;
    roam_wbuf_bytes(&w, key->mpk_id, FABEO_ID_BYTES);
    wr_u16(&w, key->n_user);
    for (size_t i = 0; i < key->n_user; i++) {
        wr_u16(&w, key->user_len[i]);
        roam_wbuf_bytes(&w, key->user_pool + key->user_off[i], key->user_len[i]);
    }
    wr_u16(&w, n);
    for (size_t i = 0; i < n; i++) {
        size_t l;
        const uint8_t *s = attr_set_get(&key->attrs, i, &l);
        wr_u16(&w, l);
        roam_wbuf_bytes(&w, s, l);
        g1_to_compressed(g1b, &key->sk2[i]);
        roam_wbuf_bytes(&w, g1b, sizeof g1b);
    }
    g1_to_compressed(g1b, &key->sk1);
    roam_wbuf_bytes(&w, g1b, sizeof g1b);
    g2_to_compressed(g2b, &key->sk3);
    roam_wbuf_bytes(&w, g2b, sizeof g2b);
    OPENSSL_cleanse(g1b, sizeof g1b);
    OPENSSL_cleanse(g2b, sizeof g2b);
    return wr_finish(&w, out, len);
}

/* Reads the user texts into key via fabeo_key_set_attrs (which expands and
 * checks them exactly as KeyGen did). */
static int read_user_texts(fabeo_key_t *key, rd_t *r, pol_error_t *err)
{
    size_t u;
    if (!rd_u16(r, &u))
        return RF_ERR_LENGTH;
    if (u == 0 || u > FABEO_MAX_USER_ATTRS)
        return RF_ERR_LIMIT;
    char **texts = calloc(u, sizeof *texts);
    if (texts == NULL)
        return RF_ERR_MEMORY;
    int rc = RF_OK;
    for (size_t i = 0; i < u && rc == RF_OK; i++) {
        size_t l;
        const uint8_t *t;
        if (!rd_u16(r, &l) || (t = roam_rbuf_take(r, l)) == NULL)
            rc = RF_ERR_LENGTH;
        else if (l == 0 || memchr(t, 0, l) != NULL)
            rc = RF_ERR_ATTRS;
        else if ((texts[i] = malloc(l + 1)) == NULL)
            rc = RF_ERR_MEMORY;
        else {
            memcpy(texts[i], t, l);
            texts[i][l] = '\0';
        }
    }
    if (rc == RF_OK && fabeo_key_set_attrs(key, (const char *const *)texts, u, err) != FABEO_OK)
        rc = RF_ERR_ATTRS;
    for (size_t i = 0; i < u; i++)
        free(texts[i]);
    free(texts);
    return rc;
}

int rf_decode_key(fabeo_key_t *key, const uint8_t *in, size_t len, pol_error_t *err)
{
    rd_t r;
    const uint8_t *p;
    if (key == NULL)
        return RF_ERR_ARGUMENT;
    pol_error_clear(err);
    int rc = body_of(in, len, RF_USER_KEY, &r);
    if (rc != RF_OK)
        return rc;
    uint8_t id[FABEO_ID_BYTES];
    if ((p = roam_rbuf_take(&r, FABEO_ID_BYTES)) == NULL)
        return RF_ERR_LENGTH;
    memcpy(id, p, sizeof id);
    if ((rc = read_user_texts(key, &r, err)) != RF_OK)
        goto fail;
    memcpy(key->mpk_id, id, sizeof id);
    size_t n, want = attr_set_count(&key->attrs);
    if (!rd_u16(&r, &n)) {
        rc = RF_ERR_LENGTH;
        goto fail;
    }
    if (n != want) {
        rc = RF_ERR_ATTRS;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        size_t l, el;
        const uint8_t *s, *e = attr_set_get(&key->attrs, i, &el);
        if (!rd_u16(&r, &l) || (s = roam_rbuf_take(&r, l)) == NULL ||
            (p = roam_rbuf_take(&r, G1_COMPRESSED_BYTES)) == NULL) {
            rc = RF_ERR_LENGTH;
            goto fail;
        }
        if (l != el || memcmp(s, e, l) != 0) {
            rc = RF_ERR_ATTRS;   /* not the canonical expansion of the texts */
            goto fail;
        }
        if (g1_from_bytes(&key->sk2[i], p, G1_COMPRESSED_BYTES, 0) != BLS_OK) {
            rc = RF_ERR_POINT;
            goto fail;
        }
    }
    if ((p = roam_rbuf_take(&r, G1_COMPRESSED_BYTES)) == NULL) {
        rc = RF_ERR_LENGTH;
        goto fail;
    }
    if (g1_from_bytes(&key->sk1, p, G1_COMPRESSED_BYTES, 0) != BLS_OK) {
        rc = RF_ERR_POINT;
        goto fail;
    }
    if ((p = roam_rbuf_take(&r, G2_COMPRESSED_BYTES)) == NULL) {
        rc = RF_ERR_LENGTH;
        goto fail;
    }
    if (g2_from_bytes(&key->sk3, p, G2_COMPRESSED_BYTES, 0) != BLS_OK) {
        rc = RF_ERR_POINT;
        goto fail;
    }
    if (roam_rbuf_done(&r) < 0) {
        rc = RF_ERR_LENGTH;
        goto fail;
    }
    fabeo_key_finish(key);
    return RF_OK;
fail:
    fabeo_key_clear(key);
    return rc;
}

int rf_key_fingerprint(const fabeo_key_t *key, uint8_t fp[32])
{
    static const char tag[] = "ROAM-KEY-FP-v1";
    uint8_t b[G2_COMPRESSED_BYTES], l[2];
    unsigned md_len = 0;
    int ok = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (key == NULL || fp == NULL || ctx == NULL)
        goto out;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(ctx, tag, sizeof tag - 1) != 1 ||
        EVP_DigestUpdate(ctx, key->mpk_id, FABEO_ID_BYTES) != 1)
        goto out;
    l[0] = (uint8_t)(key->n_user >> 8);
    l[1] = (uint8_t)key->n_user;
    if (EVP_DigestUpdate(ctx, l, 2) != 1)
        goto out;
    for (size_t i = 0; i < key->n_user; i++) {
        l[0] = (uint8_t)(key->user_len[i] >> 8);
        l[1] = (uint8_t)key->user_len[i];
        if (EVP_DigestUpdate(ctx, l, 2) != 1 ||
            EVP_DigestUpdate(ctx, key->user_pool + key->user_off[i], key->user_len[i]) != 1)
            goto out;
    }
    g2_to_compressed(b, &key->sk3);
    if (EVP_DigestUpdate(ctx, b, sizeof b) != 1 || EVP_DigestFinal_ex(ctx, fp, &md_len) != 1 ||
        md_len != 32)
        goto out;
    ok = 1;
out:
    EVP_MD_CTX_free(ctx);
    OPENSSL_cleanse(b, sizeof b);
    return ok ? RF_OK : RF_ERR_ARGUMENT;
}

/* ---- ciphertexts -------------------------------------------------------- */
int rf_encode_ct(const uint8_t *ser_ct, size_t ser_len, uint8_t **out, size_t *len)
{
    wr_t w;
    if (ser_ct == NULL || out == NULL || len == NULL)
        return RF_ERR_ARGUMENT;
    int rc = wr_start(&w, RF_CIPHERTEXT, ser_len);
    if (rc != RF_OK)
        return rc;
    roam_wbuf_bytes(&w, ser_ct, ser_len);
    return wr_finish(&w, out, len);
}

int rf_decode_ct(const uint8_t *in, size_t len, const uint8_t **ser_ct, size_t *ser_len,
                 fabeo_policy_t *pp)
{
    rd_t r;
    const uint8_t *pol;
    size_t pol_len;
    pol_error_t err;
    if (ser_ct == NULL || ser_len == NULL || pp == NULL)
        return RF_ERR_ARGUMENT;
    int rc = body_of(in, len, RF_CIPHERTEXT, &r);
    if (rc != RF_OK)
        return rc;
    const uint8_t *body = roam_rbuf_rest(&r);
    size_t body_len = roam_rbuf_left(&r);
    if (kem_ct_policy(body, body_len, &pol, &pol_len) != KEM_OK)
        return RF_ERR_LENGTH;
    if (fabeo_policy_prepare_encoded(pp, pol, pol_len, 0, &err) != FABEO_OK)
        return RF_ERR_POLICY;
    fabeo_ct_t *c = malloc(sizeof *c);
    if (c == NULL) {
        fabeo_policy_clear(pp);
        return RF_ERR_MEMORY;
    }
    rc = kem_ct_decode(c, body, body_len, pp) == KEM_OK ? RF_OK : RF_ERR_POINT;
    free(c);
    if (rc != RF_OK) {
        fabeo_policy_clear(pp);
        return rc;
    }
    *ser_ct = body;
    *ser_len = body_len;
    return RF_OK;
}

const char *rf_label(rf_type type)
{
    switch (type) {
    case RF_MPK: return "ROAM MASTER PUBLIC KEY";
    case RF_MSK: return "ROAM MASTER SECRET KEY";
    case RF_USER_KEY: return "ROAM USER KEY";
    case RF_CIPHERTEXT: return "ROAM CIPHERTEXT";
    default: return NULL;
    }
}
