/* Encoders and strict decoders of roam's binary object formats (format.h).
 * A bounded reader makes every length check explicit; decoders never read
 * past their input and reject anything left over. */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "encoding.h"
#include "kem.h"

static const uint8_t magic[4] = {'R', 'O', 'A', 'M'};

/* ---- bounded writer / reader -------------------------------------------- */
typedef struct { uint8_t *buf; size_t cap, len; } wr_t;
typedef struct { const uint8_t *p; size_t left; } rd_t;

static void wr_bytes(wr_t *w, const void *d, size_t n)
{
    if (n > w->cap - w->len)
        abort();   /* sizes are computed before writing: a bug, not input */
    memcpy(w->buf + w->len, d, n);
    w->len += n;
}

static void wr_u16(wr_t *w, size_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    wr_bytes(w, b, 2);
}

static const uint8_t *rd_take(rd_t *r, size_t n)
{
    if (n > r->left)
        return NULL;
    const uint8_t *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}

static int rd_u16(rd_t *r, size_t *v)
{
    const uint8_t *p = rd_take(r, 2);
    if (p == NULL)
        return 0;
    *v = (size_t)p[0] << 8 | p[1];
    return 1;
}

/* Allocates and writes the header for a body of body_len bytes. */
static int wr_start(wr_t *w, rf_type type, size_t body_len)
{
    if (body_len > RF_MAX_BYTES - RF_HEADER_BYTES)
        return ABE_ERR_LIMIT;
    w->cap = RF_HEADER_BYTES + body_len;
    w->len = 0;
    if ((w->buf = malloc(w->cap)) == NULL)
        return ABE_ERR_MEMORY;
    uint8_t hdr[6] = {magic[0], magic[1], magic[2], magic[3], (uint8_t)type, RF_VERSION};
    uint8_t l[4] = {(uint8_t)(body_len >> 24), (uint8_t)(body_len >> 16),
                    (uint8_t)(body_len >> 8), (uint8_t)body_len};
    wr_bytes(w, hdr, sizeof hdr);
    wr_bytes(w, l, sizeof l);
    return ABE_OK;
}

static int wr_finish(wr_t *w, uint8_t **out, size_t *len)
{
    if (w->len != w->cap)
        abort();
    *out = w->buf;
    *len = w->len;
    return ABE_OK;
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
        return ABE_ERR_ARGUMENT;
    if (len < RF_HEADER_BYTES || memcmp(in, magic, 4) != 0)
        return ABE_ERR_MAGIC;
    if (in[4] < RF_MPK || in[4] > RF_CIPHERTEXT)
        return ABE_ERR_TYPE;
    if (in[5] != RF_VERSION)
        return ABE_ERR_VERSION;
    size_t bl = (size_t)in[6] << 24 | (size_t)in[7] << 16 | (size_t)in[8] << 8 | in[9];
    if (len > RF_MAX_BYTES || bl != len - RF_HEADER_BYTES)
        return ABE_ERR_LENGTH;
    *type = (rf_type)in[4];
    *body = in + RF_HEADER_BYTES;
    *body_len = bl;
    return ABE_OK;
}

static int body_of(const uint8_t *in, size_t len, rf_type want, rd_t *r)
{
    rf_type t;
    const uint8_t *body;
    size_t bl;
    int rc = rf_parse_header(in, len, &t, &body, &bl);
    if (rc != ABE_OK)
        return rc;
    if (t != want)
        return ABE_ERR_TYPE;
    r->p = body;
    r->left = bl;
    return ABE_OK;
}

/* ---- MPK ---------------------------------------------------------------- */
int rf_encode_mpk(const fabeo_mpk_t *mpk, uint8_t **out, size_t *len)
{
    wr_t w;
    uint8_t a[GT_BYTES];
    if (mpk == NULL || out == NULL || len == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = wr_start(&w, RF_MPK, GT_BYTES);
    if (rc != ABE_OK)
        return rc;
    gt_to_bytes(a, &mpk->a);
    wr_bytes(&w, a, sizeof a);
    return wr_finish(&w, out, len);
}

int rf_decode_mpk(fabeo_mpk_t *mpk, const uint8_t *in, size_t len)
{
    rd_t r;
    gt_t a;
    if (mpk == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = body_of(in, len, RF_MPK, &r);
    if (rc != ABE_OK)
        return rc;
    if (r.left != GT_BYTES)
        return ABE_ERR_LENGTH;
    if (gt_from_bytes(&a, r.p, GT_BYTES) != BLS_OK || gt_is_one(&a))
        return ABE_ERR_POINT;
    return fabeo_mpk_init(mpk, &a) == ABE_OK ? ABE_OK : ABE_ERR_POINT;
}

/* ---- MSK ---------------------------------------------------------------- */
int rf_encode_msk(const fabeo_msk_t *msk, const fabeo_mpk_t *mpk, uint8_t **out, size_t *len)
{
    wr_t w;
    uint8_t a[FR_BYTES];
    if (msk == NULL || mpk == NULL || out == NULL || len == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = wr_start(&w, RF_MSK, FABEO_ID_BYTES + FR_BYTES);
    if (rc != ABE_OK)
        return rc;
    wr_bytes(&w, mpk->id, FABEO_ID_BYTES);
    fr_to_bytes(a, &msk->alpha);
    wr_bytes(&w, a, sizeof a);
    OPENSSL_cleanse(a, sizeof a);
    return wr_finish(&w, out, len);
}

int rf_decode_msk(fabeo_msk_t *msk, uint8_t mpk_id[FABEO_ID_BYTES], const uint8_t *in,
                  size_t len)
{
    rd_t r;
    if (msk == NULL || mpk_id == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = body_of(in, len, RF_MSK, &r);
    if (rc != ABE_OK)
        return rc;
    if (r.left != FABEO_ID_BYTES + FR_BYTES)
        return ABE_ERR_LENGTH;
    memcpy(mpk_id, r.p, FABEO_ID_BYTES);
    if (fr_from_bytes(&msk->alpha, r.p + FABEO_ID_BYTES) != BLS_OK ||
        fr_is_zero(&msk->alpha)) {
        fabeo_msk_clear(msk);
        return ABE_ERR_SCALAR;
    }
    return ABE_OK;
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
        return ABE_ERR_ARGUMENT;
    size_t n = attr_set_count(&key->attrs);
    if (key->n_user == 0 || key->n_user > FABEO_MAX_USER_ATTRS || n == 0 || n > ATTRS_MAX)
        return ABE_ERR_LIMIT;
    int rc = wr_start(&w, RF_USER_KEY, key_body_len(key));
    if (rc != ABE_OK)
        return rc;
    wr_bytes(&w, key->mpk_id, FABEO_ID_BYTES);
    wr_u16(&w, key->n_user);
    for (size_t i = 0; i < key->n_user; i++) {
        wr_u16(&w, key->user_len[i]);
        wr_bytes(&w, key->user_pool + key->user_off[i], key->user_len[i]);
    }
    wr_u16(&w, n);
    for (size_t i = 0; i < n; i++) {
        size_t l;
        const uint8_t *s = attr_set_get(&key->attrs, i, &l);
        wr_u16(&w, l);
        wr_bytes(&w, s, l);
        g1_to_compressed(g1b, &key->sk2[i]);
        wr_bytes(&w, g1b, sizeof g1b);
    }
    g1_to_compressed(g1b, &key->sk1);
    wr_bytes(&w, g1b, sizeof g1b);
    g2_to_compressed(g2b, &key->sk3);
    wr_bytes(&w, g2b, sizeof g2b);
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
        return ABE_ERR_LENGTH;
    if (u == 0 || u > FABEO_MAX_USER_ATTRS)
        return ABE_ERR_LIMIT;
    char **texts = calloc(u, sizeof *texts);
    if (texts == NULL)
        return ABE_ERR_MEMORY;
    int rc = ABE_OK;
    for (size_t i = 0; i < u && rc == ABE_OK; i++) {
        size_t l;
        const uint8_t *t;
        if (!rd_u16(r, &l) || (t = rd_take(r, l)) == NULL)
            rc = ABE_ERR_LENGTH;
        else if (l == 0 || memchr(t, 0, l) != NULL)
            rc = ABE_ERR_ATTRS;
        else if ((texts[i] = malloc(l + 1)) == NULL)
            rc = ABE_ERR_MEMORY;
        else {
            memcpy(texts[i], t, l);
            texts[i][l] = '\0';
        }
    }
    if (rc == ABE_OK && fabeo_key_set_attrs(key, (const char *const *)texts, u, err) != ABE_OK)
        rc = ABE_ERR_ATTRS;
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
        return ABE_ERR_ARGUMENT;
    pol_error_clear(err);
    int rc = body_of(in, len, RF_USER_KEY, &r);
    if (rc != ABE_OK)
        return rc;
    uint8_t id[FABEO_ID_BYTES];
    if ((p = rd_take(&r, FABEO_ID_BYTES)) == NULL)
        return ABE_ERR_LENGTH;
    memcpy(id, p, sizeof id);
    if ((rc = read_user_texts(key, &r, err)) != ABE_OK)
        goto fail;
    memcpy(key->mpk_id, id, sizeof id);
    size_t n, want = attr_set_count(&key->attrs);
    if (!rd_u16(&r, &n)) {
        rc = ABE_ERR_LENGTH;
        goto fail;
    }
    if (n != want) {
        rc = ABE_ERR_ATTRS;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        size_t l, el;
        const uint8_t *s, *e = attr_set_get(&key->attrs, i, &el);
        if (!rd_u16(&r, &l) || (s = rd_take(&r, l)) == NULL ||
            (p = rd_take(&r, G1_COMPRESSED_BYTES)) == NULL) {
            rc = ABE_ERR_LENGTH;
            goto fail;
        }
        if (l != el || memcmp(s, e, l) != 0) {
            rc = ABE_ERR_ATTRS;   /* not the canonical expansion of the texts */
            goto fail;
        }
        if (g1_from_bytes(&key->sk2[i], p, G1_COMPRESSED_BYTES, 0) != BLS_OK) {
            rc = ABE_ERR_POINT;
            goto fail;
        }
    }
    if ((p = rd_take(&r, G1_COMPRESSED_BYTES)) == NULL) {
        rc = ABE_ERR_LENGTH;
        goto fail;
    }
    if (g1_from_bytes(&key->sk1, p, G1_COMPRESSED_BYTES, 0) != BLS_OK) {
        rc = ABE_ERR_POINT;
        goto fail;
    }
    if ((p = rd_take(&r, G2_COMPRESSED_BYTES)) == NULL) {
        rc = ABE_ERR_LENGTH;
        goto fail;
    }
    if (g2_from_bytes(&key->sk3, p, G2_COMPRESSED_BYTES, 0) != BLS_OK) {
        rc = ABE_ERR_POINT;
        goto fail;
    }
    if (r.left != 0) {
        rc = ABE_ERR_LENGTH;
        goto fail;
    }
    fabeo_key_finish(key);
    return ABE_OK;
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
    return ok ? ABE_OK : ABE_ERR_ARGUMENT;
}

/* ---- ciphertexts -------------------------------------------------------- */
int rf_encode_ct(const uint8_t *ser_ct, size_t ser_len, uint8_t **out, size_t *len)
{
    wr_t w;
    if (ser_ct == NULL || out == NULL || len == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = wr_start(&w, RF_CIPHERTEXT, ser_len);
    if (rc != ABE_OK)
        return rc;
    wr_bytes(&w, ser_ct, ser_len);
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
        return ABE_ERR_ARGUMENT;
    int rc = body_of(in, len, RF_CIPHERTEXT, &r);
    if (rc != ABE_OK)
        return rc;
    if (kem_ct_policy(r.p, r.left, &pol, &pol_len) != ABE_OK)
        return ABE_ERR_LENGTH;
    if (fabeo_policy_prepare_encoded(pp, pol, pol_len, 0, &err) != ABE_OK)
        return ABE_ERR_CT_POLICY;
    fabeo_ct_t *c = malloc(sizeof *c);
    if (c == NULL) {
        fabeo_policy_clear(pp);
        return ABE_ERR_MEMORY;
    }
    rc = kem_ct_decode(c, r.p, r.left, pp) == ABE_OK ? ABE_OK : ABE_ERR_POINT;
    free(c);
    if (rc != ABE_OK) {
        fabeo_policy_clear(pp);
        return rc;
    }
    *ser_ct = r.p;
    *ser_len = r.left;
    return ABE_OK;
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
