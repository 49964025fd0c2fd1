/* FABEO Setup and KeyGen (docs/spec/fabeo.md §7, §8), the MPK object, and key
 * bookkeeping.  Secret scalars (alpha, r) only meet constant-time
 * operations: fixed-base tables with secret scalars, bls_g1_mul, gt fixed-base
 * exponentiation, and the constant-time batch affine conversion. */
#include "fabeo.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "ct_affine.h"
#include "ct_declassify.h"
#include "par.h"

int abe_mpk_init(abe_mpk_t *mpk, const bls_gt_t *a)
{
    uint8_t ser[BLS_GT_BYTES];
    unsigned md_len = 0;
    if (mpk == NULL || a == NULL || bls_gt_is_one(a))
        return ABE_ERR_ARGUMENT;
    mpk->a = *a;
    bls_gt_to_bytes(ser, a);
    if (EVP_Digest(ser, sizeof ser, mpk->id, &md_len, EVP_sha256(), NULL) != 1 ||
        md_len != ABE_ID_BYTES)
        return ABE_ERR_INTERNAL;
    bls_gt_fixed_base_init(&mpk->a_table, a);
    return ABE_OK;
}

int abe_setup(abe_mpk_t *mpk, abe_msk_t *msk)
{
    const abe_params_t *pp = abe_params();
    bls_gt_t a;
    if (mpk == NULL || msk == NULL)
        return ABE_ERR_ARGUMENT;
    if (pp == NULL)
        return ABE_ERR_INTERNAL;
    if (bls_fr_random_nonzero(&msk->alpha) != 0)
        return ABE_ERR_RNG;
    bls_gt_fixed_base_pow(&a, &pp->e_table, &msk->alpha);
    ROAM_DECLASSIFY(&a, sizeof a);   /* A is the public key */
    int rc = abe_mpk_init(mpk, &a);
    if (rc != ABE_OK)
        abe_msk_clear(msk);
    return rc;
}

int abe_msk_matches(const abe_msk_t *msk, const abe_mpk_t *mpk)
{
    const abe_params_t *pp = abe_params();
    bls_gt_t a;
    if (msk == NULL || mpk == NULL || pp == NULL)
        return 0;
    bls_gt_fixed_base_pow(&a, &pp->e_table, &msk->alpha);
    uint64_t eq = bls_gt_equal(&a, &mpk->a);
    ROAM_DECLASSIFY(&eq, sizeof eq);
    OPENSSL_cleanse(&a, sizeof a);
    return (int)eq;
}

int abe_key_set_attrs(abe_key_t *key, const char *const *texts, size_t n,
                      abe_error_t *err)
{
    if (key == NULL || (texts == NULL && n > 0))
        return ABE_ERR_ARGUMENT;
    memset(key->mpk_id, 0, sizeof key->mpk_id);
    key->n_user = 0;
    abe_attr_set_init(&key->attrs);
    if (n > ABE_MAX_USER_ATTRS) {
        abe_fail(err, ABE_ERR_LIMIT, ABE_NO_POS, "more than %d attributes",
                 ABE_MAX_USER_ATTRS);
        return ABE_ERR_LIMIT;
    }
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(texts[i]);
        if (len > ABE_MAX_USER_POOL - used) {
            abe_fail(err, ABE_ERR_LIMIT, ABE_NO_POS, "attribute texts longer than %d bytes",
                     ABE_MAX_USER_POOL);
            return ABE_ERR_LIMIT;
        }
        abe_error_t e;
        if (abe_attr_set_add(&key->attrs, texts[i], len, &e) != ABE_OK) {
            /* Name the attribute: offsets alone are ambiguous in a list. */
            abe_fail(err, e.code, ABE_NO_POS, "attribute '%.64s': %s", texts[i], e.msg);
            return ABE_ERR_POLICY;
        }
        memcpy(key->user_pool + used, texts[i], len);
        key->user_off[i] = (uint16_t)used;
        key->user_len[i] = (uint16_t)len;
        used += len;
        key->n_user = i + 1;
    }
    if (abe_attr_set_count(&key->attrs) == 0) {
        abe_fail(err, ABE_ERR_ARGUMENT, ABE_NO_POS, "a key needs at least one attribute");
        return ABE_ERR_ARGUMENT;
    }
    return ABE_OK;
}

void abe_key_finish(abe_key_t *key)
{
    bls_g2_prepare(&key->sk3_prep, &key->sk3);
}

/* out[i] = H_A(s_i)^r for i in [from, to): the bulk of KeyGen (a hash and
 * a constant-time multiplication per string; numeric attributes expand to
 * dozens of strings, so it runs on two threads, see par.h). */
typedef struct {
    bls_g1_t *out;
    const abe_attr_set_t *s;
    const bls_fr_t *r;
} powers_job_t;

static int attr_powers(void *arg, size_t from, size_t to)
{
    powers_job_t *j = arg;
    bls_g1_t hy;
    for (size_t i = from; i < to; i++) {
        size_t len;
        const uint8_t *y = abe_attr_set_get(j->s, i, &len);
        int rc = abe_hash_attr(&hy, y, len);
        if (rc != ABE_OK)
            return rc;
        bls_g1_mul(&j->out[i], &hy, j->r);
    }
    return ABE_OK;
}

int abe_keygen(abe_key_t *key, const abe_mpk_t *mpk, const abe_msk_t *msk)
{
    bls_fr_t r;
    if (bls_fr_random_nonzero(&r) != 0)
        return ABE_ERR_RNG;
    int rc = abe_keygen_with(key, mpk, msk, &r);
    OPENSSL_cleanse(&r, sizeof r);
    return rc;
}

int abe_keygen_with(abe_key_t *key, const abe_mpk_t *mpk, const abe_msk_t *msk,
                    const bls_fr_t *r)
{
    const abe_params_t *pp = abe_params();
    if (key == NULL || mpk == NULL || msk == NULL || r == NULL)
        return ABE_ERR_ARGUMENT;
    uint64_t r_zero = bls_fr_is_zero(r);
    ROAM_DECLASSIFY(&r_zero, sizeof r_zero);   /* only "r = 0" is revealed */
    if (r_zero)
        return ABE_ERR_ARGUMENT;
    if (pp == NULL)
        return ABE_ERR_INTERNAL;
    size_t n = abe_attr_set_count(&key->attrs);
    if (n == 0 || n > ABE_ATTRS_MAX)
        return ABE_ERR_ARGUMENT;
    /* Points n..: sk2 for each attribute, then sk1 last. */
    bls_g1_t *pts = malloc((n + 1) * sizeof *pts);
    bls_g1_affine_t *aff = malloc((n + 1) * sizeof *aff);
    if (pts == NULL || aff == NULL) {
        free(pts);
        free(aff);
        return ABE_ERR_INTERNAL;
    }
    int rc = ABE_OK;
    bls_g1_t t;
    bls_g2_t sk3;
    powers_job_t job = {pts, &key->attrs, r};
    if ((rc = abe_par_for2(n, 8, attr_powers, &job)) != ABE_OK)
        goto out;
    bls_g1_fixed_base_mul(&pts[n], &pp->g_table, &msk->alpha);
    bls_g1_fixed_base_mul(&t, &pp->b_table, r);
    bls_g1_add(&pts[n], &pts[n], &t);
    if (abe_ct_g1_batch_to_affine(aff, pts, n + 1) != 0) {
        rc = ABE_ERR_INTERNAL;
        goto out;
    }
    memcpy(key->sk2, aff, n * sizeof *aff);
    key->sk1 = aff[n];
    bls_g2_fixed_base_mul(&sk3, &pp->h_table, r);
    bls_g2_to_affine(&key->sk3, &sk3);
    abe_key_finish(key);
    memcpy(key->mpk_id, mpk->id, sizeof key->mpk_id);
out:
    OPENSSL_cleanse(pts, (n + 1) * sizeof *pts);
    OPENSSL_cleanse(aff, (n + 1) * sizeof *aff);
    free(pts);
    free(aff);
    OPENSSL_cleanse(&t, sizeof t);
    OPENSSL_cleanse(&sk3, sizeof sk3);
    return rc;
}

long abe_key_find(const abe_key_t *key, const uint8_t *x, size_t len)
{
    /* Which attributes a key holds is known to its holder: plain search. */
    size_t n = abe_attr_set_count(&key->attrs);
    for (size_t i = 0; i < n; i++) {
        size_t l;
        const uint8_t *s = abe_attr_set_get(&key->attrs, i, &l);
        if (l == len && memcmp(s, x, len) == 0)
            return (long)i;
    }
    return -1;
}

void abe_msk_clear(abe_msk_t *msk)
{
    if (msk != NULL)
        OPENSSL_cleanse(msk, sizeof *msk);
}

void abe_key_clear(abe_key_t *key)
{
    if (key != NULL)
        OPENSSL_cleanse(key, sizeof *key);
}
