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

#include "bls12381.h"
#include "kem_check.h"
#include "par.h"

/* (v_1..v_n2, s'_1..s'_tau) = hash_to_field(ser_GT(R) || mpk_id ||
 * I2OSP(len(pol), 4) || pol, count = n2 + tau). */
static int derive_coins(bls_fr_t *coins, const bls_gt_t *r, const abe_mpk_t *mpk,
                        const abe_prepared_t *pp)
{
    static const uint8_t dst[] = ABE_KEM_DST_COINS;
    size_t count = (size_t)pp->n2 + pp->tau;
    if (count == 0 || count > ABE_KEM_MAX_COINS)
        return ABE_ERR_KEM_LIMIT;
    size_t len = BLS_GT_BYTES + ABE_ID_BYTES + 4 + pp->enc_len;
    uint8_t *msg = malloc(len);
    if (msg == NULL)
        return ABE_ERR_INTERNAL;
    uint8_t *p = msg;
    bls_gt_to_bytes(p, r);
    p += BLS_GT_BYTES;
    memcpy(p, mpk->id, ABE_ID_BYTES);
    p += ABE_ID_BYTES;
    *p++ = (uint8_t)(pp->enc_len >> 24);
    *p++ = (uint8_t)(pp->enc_len >> 16);
    *p++ = (uint8_t)(pp->enc_len >> 8);
    *p++ = (uint8_t)pp->enc_len;
    memcpy(p, pp->enc, pp->enc_len);
    int rc = bls_fr_hash_to_field(coins, count, msg, len, dst, sizeof dst - 1) == BLS_OK
                 ? ABE_OK : ABE_ERR_INTERNAL;
    OPENSSL_cleanse(msg, BLS_GT_BYTES);
    free(msg);
    return rc;
}

/* K = HKDF-SHA256(salt = "", IKM = ser_GT(R) || SHA-256(ser(CT)),
 * info = ABE_KEM_KDF_INFO, L = 32).  An absent salt is HashLen zero bytes,
 * which is what RFC 5869 prescribes for an empty one. */
static int kdf(uint8_t key[ABE_KEM_KEY_BYTES], const bls_gt_t *r, const uint8_t *ct, size_t ct_len)
{
    uint8_t ikm[BLS_GT_BYTES + 32];
    unsigned md_len = 0;
    int rc = ABE_ERR_INTERNAL;
    EVP_KDF *k = NULL;
    EVP_KDF_CTX *ctx = NULL;
    bls_gt_to_bytes(ikm, r);
    if (EVP_Digest(ct, ct_len, ikm + BLS_GT_BYTES, &md_len, EVP_sha256(), NULL) != 1 ||
        md_len != 32)
        goto out;
    if ((k = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
        (ctx = EVP_KDF_CTX_new(k)) == NULL)
        goto out;
    OSSL_PARAM params[4];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm, sizeof ikm);
    params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (char *)ABE_KEM_KDF_INFO,
                                                  sizeof ABE_KEM_KDF_INFO - 1);
    params[3] = OSSL_PARAM_construct_end();
    if (EVP_KDF_derive(ctx, key, ABE_KEM_KEY_BYTES, params) == 1)
        rc = ABE_OK;
out:
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(k);
    OPENSSL_cleanse(ikm, sizeof ikm);
    if (rc != ABE_OK)
        OPENSSL_cleanse(key, ABE_KEM_KEY_BYTES);
    return rc;
}

/* R = E^u, the one exponentiation before the coins exist, on both threads:
 * each computes half of the comb (bls_gt_fixed_base_pow_combs). */
typedef struct {
    const bls_gt_fixed_base_t *table;
    const bls_fr_t *u;
    bls_gt_t half[2];
} e_pow_job_t;

static int e_pow_halves(void *arg, size_t from, size_t to)
{
    e_pow_job_t *j = arg;
    for (size_t k = from; k < to; k++)
        bls_gt_fixed_base_pow_combs(&j->half[k], j->table, j->u, (unsigned)k * (BLS_GT_COMB_COMBS / 2),
                                k == 0 ? BLS_GT_COMB_COMBS / 2 : BLS_GT_COMB_COMBS - BLS_GT_COMB_COMBS / 2);
    return ABE_OK;
}

static void e_pow(bls_gt_t *r, const abe_params_t *par, const bls_fr_t *u)
{
    e_pow_job_t job;
    job.table = &par->e_table;
    job.u = u;
    (void)abe_par_for2(2, 2, e_pow_halves, &job);   /* the items cannot fail */
    bls_gt_mul(r, &job.half[0], &job.half[1]);
    OPENSSL_cleanse(&job, sizeof job);
}

int abe_kem_encaps(const abe_mpk_t *mpk, const abe_prepared_t *pp,
                   uint8_t *ct, size_t cap, size_t *ct_len, uint8_t key[ABE_KEM_KEY_BYTES])
{
    bls_fr_t u;
    if (bls_fr_random(&u) != 0)
        return ABE_ERR_RNG;
    int rc = abe_kem_encaps_with(mpk, pp, &u, ct, cap, ct_len, key);
    OPENSSL_cleanse(&u, sizeof u);
    return rc;
}

int abe_kem_encaps_with(const abe_mpk_t *mpk, const abe_prepared_t *pp, const bls_fr_t *u,
                        uint8_t *ct, size_t cap, size_t *ct_len, uint8_t key[ABE_KEM_KEY_BYTES])
{
    const abe_params_t *par = abe_params();
    if (mpk == NULL || pp == NULL || u == NULL || ct == NULL || ct_len == NULL || key == NULL)
        return ABE_ERR_ARGUMENT;
    if (par == NULL)
        return ABE_ERR_INTERNAL;
    if ((size_t)pp->n2 + pp->tau > ABE_KEM_MAX_COINS)
        return ABE_ERR_KEM_LIMIT;
    if (cap < abe_kem_ct_size(pp))
        return ABE_ERR_ARGUMENT;
    abe_ct_t *c = malloc(sizeof *c);
    if (c == NULL)
        return ABE_ERR_INTERNAL;
    bls_fr_t coins[ABE_KEM_MAX_COINS];
    bls_gt_t r;
    int rc;
    e_pow(&r, par, u);
    if ((rc = derive_coins(coins, &r, mpk, pp)) != ABE_OK)
        goto out;
    if (abe_encrypt(c, mpk, pp, &r, coins, coins + pp->n2) != ABE_OK) {
        rc = ABE_ERR_INTERNAL;
        goto out;
    }
    if ((rc = abe_kem_ct_encode(ct, cap, ct_len, c, pp)) != ABE_OK)
        goto out;
    rc = kdf(key, &r, ct, *ct_len);
out:
    OPENSSL_cleanse(&r, sizeof r);
    OPENSSL_cleanse(coins, sizeof coins);
    free(c);
    return rc;
}

/* Side items of Decrypt (abe_side_t): row k of the ciphertext is in G1. */
static int test_rows(void *ctx, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        if (!abe_kem_ct_row_in_subgroup(ctx, k))
            return ABE_ERR_DECAPS;
    return ABE_OK;
}

int abe_kem_decaps(const abe_mpk_t *mpk, const abe_key_t *sk, const uint8_t *ct,
                   size_t ct_len, const abe_prepared_t *hint, uint8_t key[ABE_KEM_KEY_BYTES])
{
    if (key == NULL)
        return ABE_ERR_ARGUMENT;
    OPENSSL_cleanse(key, ABE_KEM_KEY_BYTES);
    if (mpk == NULL || sk == NULL || ct == NULL)
        return ABE_ERR_DECAPS;
    const uint8_t *pol;
    size_t pol_len;
    if (abe_kem_ct_policy(ct, ct_len, &pol, &pol_len) != ABE_OK)
        return ABE_ERR_DECAPS;

    abe_prepared_t *own = NULL;
    const abe_prepared_t *pp = hint;
    abe_ct_t *c = malloc(sizeof *c);
    bls_fr_t coins[ABE_KEM_MAX_COINS];
    bls_gt_t r;
    int rc = ABE_ERR_DECAPS;
    if (c == NULL)
        goto out;
    if (pp == NULL || pp->enc_len != pol_len || memcmp(pp->enc, pol, pol_len) != 0) {
        abe_error_t err;
        if ((own = malloc(sizeof *own)) == NULL)
            goto out;
        if (abe_prepare_encoded(own, pol, pol_len, 0, &err) != ABE_OK) {
            free(own);
            own = NULL;
            goto out;
        }
        pp = own;
    }
    if ((size_t)pp->n2 + pp->tau > ABE_KEM_MAX_COINS)
        goto out;
    /* The rows' subgroup tests, the bulk of decoding, run alongside the
     * final exponentiation; R' is only used once they all passed. */
    if (abe_kem_ct_decode_defer_rows(c, ct, ct_len, pp) != ABE_OK)
        goto out;
    abe_side_t row_tests = {test_rows, c, c->n1};
    if (abe_decrypt_with(&r, sk, pp, c, &row_tests) != ABE_OK)
        goto out;
    if (derive_coins(coins, &r, mpk, pp) != ABE_OK)
        goto out;
    if (abe_kem_check_reencryption(mpk, pp, c, &r, coins, coins + pp->n2) != 1)
        goto out;
    if (kdf(key, &r, ct, ct_len) == ABE_OK)
        rc = ABE_OK;
out:
    OPENSSL_cleanse(&r, sizeof r);
    OPENSSL_cleanse(coins, sizeof coins);
    free(c);
    if (own != NULL) {
        abe_prepared_clear(own);
        free(own);
    }
    if (rc != ABE_OK)
        OPENSSL_cleanse(key, ABE_KEM_KEY_BYTES);
    return rc;
}
