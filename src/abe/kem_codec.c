/* ser(CT) of docs/spec/fabeo.md §12.5: encoder and strict decoder.  Every decoded
 * point is subgroup-checked and the identity is refused (honest ciphertexts
 * contain it with probability about 2^-255); tau and n1 must equal the
 * policy's values; nothing may follow ser_GT(ct'). */
#include "kem.h"

#include <string.h>

#include "bytebuf.h"
#include "bls12381.h"
#include "par.h"

size_t abe_kem_ct_size(const abe_prepared_t *pp)
{
    return 1 + 4 + pp->enc_len + 1 + (size_t)BLS_G2_COMPRESSED_BYTES * (1u + pp->tau) + 2 +
           (size_t)BLS_G1_COMPRESSED_BYTES * pp->n1 + BLS_GT_BYTES;
}

int abe_kem_ct_policy(const uint8_t *ct, size_t len, const uint8_t **pol, size_t *pol_len)
{
    struct roam_rbuf r;
    uint8_t version;
    uint32_t pl;
    const uint8_t *p;
    if (ct == NULL || pol == NULL || pol_len == NULL)
        return ABE_ERR_FORMAT;
    roam_rbuf_init(&r, ct, len);
    if (roam_rbuf_u8(&r, &version) < 0 || roam_rbuf_u32be(&r, &pl) < 0 ||
        version != ABE_KEM_CT_VERSION || pl == 0 || pl > ABE_POL_MAX_ENCODED ||
        (p = roam_rbuf_take(&r, pl)) == NULL)
        return ABE_ERR_FORMAT;
    *pol = p;
    *pol_len = pl;
    return ABE_OK;
}

/* Decoding is dominated by decompression and subgroup checks, which are
 * independent per element (the ciphertext is public, so the variable-time
 * subgroup tests apply): they run as one item list on two threads
 * (par.h).  Item 0 is ct' (GT), items 1..tau+1 are ct1 and ct2_t (G2),
 * item tau + 2 + i is ct3_i (G1). */
typedef struct {
    abe_ct_t *out;
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
            rc = bls_gt_from_bytes(&j->out->ctp, j->gt, BLS_GT_BYTES);
        else if (k < tau + 2)
            rc = bls_g2_from_bytes_vartime(k == 1 ? &j->out->ct1 : &j->out->ct2[k - 2],
                               j->g2 + BLS_G2_COMPRESSED_BYTES * (k - 1), BLS_G2_COMPRESSED_BYTES, 0);
        else
            rc = (j->defer_rows ? bls_g1_from_bytes_on_curve : bls_g1_from_bytes_vartime)(
                &j->out->ct3[k - tau - 2], j->g1 + BLS_G1_COMPRESSED_BYTES * (k - tau - 2),
                BLS_G1_COMPRESSED_BYTES, 0);
        if (rc != BLS_OK)
            return ABE_ERR_FORMAT;
    }
    return ABE_OK;
}

static int decode_ct(abe_ct_t *out, const uint8_t *ct, size_t len, const abe_prepared_t *pp,
                     int defer_rows)
{
    const uint8_t *pol;
    size_t pl;
    if (out == NULL || pp == NULL || abe_kem_ct_policy(ct, len, &pol, &pl) != ABE_OK)
        return ABE_ERR_FORMAT;
    /* The policy must be the one prepared, and the length exactly what it
     * implies, before any element is looked at. */
    if (pl != pp->enc_len || memcmp(pol, pp->enc, pl) != 0 || len != abe_kem_ct_size(pp))
        return ABE_ERR_FORMAT;
    struct roam_rbuf r;
    uint8_t tau;
    uint16_t n1;
    roam_rbuf_init(&r, ct, len);
    roam_rbuf_skip(&r, 1 + 4 + pl);
    if (roam_rbuf_u8(&r, &tau) < 0 || tau != pp->tau)
        return ABE_ERR_FORMAT;
    dec_job_t job = {out, NULL, NULL, NULL, defer_rows};
    job.g2 = roam_rbuf_take(&r, (size_t)BLS_G2_COMPRESSED_BYTES * (1u + pp->tau));
    if (roam_rbuf_u16be(&r, &n1) < 0 || n1 != pp->n1)
        return ABE_ERR_FORMAT;
    job.g1 = roam_rbuf_take(&r, (size_t)BLS_G1_COMPRESSED_BYTES * pp->n1);
    job.gt = roam_rbuf_take(&r, BLS_GT_BYTES);
    if (roam_rbuf_done(&r) < 0)
        return ABE_ERR_FORMAT;
    out->tau = pp->tau;
    out->n1 = pp->n1;
    return abe_par_for2(2u + pp->tau + pp->n1, 8, decode_items, &job) == ABE_OK ? ABE_OK
                                                                           : ABE_ERR_FORMAT;
}

int abe_kem_ct_decode(abe_ct_t *out, const uint8_t *ct, size_t len, const abe_prepared_t *pp)
{
    return decode_ct(out, ct, len, pp, 0);
}

int abe_kem_ct_decode_defer_rows(abe_ct_t *out, const uint8_t *ct, size_t len,
                                 const abe_prepared_t *pp)
{
    return decode_ct(out, ct, len, pp, 1);
}

int abe_kem_ct_row_in_subgroup(const abe_ct_t *ct, size_t i)
{
    bls_g1_t p;
    if (ct == NULL || i >= ct->n1)
        return 0;
    bls_g1_from_affine(&p, &ct->ct3[i]);
    return (int)bls_g1_is_in_subgroup_vartime(&p);
}

int abe_kem_ct_encode(uint8_t *out, size_t cap, size_t *len, const abe_ct_t *ct,
                      const abe_prepared_t *pp)
{
    if (out == NULL || len == NULL || ct == NULL || pp == NULL)
        return ABE_ERR_ARGUMENT;
    size_t need = abe_kem_ct_size(pp);
    if (cap < need || ct->n1 != pp->n1 || ct->tau != pp->tau)
        return ABE_ERR_ARGUMENT;
    /* The writer holds exactly abe_kem_ct_size(pp) bytes, so every reservation
     * below succeeds. */
    struct roam_wbuf w;
    roam_wbuf_init(&w, out, need);
    roam_wbuf_u8(&w, ABE_KEM_CT_VERSION);
    roam_wbuf_u32be(&w, (uint32_t)pp->enc_len);
    roam_wbuf_bytes(&w, pp->enc, pp->enc_len);
    roam_wbuf_u8(&w, (uint8_t)pp->tau);
    bls_g2_to_compressed(roam_wbuf_reserve(&w, BLS_G2_COMPRESSED_BYTES), &ct->ct1);
    for (unsigned t = 0; t < pp->tau; t++)
        bls_g2_to_compressed(roam_wbuf_reserve(&w, BLS_G2_COMPRESSED_BYTES), &ct->ct2[t]);
    roam_wbuf_u16be(&w, (uint16_t)pp->n1);
    for (unsigned i = 0; i < pp->n1; i++)
        bls_g1_to_compressed(roam_wbuf_reserve(&w, BLS_G1_COMPRESSED_BYTES), &ct->ct3[i]);
    bls_gt_to_bytes(roam_wbuf_reserve(&w, BLS_GT_BYTES), &ct->ctp);
    *len = w.len;
    return ABE_OK;
}
