/* The KEM's re-encryption check (kem_check.h): recompute the ciphertext
 * from the re-derived coins in projective form, so that no coordinate that
 * depends on the secret coins is ever inverted, and compare in constant
 * time: ct1, ct2_t and ct' element by element, the rows either element by
 * element or, where it pays, by the batch equation of docs/spec/fabeo.md §11.5. */
#include "kem_check.h"

#include <stdlib.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ct_declassify.h"

/* The batch check needs the policy's fixed-base tables (for the public
 * sums below) and pays once the rows outweigh its fixed costs: about 6 rows
 * for the left side's multi-exponentiation and 1.4 rows per g1_mul by
 * s'_t, against 0.6 rows saved per row (callgrind and wall clock). */
static int use_batch(const fabeo_policy_t *pp)
{
    return pp->tables != NULL && pp->n1 >= 4u * pp->tau + 4u;
}

/* Batch check of the rows: with fresh random 128-bit c_i,
 *   sum_i [c_i] ct3_i
 *     = sum_t [s'_t](sum_{occ(i) = t} [c_i] H_A(rho(i))) + [sum_i c_i lambda_i] B.
 * Every ct3_i is in G1 (Decaps tested them), so a ciphertext with any wrong
 * row passes with probability at most 2^-128.  The left side and the inner
 * sums only involve public points and the public c_i (variable time); the
 * secret s'_t and shares meet g1_mul, B's fixed-base table and Fr
 * arithmetic only.  Two side items of the re-encryption (fabeo_side_t):
 * item 0 the left side, item 1 the right side. */
typedef struct {
    const fabeo_policy_t *pp;
    const fabeo_ct_t *ct;
    const fr_t *v, *sp;
    fr_t c[POL_MAX_LEAVES];
    g1_t side[2];
} batch_job_t;

static int batch_random(batch_job_t *j)
{
    uint8_t buf[16 * POL_MAX_LEAVES];
    size_t n = j->pp->n1;
    if (RAND_bytes(buf, (int)(16 * n)) != 1)
        return -1;
    for (size_t i = 0; i < n; i++) {
        uint64_t l[FR_LIMBS] = {0, 0, 0, 0};
        for (int b = 0; b < 16; b++)
            l[b / 8] |= (uint64_t)buf[16 * i + (size_t)b] << (8 * (b % 8));
        fr_from_canonical(&j->c[i], l);
    }
    return 0;
}

static int batch_right(batch_job_t *j)
{
    const fabeo_policy_t *pp = j->pp;
    g1_t x[POL_MAX_OCC], t, acc;
    fr_t mu = FR_ZERO, lambda, cl;
    int rc = 0;
    for (unsigned s = 0; s < pp->tau; s++)
        g1_set_identity(&x[s]);
    for (size_t i = 0; i < pp->n1; i++) {
        unsigned s = lsss_occ(&pp->lsss, i) - 1;
        g1_fixed_base_mul_vartime(&t, &pp->tables[pp->row_attr[i]], &j->c[i]);
        g1_add(&x[s], &x[s], &t);
        if (lsss_share(&pp->lsss, i, j->v, &lambda) != ABE_OK) {
            rc = -1;
            goto out;
        }
        fr_mul(&cl, &j->c[i], &lambda);
        fr_add(&mu, &mu, &cl);
    }
    g1_fixed_base_mul(&acc, &fabeo_params()->b_table, &mu);
    for (unsigned s = 0; s < pp->tau; s++) {
        g1_mul(&t, &x[s], &j->sp[s]);
        g1_add(&acc, &acc, &t);
    }
    j->side[1] = acc;
out:
    OPENSSL_cleanse(&mu, sizeof mu);
    OPENSSL_cleanse(&lambda, sizeof lambda);
    OPENSSL_cleanse(&cl, sizeof cl);
    OPENSSL_cleanse(&t, sizeof t);
    OPENSSL_cleanse(&acc, sizeof acc);
    return rc;
}

static int batch_sides(void *arg, size_t from, size_t to)
{
    batch_job_t *j = arg;
    for (size_t k = from; k < to; k++) {
        int rc = k == 0 ? g1_msm_vartime(&j->side[0], j->ct->ct3, j->c, j->pp->n1)
                        : batch_right(j);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* 1 (all compared components equal) or 0, with no early exit; the rows
 * only if with_rows. */
static uint64_t same_ct(const fabeo_ct_proj_t *re, const fabeo_ct_t *ct, int with_rows)
{
    uint64_t ok = 1;
    g2_t q;
    g1_t p;
    g2_from_affine(&q, &ct->ct1);
    ok &= g2_equal(&q, &re->ct1);
    for (unsigned t = 0; t < ct->tau; t++) {
        g2_from_affine(&q, &ct->ct2[t]);
        ok &= g2_equal(&q, &re->ct2[t]);
    }
    for (unsigned i = 0; with_rows && i < ct->n1; i++) {
        g1_from_affine(&p, &ct->ct3[i]);
        ok &= g1_equal(&p, &re->ct3[i]);
    }
    ok &= gt_equal(&re->ctp, &ct->ctp);
    return ok;
}

int kem_check_reencryption(const fabeo_mpk_t *mpk, const fabeo_policy_t *pp,
                           const fabeo_ct_t *ct, const gt_t *m, const fr_t *v, const fr_t *sp)
{
    if (mpk == NULL || pp == NULL || ct == NULL || ct->n1 != pp->n1 || ct->tau != pp->tau)
        return -1;
    fabeo_ct_proj_t *re = malloc(sizeof *re);
    batch_job_t *batch = use_batch(pp) ? malloc(sizeof *batch) : NULL;
    int rc = -1;
    uint64_t ok = 0;
    if (re == NULL || (use_batch(pp) && batch == NULL))
        goto out;
    fabeo_side_t side = {batch_sides, batch, 2};
    if (batch != NULL) {
        batch->pp = pp;
        batch->ct = ct;
        batch->v = v;
        batch->sp = sp;
        if (batch_random(batch) != 0)
            goto out;
    }
    if (fabeo_encrypt_proj_with(re, mpk, pp, m, v, sp, batch == NULL,
                                batch != NULL ? &side : NULL) != ABE_OK)
        goto out;
    rc = 0;
    ok = same_ct(re, ct, batch == NULL);
    if (batch != NULL)
        ok &= g1_equal(&batch->side[0], &batch->side[1]);
out:
    if (re != NULL)
        OPENSSL_cleanse(re, sizeof *re);
    if (batch != NULL)
        OPENSSL_cleanse(batch, sizeof *batch);
    free(re);
    free(batch);
    ROAM_DECLASSIFY(&ok, sizeof ok);   /* rejection is public */
    return rc == 0 ? (int)ok : rc;
}
