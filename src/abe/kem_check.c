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
 * for the left side's multi-exponentiation and 1.4 rows per bls_g1_mul by
 * s'_t, against 0.6 rows saved per row (callgrind and wall clock). */
static int use_batch(const abe_prepared_t *pp)
{
    return pp->tables != NULL && pp->n1 >= 4u * pp->tau + 4u;
}

/* Batch check of the rows: with fresh random 128-bit c_i,
 *   sum_i [c_i] ct3_i
 *     = sum_t [s'_t](sum_{occ(i) = t} [c_i] H_A(rho(i))) + [sum_i c_i lambda_i] B.
 * Every ct3_i is in G1 (Decaps tested them), so a ciphertext with any wrong
 * row passes with probability at most 2^-128.  The left side and the inner
 * sums only involve public points and the public c_i (variable time); the
 * secret s'_t and shares meet bls_g1_mul, B's fixed-base table and Fr
 * arithmetic only.  Two side items of the re-encryption (abe_side_t):
 * item 0 the left side, item 1 the right side. */
typedef struct {
    const abe_prepared_t *pp;
    const abe_ct_t *ct;
    const bls_fr_t *v, *sp;
    bls_fr_t c[ABE_POL_MAX_LEAVES];
    bls_g1_t side[2];
} batch_job_t;

static int batch_random(batch_job_t *j)
{
    uint8_t buf[16 * ABE_POL_MAX_LEAVES];
    size_t n = j->pp->n1;
    if (RAND_bytes(buf, (int)(16 * n)) != 1)
        return -1;
    for (size_t i = 0; i < n; i++) {
        uint64_t l[BLS_FR_LIMBS] = {0, 0, 0, 0};
        for (int b = 0; b < 16; b++)
            l[b / 8] |= (uint64_t)buf[16 * i + (size_t)b] << (8 * (b % 8));
        bls_fr_from_canonical(&j->c[i], l);
    }
    return 0;
}

static int batch_right(batch_job_t *j)
{
    const abe_prepared_t *pp = j->pp;
    bls_g1_t x[ABE_POL_MAX_OCC], t, acc;
    bls_fr_t mu = BLS_FR_ZERO, lambda, cl;
    int rc = 0;
    for (unsigned s = 0; s < pp->tau; s++)
        bls_g1_set_identity(&x[s]);
    for (size_t i = 0; i < pp->n1; i++) {
        unsigned s = abe_lsss_occ(&pp->lsss, i) - 1;
        bls_g1_fixed_base_mul_vartime(&t, &pp->tables[pp->row_attr[i]], &j->c[i]);
        bls_g1_add(&x[s], &x[s], &t);
        if (abe_lsss_share(&pp->lsss, i, j->v, &lambda) != ABE_OK) {
            rc = -1;
            goto out;
        }
        bls_fr_mul(&cl, &j->c[i], &lambda);
        bls_fr_add(&mu, &mu, &cl);
    }
    bls_g1_fixed_base_mul(&acc, &abe_params()->b_table, &mu);
    for (unsigned s = 0; s < pp->tau; s++) {
        bls_g1_mul(&t, &x[s], &j->sp[s]);
        bls_g1_add(&acc, &acc, &t);
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
        int rc = k == 0 ? bls_g1_msm_vartime(&j->side[0], j->ct->ct3, j->c, j->pp->n1)
                        : batch_right(j);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* 1 (all compared components equal) or 0, with no early exit; the rows
 * only if with_rows. */
static uint64_t same_ct(const abe_ct_proj_t *re, const abe_ct_t *ct, int with_rows)
{
    uint64_t ok = 1;
    bls_g2_t q;
    bls_g1_t p;
    bls_g2_from_affine(&q, &ct->ct1);
    ok &= bls_g2_equal(&q, &re->ct1);
    for (unsigned t = 0; t < ct->tau; t++) {
        bls_g2_from_affine(&q, &ct->ct2[t]);
        ok &= bls_g2_equal(&q, &re->ct2[t]);
    }
    for (unsigned i = 0; with_rows && i < ct->n1; i++) {
        bls_g1_from_affine(&p, &ct->ct3[i]);
        ok &= bls_g1_equal(&p, &re->ct3[i]);
    }
    ok &= bls_gt_equal(&re->ctp, &ct->ctp);
    return ok;
}

int abe_kem_check_reencryption(const abe_mpk_t *mpk, const abe_prepared_t *pp,
                               const abe_ct_t *ct, const bls_gt_t *m, const bls_fr_t *v, const bls_fr_t *sp)
{
    if (mpk == NULL || pp == NULL || ct == NULL || ct->n1 != pp->n1 || ct->tau != pp->tau)
        return -1;
    abe_ct_proj_t *re = malloc(sizeof *re);
    batch_job_t *batch = use_batch(pp) ? malloc(sizeof *batch) : NULL;
    int rc = -1;
    uint64_t ok = 0;
    if (re == NULL || (use_batch(pp) && batch == NULL))
        goto out;
    abe_side_t side = {batch_sides, batch, 2};
    if (batch != NULL) {
        batch->pp = pp;
        batch->ct = ct;
        batch->v = v;
        batch->sp = sp;
        if (batch_random(batch) != 0)
            goto out;
    }
    if (abe_encrypt_proj_with(re, mpk, pp, m, v, sp, batch == NULL,
                              batch != NULL ? &side : NULL) != ABE_OK)
        goto out;
    rc = 0;
    ok = same_ct(re, ct, batch == NULL);
    if (batch != NULL)
        ok &= bls_g1_equal(&batch->side[0], &batch->side[1]);
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
