/* ser(CT) of FABEO.md section 4: encoder and strict decoder.  Every decoded
 * point is subgroup-checked and the identity is refused (honest ciphertexts
 * contain it with probability about 2^-255); tau and n1 must equal the
 * policy's values; nothing may follow ser_GT(ct'). */
#include "kem.h"

#include <string.h>

#include "encoding.h"
#include "par.h"

size_t kem_ct_size(const fabeo_policy_t *pp)
{
    return 1 + 4 + pp->enc_len + 1 + (size_t)G2_COMPRESSED_BYTES * (1u + pp->tau) + 2 +
           (size_t)G1_COMPRESSED_BYTES * pp->n1 + GT_BYTES;
}

int kem_ct_policy(const uint8_t *ct, size_t len, const uint8_t **pol, size_t *pol_len)
{
    if (ct == NULL || pol == NULL || pol_len == NULL || len < 5 || ct[0] != KEM_CT_VERSION)
        return ABE_ERR_FORMAT;
    size_t pl = (size_t)ct[1] << 24 | (size_t)ct[2] << 16 | (size_t)ct[3] << 8 | ct[4];
    if (pl == 0 || pl > POL_MAX_ENCODED || pl > len - 5)
        return ABE_ERR_FORMAT;
    *pol = ct + 5;
    *pol_len = pl;
    return ABE_OK;
}

/* Decoding is dominated by decompression and subgroup checks, which are
 * independent per element (the ciphertext is public, so the variable-time
 * subgroup tests apply): they run as one item list on two threads
 * (par.h).  Item 0 is ct' (GT), items 1..tau+1 are ct1 and ct2_t (G2),
 * item tau + 2 + i is ct3_i (G1). */
typedef struct {
    fabeo_ct_t *out;
    const uint8_t *gt, *g2, *g1;   /* ser_GT(ct'), ct1 || ct2_.., ct3_1 || .. */
    int defer_rows;                /* ct3_i: no subgroup test */
} dec_job_t;

static int decode_items(void *arg, size_t from, size_t to)
{
    const dec_job_t *j = arg;
    size_t tau = j->out->tau;
    for (size_t k = from; k < to; k++) {
        int rc;
        if (k == 0)
            rc = gt_from_bytes(&j->out->ctp, j->gt, GT_BYTES);
        else if (k < tau + 2)
            rc = g2_from_bytes_vartime(k == 1 ? &j->out->ct1 : &j->out->ct2[k - 2],
                               j->g2 + G2_COMPRESSED_BYTES * (k - 1), G2_COMPRESSED_BYTES, 0);
        else
            rc = (j->defer_rows ? g1_from_bytes_on_curve : g1_from_bytes_vartime)(
                &j->out->ct3[k - tau - 2], j->g1 + G1_COMPRESSED_BYTES * (k - tau - 2),
                G1_COMPRESSED_BYTES, 0);
        if (rc != BLS_OK)
            return ABE_ERR_FORMAT;
    }
    return ABE_OK;
}

static int decode_ct(fabeo_ct_t *out, const uint8_t *ct, size_t len, const fabeo_policy_t *pp,
                     int defer_rows)
{
    const uint8_t *pol;
    size_t pl;
    if (out == NULL || pp == NULL || kem_ct_policy(ct, len, &pol, &pl) != ABE_OK)
        return ABE_ERR_FORMAT;
    /* Exact length first: every offset below is then in bounds. */
    if (pl != pp->enc_len || memcmp(pol, pp->enc, pl) != 0 || len != kem_ct_size(pp))
        return ABE_ERR_FORMAT;
    const uint8_t *p = pol + pl;
    if (*p++ != pp->tau)
        return ABE_ERR_FORMAT;
    dec_job_t job = {out, NULL, p, NULL, defer_rows};
    p += (size_t)G2_COMPRESSED_BYTES * (1u + pp->tau);
    if (((size_t)p[0] << 8 | p[1]) != pp->n1)
        return ABE_ERR_FORMAT;
    p += 2;
    job.g1 = p;
    p += (size_t)G1_COMPRESSED_BYTES * pp->n1;
    job.gt = p;
    if (p + GT_BYTES != ct + len)
        return ABE_ERR_FORMAT;
    out->tau = pp->tau;
    out->n1 = pp->n1;
    return par_for2(2u + pp->tau + pp->n1, 8, decode_items, &job) == ABE_OK ? ABE_OK
                                                                           : ABE_ERR_FORMAT;
}

int kem_ct_decode(fabeo_ct_t *out, const uint8_t *ct, size_t len, const fabeo_policy_t *pp)
{
    return decode_ct(out, ct, len, pp, 0);
}

int kem_ct_decode_defer_rows(fabeo_ct_t *out, const uint8_t *ct, size_t len,
                             const fabeo_policy_t *pp)
{
    return decode_ct(out, ct, len, pp, 1);
}

int kem_ct_row_in_subgroup(const fabeo_ct_t *ct, size_t i)
{
    g1_t p;
    if (ct == NULL || i >= ct->n1)
        return 0;
    g1_from_affine(&p, &ct->ct3[i]);
    return (int)g1_is_in_subgroup_vartime(&p);
}

int kem_ct_encode(uint8_t *out, size_t cap, size_t *len, const fabeo_ct_t *ct,
                  const fabeo_policy_t *pp)
{
    if (out == NULL || len == NULL || ct == NULL || pp == NULL)
        return ABE_ERR_ARGUMENT;
    size_t need = kem_ct_size(pp);
    if (cap < need || ct->n1 != pp->n1 || ct->tau != pp->tau)
        return ABE_ERR_ARGUMENT;
    uint8_t *p = out;
    *p++ = KEM_CT_VERSION;
    *p++ = (uint8_t)(pp->enc_len >> 24);
    *p++ = (uint8_t)(pp->enc_len >> 16);
    *p++ = (uint8_t)(pp->enc_len >> 8);
    *p++ = (uint8_t)pp->enc_len;
    memcpy(p, pp->enc, pp->enc_len);
    p += pp->enc_len;
    *p++ = (uint8_t)pp->tau;
    g2_to_compressed(p, &ct->ct1);
    p += G2_COMPRESSED_BYTES;
    for (unsigned t = 0; t < pp->tau; t++, p += G2_COMPRESSED_BYTES)
        g2_to_compressed(p, &ct->ct2[t]);
    *p++ = (uint8_t)(pp->n1 >> 8);
    *p++ = (uint8_t)pp->n1;
    for (unsigned i = 0; i < pp->n1; i++, p += G1_COMPRESSED_BYTES)
        g1_to_compressed(p, &ct->ct3[i]);
    gt_to_bytes(p, &ct->ctp);
    p += GT_BYTES;
    *len = (size_t)(p - out);
    return ABE_OK;
}
