/* Constant-time batch affine conversion for secret G1 points (see
 * ct_affine.h).  Montgomery's trick: prefix products of the Z coordinates
 * (an identity's Z = 0 replaced by 1 with a cmov), one inversion, then
 * unwinding.  The scratch buffer holds secret-dependent values and is
 * cleansed before it is freed. */
#include "ct_affine.h"

#include <stdlib.h>

#include <openssl/crypto.h>

int abe_ct_g1_batch_to_affine(bls_g1_affine_t *r, const bls_g1_t *p, size_t n)
{
    if (n == 0)
        return 0;
    bls_fp_t *prefix = malloc(n * sizeof *prefix);
    if (prefix == NULL)
        return -1;
    bls_fp_t one, acc, inv, z, zinv;
    bls_fp_from_u64(&one, 1);
    acc = one;
    for (size_t i = 0; i < n; i++) {
        z = p[i].z;
        bls_fp_cmov(&z, &one, bls_fp_is_zero(&p[i].z));
        bls_fp_mul(&acc, &acc, &z);
        prefix[i] = acc;
    }
    bls_fp_inv(&inv, &acc);
    for (size_t i = n; i-- > 0;) {
        /* inv = 1 / (z_0 ... z_i) here. */
        if (i > 0)
            bls_fp_mul(&zinv, &inv, &prefix[i - 1]);
        else
            zinv = inv;
        z = p[i].z;
        uint64_t is_inf = bls_fp_is_zero(&p[i].z);
        bls_fp_cmov(&z, &one, is_inf);
        bls_fp_mul(&inv, &inv, &z);
        bls_g1_affine_t a;
        bls_fp_mul(&a.x, &p[i].x, &zinv);
        bls_fp_mul(&a.y, &p[i].y, &zinv);
        bls_fp_t zero;
        bls_fp_from_u64(&zero, 0);
        bls_fp_cmov(&a.x, &zero, is_inf);
        bls_fp_cmov(&a.y, &zero, is_inf);
        a.infinity = is_inf;
        r[i] = a;
        OPENSSL_cleanse(&a, sizeof a);
    }
    OPENSSL_cleanse(prefix, n * sizeof *prefix);
    OPENSSL_cleanse(&acc, sizeof acc);
    OPENSSL_cleanse(&inv, sizeof inv);
    OPENSSL_cleanse(&zinv, sizeof zinv);
    OPENSSL_cleanse(&z, sizeof z);
    free(prefix);
    return 0;
}
