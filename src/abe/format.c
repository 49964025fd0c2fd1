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
#include "bls12381.h"
#include "kem.h"

static const uint8_t magic[4] = {'R', 'O', 'A', 'M'};

/* ---- writing ------------------------------------------------------------ */
typedef struct roam_wbuf wr_t;

/* Allocates exactly the object's size and writes the header for a body of
 * body_len bytes. */
static int wr_start(wr_t *w, abe_obj_type type, size_t body_len)
{
    if (body_len > ABE_OBJ_MAX_BYTES - ABE_OBJ_HEADER_BYTES)
        return ABE_ERR_LIMIT;
    uint8_t *buf = malloc(ABE_OBJ_HEADER_BYTES + body_len);
    if (buf == NULL)
        return ABE_ERR_MEMORY;
    roam_wbuf_init(w, buf, ABE_OBJ_HEADER_BYTES + body_len);
    roam_wbuf_bytes(w, magic, sizeof magic);
    roam_wbuf_u8(w, (uint8_t)type);
    roam_wbuf_u8(w, ABE_OBJ_VERSION);
    roam_wbuf_u32be(w, (uint32_t)body_len);
    return ABE_OK;
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
    return ABE_OK;
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

void abe_free_secret(uint8_t *buf, size_t len)
{
    if (buf != NULL)
        OPENSSL_cleanse(buf, len);
    free(buf);
}

int abe_obj_parse_header(const uint8_t *in, size_t len, abe_obj_type *type, const uint8_t **body,
                         size_t *body_len)
{
    if (in == NULL || type == NULL || body == NULL || body_len == NULL)
        return ABE_ERR_ARGUMENT;
    rd_t r;
    roam_rbuf_init(&r, in, len);
    const uint8_t *m = roam_rbuf_take(&r, sizeof magic);
    uint8_t t, v;
    uint32_t bl;
    if (len < ABE_OBJ_HEADER_BYTES || m == NULL || memcmp(m, magic, sizeof magic) != 0)
        return ABE_ERR_MAGIC;
    roam_rbuf_u8(&r, &t);
    roam_rbuf_u8(&r, &v);
    roam_rbuf_u32be(&r, &bl);
    if (t < ABE_OBJ_MPK || t > ABE_OBJ_CIPHERTEXT)
        return ABE_ERR_TYPE;
    if (v != ABE_OBJ_VERSION)
        return ABE_ERR_VERSION;
    if (len > ABE_OBJ_MAX_BYTES || bl != roam_rbuf_left(&r))
        return ABE_ERR_LENGTH;
    *type = (abe_obj_type)t;
    *body = roam_rbuf_rest(&r);
    *body_len = bl;
    return ABE_OK;
}

static int body_of(const uint8_t *in, size_t len, abe_obj_type want, rd_t *r)
{
    abe_obj_type t;
    const uint8_t *body;
    size_t bl;
    int rc = abe_obj_parse_header(in, len, &t, &body, &bl);
    if (rc != ABE_OK)
        return rc;
    if (t != want)
        return ABE_ERR_TYPE;
    roam_rbuf_init(r, body, bl);
    return ABE_OK;
}

/* ---- MPK ---------------------------------------------------------------- */
int abe_encode_mpk(const abe_mpk_t *mpk, uint8_t **out, size_t *len)
{
    wr_t w;
    uint8_t a[BLS_GT_BYTES];
    if (mpk == NULL || out == NULL || len == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = wr_start(&w, ABE_OBJ_MPK, BLS_GT_BYTES);
    if (rc != ABE_OK)
        return rc;
    bls_gt_to_bytes(a, &mpk->a);
    roam_wbuf_bytes(&w, a, sizeof a);
    return wr_finish(&w, out, len);
}

int abe_decode_mpk(abe_mpk_t *mpk, const uint8_t *in, size_t len)
{
    rd_t r;
    bls_gt_t a;
    if (mpk == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = body_of(in, len, ABE_OBJ_MPK, &r);
    if (rc != ABE_OK)
        return rc;
    const uint8_t *p = roam_rbuf_take(&r, BLS_GT_BYTES);
    if (p == NULL || roam_rbuf_done(&r) < 0)
        return ABE_ERR_LENGTH;
    if (bls_gt_from_bytes(&a, p, BLS_GT_BYTES) != BLS_OK || bls_gt_is_one(&a))
        return ABE_ERR_POINT;
    return abe_mpk_init(mpk, &a) == ABE_OK ? ABE_OK : ABE_ERR_POINT;
}

/* ---- MSK ---------------------------------------------------------------- */
int abe_encode_msk(const abe_msk_t *msk, const abe_mpk_t *mpk, uint8_t **out, size_t *len)
{
    wr_t w;
    uint8_t a[BLS_FR_BYTES];
    if (msk == NULL || mpk == NULL || out == NULL || len == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = wr_start(&w, ABE_OBJ_MSK, ABE_ID_BYTES + BLS_FR_BYTES);
    if (rc != ABE_OK)
        return rc;
    roam_wbuf_bytes(&w, mpk->id, ABE_ID_BYTES);
    bls_fr_to_bytes(a, &msk->alpha);
    roam_wbuf_bytes(&w, a, sizeof a);
    OPENSSL_cleanse(a, sizeof a);
    return wr_finish(&w, out, len);
}

int abe_decode_msk(abe_msk_t *msk, uint8_t mpk_id[ABE_ID_BYTES], const uint8_t *in,
                   size_t len)
{
    rd_t r;
    if (msk == NULL || mpk_id == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = body_of(in, len, ABE_OBJ_MSK, &r);
    if (rc != ABE_OK)
        return rc;
    const uint8_t *id = roam_rbuf_take(&r, ABE_ID_BYTES), *alpha = roam_rbuf_take(&r, BLS_FR_BYTES);
    if (roam_rbuf_done(&r) < 0)
        return ABE_ERR_LENGTH;
    memcpy(mpk_id, id, ABE_ID_BYTES);
    if (bls_fr_from_bytes(&msk->alpha, alpha) != BLS_OK ||
        bls_fr_is_zero(&msk->alpha)) {
        abe_msk_clear(msk);
        return ABE_ERR_SCALAR;
    }
    return ABE_OK;
}

/* ---- user keys ---------------------------------------------------------- */
static size_t key_body_len(const abe_key_t *key)
{
    size_t n = ABE_ID_BYTES + 2 + 2 + BLS_G1_COMPRESSED_BYTES + BLS_G2_COMPRESSED_BYTES;
    for (size_t i = 0; i < key->n_user; i++)
        n += 2 + key->user_len[i];
    for (size_t i = 0; i < abe_attr_set_count(&key->attrs); i++) {
        size_t l;
        abe_attr_set_get(&key->attrs, i, &l);
        n += 2 + l + BLS_G1_COMPRESSED_BYTES;
    }
    return n;
}

int abe_encode_key(const abe_key_t *key, uint8_t **out, size_t *len)
{
    wr_t w;
    uint8_t g1b[BLS_G1_COMPRESSED_BYTES], g2b[BLS_G2_COMPRESSED_BYTES];
    if (key == NULL || out == NULL || len == NULL)
        return ABE_ERR_ARGUMENT;
    size_t n = abe_attr_set_count(&key->attrs);
    if (key->n_user == 0 || key->n_user > ABE_MAX_USER_ATTRS || n == 0 || n > ABE_ATTRS_MAX)
        return ABE_ERR_LIMIT;
    int rc = wr_start(&w, ABE_OBJ_USER_KEY, key_body_len(key));
    if (rc != ABE_OK)
        return rc;
    roam_wbuf_bytes(&w, key->mpk_id, ABE_ID_BYTES);
    wr_u16(&w, key->n_user);
    for (size_t i = 0; i < key->n_user; i++) {
        wr_u16(&w, key->user_len[i]);
        roam_wbuf_bytes(&w, key->user_pool + key->user_off[i], key->user_len[i]);
    }
    wr_u16(&w, n);
    for (size_t i = 0; i < n; i++) {
        size_t l;
        const uint8_t *s = abe_attr_set_get(&key->attrs, i, &l);
        wr_u16(&w, l);
        roam_wbuf_bytes(&w, s, l);
        bls_g1_to_compressed(g1b, &key->sk2[i]);
        roam_wbuf_bytes(&w, g1b, sizeof g1b);
    }
    bls_g1_to_compressed(g1b, &key->sk1);
    roam_wbuf_bytes(&w, g1b, sizeof g1b);
    bls_g2_to_compressed(g2b, &key->sk3);
    roam_wbuf_bytes(&w, g2b, sizeof g2b);
    OPENSSL_cleanse(g1b, sizeof g1b);
    OPENSSL_cleanse(g2b, sizeof g2b);
    return wr_finish(&w, out, len);
}

/* Reads the user texts into key via abe_key_set_attrs (which expands and
 * checks them exactly as KeyGen did). */
static int read_user_texts(abe_key_t *key, rd_t *r, abe_error_t *err)
{
    size_t u;
    if (!rd_u16(r, &u))
        return ABE_ERR_LENGTH;
    if (u == 0 || u > ABE_MAX_USER_ATTRS)
        return ABE_ERR_LIMIT;
    char **texts = calloc(u, sizeof *texts);
    if (texts == NULL)
        return ABE_ERR_MEMORY;
    int rc = ABE_OK;
    for (size_t i = 0; i < u && rc == ABE_OK; i++) {
        size_t l;
        const uint8_t *t;
        if (!rd_u16(r, &l) || (t = roam_rbuf_take(r, l)) == NULL)
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
    if (rc == ABE_OK && abe_key_set_attrs(key, (const char *const *)texts, u, err) != ABE_OK)
        rc = ABE_ERR_ATTRS;
    for (size_t i = 0; i < u; i++)
        free(texts[i]);
    free(texts);
    return rc;
}

int abe_decode_key(abe_key_t *key, const uint8_t *in, size_t len, abe_error_t *err)
{
    rd_t r;
    const uint8_t *p;
    if (key == NULL)
        return ABE_ERR_ARGUMENT;
    abe_error_clear(err);
    int rc = body_of(in, len, ABE_OBJ_USER_KEY, &r);
    if (rc != ABE_OK)
        return rc;
    uint8_t id[ABE_ID_BYTES];
    if ((p = roam_rbuf_take(&r, ABE_ID_BYTES)) == NULL)
        return ABE_ERR_LENGTH;
    memcpy(id, p, sizeof id);
    if ((rc = read_user_texts(key, &r, err)) != ABE_OK)
        goto fail;
    memcpy(key->mpk_id, id, sizeof id);
    size_t n, want = abe_attr_set_count(&key->attrs);
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
        const uint8_t *s, *e = abe_attr_set_get(&key->attrs, i, &el);
        if (!rd_u16(&r, &l) || (s = roam_rbuf_take(&r, l)) == NULL ||
            (p = roam_rbuf_take(&r, BLS_G1_COMPRESSED_BYTES)) == NULL) {
            rc = ABE_ERR_LENGTH;
            goto fail;
        }
        if (l != el || memcmp(s, e, l) != 0) {
            rc = ABE_ERR_ATTRS;   /* not the canonical expansion of the texts */
            goto fail;
        }
        if (bls_g1_from_bytes(&key->sk2[i], p, BLS_G1_COMPRESSED_BYTES, 0) != BLS_OK) {
            rc = ABE_ERR_POINT;
            goto fail;
        }
    }
    if ((p = roam_rbuf_take(&r, BLS_G1_COMPRESSED_BYTES)) == NULL) {
        rc = ABE_ERR_LENGTH;
        goto fail;
    }
    if (bls_g1_from_bytes(&key->sk1, p, BLS_G1_COMPRESSED_BYTES, 0) != BLS_OK) {
        rc = ABE_ERR_POINT;
        goto fail;
    }
    if ((p = roam_rbuf_take(&r, BLS_G2_COMPRESSED_BYTES)) == NULL) {
        rc = ABE_ERR_LENGTH;
        goto fail;
    }
    if (bls_g2_from_bytes(&key->sk3, p, BLS_G2_COMPRESSED_BYTES, 0) != BLS_OK) {
        rc = ABE_ERR_POINT;
        goto fail;
    }
    if (roam_rbuf_done(&r) < 0) {
        rc = ABE_ERR_LENGTH;
        goto fail;
    }
    abe_key_finish(key);
    return ABE_OK;
fail:
    abe_key_clear(key);
    return rc;
}

int abe_key_fingerprint(const abe_key_t *key, uint8_t fp[32])
{
    static const char tag[] = "ROAM-KEY-FP-v1";
    uint8_t b[BLS_G2_COMPRESSED_BYTES], l[2];
    unsigned md_len = 0;
    int ok = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (key == NULL || fp == NULL || ctx == NULL)
        goto out;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(ctx, tag, sizeof tag - 1) != 1 ||
        EVP_DigestUpdate(ctx, key->mpk_id, ABE_ID_BYTES) != 1)
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
    bls_g2_to_compressed(b, &key->sk3);
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
int abe_encode_ct(const uint8_t *ser_ct, size_t ser_len, uint8_t **out, size_t *len)
{
    wr_t w;
    if (ser_ct == NULL || out == NULL || len == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = wr_start(&w, ABE_OBJ_CIPHERTEXT, ser_len);
    if (rc != ABE_OK)
        return rc;
    roam_wbuf_bytes(&w, ser_ct, ser_len);
    return wr_finish(&w, out, len);
}

int abe_decode_ct(const uint8_t *in, size_t len, const uint8_t **ser_ct, size_t *ser_len,
                  abe_prepared_t *pp)
{
    rd_t r;
    const uint8_t *pol;
    size_t pol_len;
    abe_error_t err;
    if (ser_ct == NULL || ser_len == NULL || pp == NULL)
        return ABE_ERR_ARGUMENT;
    int rc = body_of(in, len, ABE_OBJ_CIPHERTEXT, &r);
    if (rc != ABE_OK)
        return rc;
    const uint8_t *body = roam_rbuf_rest(&r);
    size_t body_len = roam_rbuf_left(&r);
    if (abe_kem_ct_policy(body, body_len, &pol, &pol_len) != ABE_OK)
        return ABE_ERR_LENGTH;
    if (abe_prepare_encoded(pp, pol, pol_len, 0, &err) != ABE_OK)
        return ABE_ERR_CT_POLICY;
    abe_ct_t *c = malloc(sizeof *c);
    if (c == NULL) {
        abe_prepared_clear(pp);
        return ABE_ERR_MEMORY;
    }
    rc = abe_kem_ct_decode(c, body, body_len, pp) == ABE_OK ? ABE_OK : ABE_ERR_POINT;
    free(c);
    if (rc != ABE_OK) {
        abe_prepared_clear(pp);
        return rc;
    }
    *ser_ct = body;
    *ser_len = body_len;
    return ABE_OK;
}

const char *abe_obj_label(abe_obj_type type)
{
    switch (type) {
    case ABE_OBJ_MPK: return "ROAM MASTER PUBLIC KEY";
    case ABE_OBJ_MSK: return "ROAM MASTER SECRET KEY";
    case ABE_OBJ_USER_KEY: return "ROAM USER KEY";
    case ABE_OBJ_CIPHERTEXT: return "ROAM CIPHERTEXT";
    default: return NULL;
    }
}
