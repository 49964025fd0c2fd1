/* FABEO's fixed public parameters (g, h, B, E = e(g, h)) with their
 * fixed-base tables, built once per process, and the attribute hash H_A
 * (docs/spec/fabeo.md §3). */
#include "fabeo_params.h"

#include <pthread.h>
#include <string.h>

#include "abe.h"
#include "bls12381.h"

static abe_params_t params;
static int params_ok;
static pthread_once_t params_once = PTHREAD_ONCE_INIT;

static const uint8_t dst_h[] = ABE_DST_H;
#define DST_H_LEN (sizeof dst_h - 1)

int abe_hash_attr(bls_g1_t *out, const uint8_t *x, size_t len)
{
    /* 0x01 || I2OSP(len, 2) || x: the length prefix keeps the encoding
     * injective, the tag byte separates it from B's input. */
    uint8_t buf[3 + ABE_POL_MAX_ATTR];
    if (out == NULL || x == NULL || len == 0 || len > ABE_POL_MAX_ATTR)
        return ABE_ERR_ARGUMENT;
    buf[0] = 0x01;
    buf[1] = (uint8_t)(len >> 8);
    buf[2] = (uint8_t)len;
    memcpy(buf + 3, x, len);
    return bls_g1_hash_to_curve(out, buf, 3 + len, dst_h, DST_H_LEN) == BLS_OK
               ? ABE_OK : ABE_ERR_INTERNAL;
}

static void params_init(void)
{
    static const uint8_t b_input[] = "\x03" "FABEO-B";
    bls_g1_t b, g;
    bls_g2_t h;
    if (bls_g1_hash_to_curve(&b, b_input, sizeof b_input - 1, dst_h, DST_H_LEN) != BLS_OK)
        return;
    bls_g1_to_affine(&params.b, &b);
    bls_g1_fixed_base_init(&params.b_table, &b);
    bls_g1_generator(&g);
    bls_g1_fixed_base_init(&params.g_table, &g);
    bls_g2_generator(&h);
    bls_g2_fixed_base_init(&params.h_table, &h);
    bls_pairing(&params.e, &BLS_G1_GENERATOR_AFFINE, &BLS_G2_GENERATOR_AFFINE);
    bls_gt_fixed_base_init(&params.e_table, &params.e);
    params_ok = 1;
}

const abe_params_t *abe_params(void)
{
    if (pthread_once(&params_once, params_init) != 0)
        return NULL;
    return params_ok ? &params : NULL;
}
