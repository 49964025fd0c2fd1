/* The FABEO CCA KEM (kem.h, docs/spec/fabeo.md §11): coin derivation, HKDF key
 * derivation, Encaps, and Decaps with the constant-time re-encryption check
 * of kem_check.c.  Every secret (u, R, coins, shares, R', K candidates) is cleansed
 * on every path. */
#include "kem.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "hash_to_curve.h"
#include "kem_check.h"
#include "par.h"

/* (v_1..v_n2, s'_1..s'_tau) = hash_to_field(ser_GT(R) || mpk_id ||
 * I2OSP(len(pol), 4) || pol, count = n2 + tau). */
static int derive_coins(fr_t *coins, const gt_t *r, const fabeo_mpk_t *mpk,
                        const fabeo_policy_t *pp)
{
    static const uint8_t dst[] = KEM_DST_COINS;
    size_t count = (size_t)pp->n2 + pp->tau;
    if (count == 0 || count > KEM_MAX_COINS)
        return ABE_ERR_KEM_LIMIT;
    size_t len = GT_BYTES + FABEO_ID_BYTES + 4 + pp->enc_len;
    uint8_t *msg = malloc(len);
    if (msg == NULL)
        return ABE_ERR_INTERNAL;
    uint8_t *p = msg;
    gt_to_bytes(p, r);
    p += GT_BYTES;
    memcpy(p, mpk->id, FABEO_ID_BYTES);
    p += FABEO_ID_BYTES;
    *p++ = (uint8_t)(pp->enc_len >> 24);
    *p++ = (uint8_t)(pp->enc_len >> 16);
    *p++ = (uint8_t)(pp->enc_len >> 8);
    *p++ = (uint8_t)pp->enc_len;
    memcpy(p, pp->enc, pp->enc_len);
    int rc = fr_hash_to_field(coins, count, msg, len, dst, sizeof dst - 1) == BLS_OK
                 ? ABE_OK : ABE_ERR_INTERNAL;
    OPENSSL_cleanse(msg, GT_BYTES);
    free(msg);
    return rc;
}

/* K = HKDF-SHA256(salt = "", IKM = ser_GT(R) || SHA-256(ser(CT)),
 * info = KEM_KDF_INFO, L = 32).  An absent salt is HashLen zero bytes,
 * which is what RFC 5869 prescribes for an empty one. */
static int kdf(uint8_t key[KEM_KEY_BYTES], const gt_t *r, const uint8_t *ct, size_t ct_len)
{
    uint8_t ikm[GT_BYTES + 32];
    unsigned md_len = 0;
    int rc = ABE_ERR_INTERNAL;
    EVP_KDF *k = NULL;
    EVP_KDF_CTX *ctx = NULL;
    gt_to_bytes(ikm, r);
    if (EVP_Digest(ct, ct_len, ikm + GT_BYTES, &md_len, EVP_sha256(), NULL) != 1 ||
        md_len != 32)
        goto out;
    if ((k = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
        (ctx = EVP_KDF_CTX_new(k)) == NULL)
        goto out;
    OSSL_PARAM params[4];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm, sizeof ikm);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (char *)KEM_KDF_INFO,
                                                  sizeof KEM_KDF_INFO - 1);
    params[3] = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(ctx, key, KEM_KEY_BYTES, params) == 1)
        rc = ABE_OK;
out:
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(k);
    OPENSSL_cleanse(ikm, sizeof ikm);
    if (rc != ABE_OK)
        OPENSSL_cleanse(key, KEM_KEY_BYTES);
    return rc;
}

/* R = E^u, the one exponentiation before the coins exist, on both threads:
 * each computes half of the comb (gt_fixed_base_pow_combs). */
typedef struct {
    const gt_fixed_base_t *table;
    const fr_t *u;
    gt_t half[2];
} e_pow_job_t;

static int e_pow_halves(void *arg, size_t from, size_t to)
{
    e_pow_job_t *j = arg;
    for (size_t k = from; k < to; k++)
        gt_fixed_base_pow_combs(&j->half[k], j->table, j->u, (unsigned)k * (GT_COMB_COMBS / 2),
                                k == 0 ? GT_COMB_COMBS / 2 : GT_COMB_COMBS - GT_COMB_COMBS / 2);
    return ABE_OK;
}

static void e_pow(gt_t *r, const fabeo_params_t *par, const fr_t *u)
{
    e_pow_job_t job;
    job.table = &par->e_table;
    job.u = u;
    (void)par_for2(2, 2, e_pow_halves, &job);   /* the items cannot fail */
    gt_mul(r, &job.half[0], &job.half[1]);
    OPENSSL_cleanse(&job, sizeof job);
}

int kem_encaps(const fabeo_mpk_t *mpk, const fabeo_policy_t *pp,
               uint8_t *ct, size_t cap, size_t *ct_len, uint8_t key[KEM_KEY_BYTES])
{
    fr_t u;
    if (fr_random(&u) != 0)
        return ABE_ERR_RNG;
    int rc = kem_encaps_with(mpk, pp, &u, ct, cap, ct_len, key);
    OPENSSL_cleanse(&u, sizeof u);
    return rc;
}

int kem_encaps_with(const fabeo_mpk_t *mpk, const fabeo_policy_t *pp, const fr_t *u,
                    uint8_t *ct, size_t cap, size_t *ct_len, uint8_t key[KEM_KEY_BYTES])
{
    const fabeo_params_t *par = fabeo_params();
    if (mpk == NULL || pp == NULL || u == NULL || ct == NULL || ct_len == NULL || key == NULL)
        return ABE_ERR_ARGUMENT;
    if (par == NULL)
        return ABE_ERR_INTERNAL;
    if ((size_t)pp->n2 + pp->tau > KEM_MAX_COINS)
        return ABE_ERR_KEM_LIMIT;
    if (cap < kem_ct_size(pp))
        return ABE_ERR_ARGUMENT;
    fabeo_ct_t *c = malloc(sizeof *c);
    if (c == NULL)
        return ABE_ERR_INTERNAL;
    fr_t coins[KEM_MAX_COINS];
    gt_t r;
    int rc;
    e_pow(&r, par, u);
    if ((rc = derive_coins(coins, &r, mpk, pp)) != ABE_OK)
        goto out;
    if (fabeo_encrypt(c, mpk, pp, &r, coins, coins + pp->n2) != ABE_OK) {
        rc = ABE_ERR_INTERNAL;
        goto out;
    }
    if ((rc = kem_ct_encode(ct, cap, ct_len, c, pp)) != ABE_OK)
        goto out;
    rc = kdf(key, &r, ct, *ct_len);
out:
    OPENSSL_cleanse(&r, sizeof r);
    OPENSSL_cleanse(coins, sizeof coins);
    free(c);
    return rc;
}

/* Side items of Decrypt (fabeo_side_t): row k of the ciphertext is in G1. */
static int test_rows(void *ctx, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        if (!kem_ct_row_in_subgroup(ctx, k))
            return ABE_ERR_DECAPS;
    return ABE_OK;
}

int kem_decaps(const fabeo_mpk_t *mpk, const fabeo_key_t *sk, const uint8_t *ct,
               size_t ct_len, const fabeo_policy_t *hint, uint8_t key[KEM_KEY_BYTES])
{
    if (key == NULL)
        return ABE_ERR_ARGUMENT;
    OPENSSL_cleanse(key, KEM_KEY_BYTES);
    if (mpk == NULL || sk == NULL || ct == NULL)
        return ABE_ERR_DECAPS;
    const uint8_t *pol;
    size_t pol_len;
    if (kem_ct_policy(ct, ct_len, &pol, &pol_len) != ABE_OK)
        return ABE_ERR_DECAPS;

    fabeo_policy_t *own = NULL;
    const fabeo_policy_t *pp = hint;
    fabeo_ct_t *c = malloc(sizeof *c);
    fr_t coins[KEM_MAX_COINS];
    gt_t r;
    int rc = ABE_ERR_DECAPS;
    if (c == NULL)
        goto out;
    if (pp == NULL || pp->enc_len != pol_len || memcmp(pp->enc, pol, pol_len) != 0) {
        pol_error_t err;
        if ((own = malloc(sizeof *own)) == NULL)
            goto out;
        if (fabeo_policy_prepare_encoded(own, pol, pol_len, 0, &err) != ABE_OK) {
            free(own);
            own = NULL;
            goto out;
        }
        pp = own;
    }
    if ((size_t)pp->n2 + pp->tau > KEM_MAX_COINS)
        goto out;
    /* The rows' subgroup tests, the bulk of decoding, run alongside the
     * final exponentiation; R' is only used once they all passed. */
    if (kem_ct_decode_defer_rows(c, ct, ct_len, pp) != ABE_OK)
        goto out;
    fabeo_side_t row_tests = {test_rows, c, c->n1};
    if (fabeo_decrypt_with(&r, sk, pp, c, &row_tests) != ABE_OK)
        goto out;
    if (derive_coins(coins, &r, mpk, pp) != ABE_OK)
        goto out;
    if (kem_check_reencryption(mpk, pp, c, &r, coins, coins + pp->n2) != 1)
        goto out;
    if (kdf(key, &r, ct, ct_len) == ABE_OK)
        rc = ABE_OK;
out:
    OPENSSL_cleanse(&r, sizeof r);
    OPENSSL_cleanse(coins, sizeof coins);
    free(c);
    if (own != NULL) {
        fabeo_policy_clear(own);
        free(own);
    }
    if (rc != ABE_OK)
        OPENSSL_cleanse(key, KEM_KEY_BYTES);
    return rc;
}
