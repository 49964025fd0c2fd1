/* FABEO Encrypt (deterministic given its coins; on two threads, see
 * par.h) and Decrypt (one multi-pairing of 2 + tau pairs, one final
 * exponentiation), docs/spec/fabeo.md §9 and §10.  Secret values (coins, shares, key
 * components, P_t) only meet constant-time operations; branches depend on
 * the policy, the key's attribute set and the public coefficients gamma
 * only. */
#include "fabeo.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ct_affine.h"
#include "ct_declassify.h"
#include "par.h"

/* Side work for callers that have none (abe_side_t). */
static const abe_side_t no_side = {NULL, NULL, 0};

/* Encrypt is a list of independent exponentiations, shared between two
 * threads (par.h), the expensive ones first: the caller's side items, then
 * ct' = A^s m (a GT exponentiation, about 3.5 rows), then ct1 = h^s and
 * ct2_t = h^{s'_t} (G2, about 1.4 rows each), then the rows i,
 * ct3_i = H_A(rho(i))^{s'_occ(i)} B^{lambda_i}, unless they are skipped. */
typedef struct {
    abe_ct_proj_t *ct;
    const abe_mpk_t *mpk;
    const abe_prepared_t *pp;
    const bls_gt_t *m;
    const bls_fr_t *v, *sp;
    const abe_side_t *side;
} enc_job_t;

static int encrypt_row(const enc_job_t *j, size_t i)
{
    const abe_params_t *par = abe_params();
    const abe_prepared_t *pp = j->pp;
    const bls_fr_t *s_occ = &j->sp[abe_lsss_occ(&pp->lsss, i) - 1];
    unsigned a = pp->row_attr[i];
    bls_fr_t lambda;
    bls_g1_t hs, bl, base;
    int rc = ABE_OK;
    if (abe_lsss_share(&pp->lsss, i, j->v, &lambda) != ABE_OK) {
        rc = ABE_ERR_POLICY;
        goto out;
    }
    if (pp->tables != NULL) {
        bls_g1_fixed_base_mul(&hs, &pp->tables[a], s_occ);
    } else {
        bls_g1_from_affine(&base, &pp->h[a]);
        bls_g1_mul(&hs, &base, s_occ);
    }
    bls_g1_fixed_base_mul(&bl, &par->b_table, &lambda);
    bls_g1_add(&j->ct->ct3[i], &hs, &bl);
out:
    OPENSSL_cleanse(&lambda, sizeof lambda);
    OPENSSL_cleanse(&hs, sizeof hs);
    OPENSSL_cleanse(&bl, sizeof bl);
    return rc;
}

static int encrypt_items(void *arg, size_t from, size_t to)
{
    const enc_job_t *j = arg;
    const abe_params_t *par = abe_params();
    size_t tau = j->pp->tau;
    for (size_t item = from; item < to; item++) {
        size_t k = item - j->side->n;
        if (item < j->side->n) {
            if (j->side->fn(j->side->ctx, item, item + 1) != 0)
                return ABE_ERR_REJECTED;
        } else if (k == 0) {
            bls_gt_t as;
            bls_gt_fixed_base_pow(&as, &j->mpk->a_table, &j->v[0]);
            bls_gt_mul(&j->ct->ctp, &as, j->m);
            OPENSSL_cleanse(&as, sizeof as);
        } else if (k == 1) {
            bls_g2_fixed_base_mul(&j->ct->ct1, &par->h_table, &j->v[0]);
        } else if (k < tau + 2) {
            bls_g2_fixed_base_mul(&j->ct->ct2[k - 2], &par->h_table, &j->sp[k - 2]);
        } else {
            int rc = encrypt_row(j, k - tau - 2);
            if (rc != ABE_OK)
                return rc;
        }
    }
    return ABE_OK;
}

int abe_encrypt_proj(abe_ct_proj_t *ct, const abe_mpk_t *mpk, const abe_prepared_t *pp,
                     const bls_gt_t *m, const bls_fr_t *v, const bls_fr_t *sp)
{
    return abe_encrypt_proj_with(ct, mpk, pp, m, v, sp, 1, NULL);
}

int abe_encrypt_proj_with(abe_ct_proj_t *ct, const abe_mpk_t *mpk,
                          const abe_prepared_t *pp, const bls_gt_t *m, const bls_fr_t *v,
                          const bls_fr_t *sp, int with_rows, const abe_side_t *side)
{
    if (ct == NULL || mpk == NULL || pp == NULL || m == NULL || v == NULL || sp == NULL)
        return ABE_ERR_ARGUMENT;
    if (abe_params() == NULL)
        return ABE_ERR_INTERNAL;
    if (pp->n1 == 0 || pp->n1 > ABE_POL_MAX_LEAVES || pp->tau == 0 || pp->tau > ABE_POL_MAX_OCC)
        return ABE_ERR_ARGUMENT;
    ct->n1 = pp->n1;
    ct->tau = pp->tau;
    enc_job_t job = {ct, mpk, pp, m, v, sp, side != NULL ? side : &no_side};
    size_t n = job.side->n + 2u + pp->tau + (with_rows ? pp->n1 : 0u);
    return abe_par_for2(n, 4, encrypt_items, &job);
}

int abe_encrypt(abe_ct_t *ct, const abe_mpk_t *mpk, const abe_prepared_t *pp,
                const bls_gt_t *m, const bls_fr_t *v, const bls_fr_t *sp)
{
    if (ct == NULL)
        return ABE_ERR_ARGUMENT;
    abe_ct_proj_t *proj = malloc(sizeof *proj);
    if (proj == NULL)
        return ABE_ERR_INTERNAL;
    int rc = abe_encrypt_proj(proj, mpk, pp, m, v, sp);
    if (rc == ABE_OK) {
        /* The ciphertext is public: variable-time conversion is fine. */
        ROAM_DECLASSIFY(proj, sizeof *proj);
        ct->n1 = proj->n1;
        ct->tau = proj->tau;
        bls_g2_to_affine(&ct->ct1, &proj->ct1);
        bls_g2_batch_to_affine_vartime(ct->ct2, proj->ct2, proj->tau);
        bls_g1_batch_to_affine_vartime(ct->ct3, proj->ct3, proj->n1);
        ct->ctp = proj->ctp;
    }
    free(proj);
    return rc;
}

/* Decrypt's pairing on two threads (par.h): item 0 runs the pairs
 * (P_t, ct2_t), item 1 (sk1, ct1) next to the key's prepared pair (a
 * prepared pair costs about half a plain one, whose lines are computed on
 * the fly, so this balances the usual tau = 1 case best); the product of
 * the two partial loops is the joint loop, so only the shared squarings are
 * done twice.  Whichever thread finishes its half second also does the
 * final exponentiation, while the other one goes on with the side items
 * (k >= 2). */
typedef struct {
    const bls_g1_affine_t *p, *pp;
    const bls_g2_affine_t *q;
    const bls_g2_prepared_t *qp;
    size_t n;
    bls_fp12_t f[2];
    atomic_int halves_done;
    bls_gt_t z;   /* the pairing product */
    const abe_side_t *side;
} pairing_job_t;

static int pairing_items(void *arg, size_t from, size_t to)
{
    pairing_job_t *j = arg;
    for (size_t k = from; k < to; k++) {
        if (k >= 2) {
            if (j->side->fn(j->side->ctx, k - 2, k - 1) != 0)
                return ABE_ERR_REJECTED;
            continue;
        }
        if (k == 0)
            bls_miller_loop_mixed(&j->f[0], j->p + 1, j->q + 1, j->n - 1, NULL, NULL, 0);
        else
            bls_miller_loop_mixed(&j->f[1], j->p, j->q, 1, j->pp, j->qp, 1);
        /* acq_rel: the second finisher sees the other half's f. */
        if (atomic_fetch_add_explicit(&j->halves_done, 1, memory_order_acq_rel) == 1) {
            bls_fp12_t f;
            bls_fp12_mul(&f, &j->f[0], &j->f[1]);
            bls_final_exp(&j->z, &f);
            OPENSSL_cleanse(&f, sizeof f);
        }
    }
    return ABE_OK;
}

/* C = prod_{i in I} ct3_i^gamma_i (public inputs). */
static int combine_rows(bls_g1_t *c, const abe_ct_t *ct, const bls_fr_t *gamma, size_t n1)
{
    bls_g1_affine_t pts[ABE_POL_MAX_LEAVES];
    bls_fr_t sc[ABE_POL_MAX_LEAVES];
    size_t k = 0;
    int all_one = 1;
    for (size_t i = 0; i < n1; i++) {
        if (bls_fr_is_zero(&gamma[i]))
            continue;
        if (!bls_fr_equal(&gamma[i], &BLS_FR_ONE))
            all_one = 0;
        pts[k] = ct->ct3[i];
        sc[k++] = gamma[i];
    }
    if (all_one) {
        /* Pure AND/OR policies: coefficients are 0 or 1, additions only. */
        bls_g1_set_identity(c);
        for (size_t i = 0; i < k; i++)
            bls_g1_add_affine(c, c, &pts[i]);
        return ABE_OK;
    }
    return bls_g1_msm_vartime(c, pts, sc, k) == BLS_OK ? ABE_OK : ABE_ERR_INTERNAL;
}

int abe_decrypt(bls_gt_t *m, const abe_key_t *key, const abe_prepared_t *pp,
                const abe_ct_t *ct)
{
    return abe_decrypt_with(m, key, pp, ct, NULL);
}

int abe_decrypt_with(bls_gt_t *m, const abe_key_t *key, const abe_prepared_t *pp,
                     const abe_ct_t *ct, const abe_side_t *side)
{
    if (m == NULL || key == NULL || pp == NULL || ct == NULL)
        return ABE_ERR_ARGUMENT;
    if (ct->n1 != pp->n1 || ct->tau != pp->tau || pp->tau > ABE_POL_MAX_OCC)
        return ABE_ERR_ARGUMENT;
    bls_fr_t gamma[ABE_POL_MAX_LEAVES];
    if (abe_lsss_coefficients(&pp->lsss, &key->attrs, gamma) != ABE_OK)
        return ABE_ERR_NOT_SATISFIED;

    /* P_t = prod_{i in I, occ(i) = t} sk2_{rho(i)}^gamma_i: the bases are
     * secret, gamma is public.  Slot tau holds C^-1. */
    bls_g1_t acc[ABE_POL_MAX_OCC + 1], tmp, base;
    int used[ABE_POL_MAX_OCC] = {0};
    int rc = ABE_OK;
    for (unsigned t = 0; t <= pp->tau; t++)
        bls_g1_set_identity(&acc[t]);
    for (size_t i = 0; i < pp->n1; i++) {
        if (bls_fr_is_zero(&gamma[i]))
            continue;
        size_t len;
        const uint8_t *x = abe_lsss_rho(&pp->lsss, i, &len);
        long idx = abe_key_find(key, x, len);
        unsigned t = abe_lsss_occ(&pp->lsss, i) - 1;
        if (idx < 0 || t >= pp->tau) {
            rc = ABE_ERR_INTERNAL;   /* gamma_i != 0 only for held attributes */
            goto out;
        }
        if (bls_fr_equal(&gamma[i], &BLS_FR_ONE)) {
            bls_g1_add_affine(&acc[t], &acc[t], &key->sk2[idx]);
        } else {
            bls_g1_from_affine(&base, &key->sk2[idx]);
            bls_g1_mul(&tmp, &base, &gamma[i]);
            bls_g1_add(&acc[t], &acc[t], &tmp);
        }
        used[t] = 1;
    }
    if ((rc = combine_rows(&tmp, ct, gamma, pp->n1)) != ABE_OK)
        goto out;
    bls_g1_neg(&acc[pp->tau], &tmp);

    bls_g1_affine_t aff[ABE_POL_MAX_OCC + 1], p[ABE_POL_MAX_OCC + 1];
    bls_g2_affine_t q[ABE_POL_MAX_OCC + 1];
    if (abe_ct_g1_batch_to_affine(aff, acc, pp->tau + 1u) != 0) {
        rc = ABE_ERR_INTERNAL;
        goto out;
    }
    size_t n = 0;
    p[n] = key->sk1;
    q[n++] = ct->ct1;
    for (unsigned t = 0; t < pp->tau; t++) {
        if (!used[t])
            continue;   /* P_t = 1 contributes nothing (public: depends on gamma) */
        p[n] = aff[t];
        q[n++] = ct->ct2[t];
    }
    pairing_job_t job;   /* n >= 1: p[0] = sk1 */
    job.p = p;
    job.q = q;
    job.n = n;
    job.pp = &aff[pp->tau];
    job.qp = &key->sk3_prep;
    atomic_init(&job.halves_done, 0);
    job.side = side != NULL ? side : &no_side;
    if (abe_par_for2(2 + job.side->n, 2, pairing_items, &job) != ABE_OK) {
        rc = ABE_ERR_REJECTED;   /* only side items can fail */
    } else {
        bls_gt_inv(&job.z, &job.z);
        bls_gt_mul(m, &ct->ctp, &job.z);
    }
    OPENSSL_cleanse(aff, sizeof aff);
    OPENSSL_cleanse(p, sizeof p);
    OPENSSL_cleanse(&job, sizeof job);
out:
    OPENSSL_cleanse(acc, sizeof acc);
    OPENSSL_cleanse(&tmp, sizeof tmp);
    OPENSSL_cleanse(&base, sizeof base);
    return rc;
}
