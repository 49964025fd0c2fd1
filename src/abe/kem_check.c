/* The KEM's re-encryption check (kem_check.h): recompute the ciphertext
 * from the re-derived coins in projective form, so that no coordinate that
 * depends on the secret coins is ever inverted, and compare element by
 * element in constant time. */
#include "kem_check.h"

#include <stdlib.h>

#include <openssl/crypto.h>

#include "ct_declassify.h"

/* 1 (all components equal) or 0, with no early exit. */
static uint64_t same_ct(const fabeo_ct_proj_t *re, const fabeo_ct_t *ct)
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
    for (unsigned i = 0; i < ct->n1; i++) {
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
    if (re == NULL)
        return -1;
    int rc = fabeo_encrypt_proj(re, mpk, pp, m, v, sp) == FABEO_OK ? 0 : -1;
    uint64_t ok = rc == 0 ? same_ct(re, ct) : 0;
    OPENSSL_cleanse(re, sizeof *re);
    free(re);
    ROAM_DECLASSIFY(&ok, sizeof ok);   /* rejection is public */
    return rc == 0 ? (int)ok : rc;
}
