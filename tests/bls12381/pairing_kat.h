/* Reader for tests/vectors/bls12381/pairing_kat.txt (written by
 * tests/oracle/pairing_kat.go from CIRCL), shared by the pairing, GT and
 * constant-time tests.  Points are rebuilt from their uncompressed
 * coordinates with the field API alone, so these tests do not depend on the
 * group or encoding code they are meant to cross-check. */
#ifndef ROAM_TESTS_PAIRING_KAT_H
#define ROAM_TESTS_PAIRING_KAT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal/pairing.h"

#define KAT_MAX_CASES 16

typedef struct {
    char name[32];
    bls_fr_t a, b;
    bls_g1_affine_t p;
    bls_g2_affine_t q;
    uint8_t p_compressed[BLS_G1_COMPRESSED_BYTES];
    uint8_t q_compressed[BLS_G2_COMPRESSED_BYTES];
    uint8_t gt[BLS_GT_BYTES];
} kat_case_t;

typedef struct {
    size_t n;
    kat_case_t c[KAT_MAX_CASES];
    uint8_t identity[BLS_GT_BYTES];
    uint8_t product[BLS_GT_BYTES];
} kat_t;

static int kat_hex(uint8_t *out, size_t len, const char *hex)
{
    size_t i;

    if (strlen(hex) != 2 * len)
        return -1;
    for (i = 0; i < len; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    return 0;
}

/* x || y for G1; x.c1 || x.c0 || y.c1 || y.c0 for G2 (ZCash, no flags set). */
static int kat_g1(bls_g1_affine_t *p, const uint8_t in[BLS_G1_UNCOMPRESSED_BYTES])
{
    p->infinity = 0;
    return bls_fp_from_bytes(&p->x, in) | bls_fp_from_bytes(&p->y, in + BLS_FP_BYTES);
}

static int kat_g2(bls_g2_affine_t *q, const uint8_t in[BLS_G2_UNCOMPRESSED_BYTES])
{
    q->infinity = 0;
    return bls_fp_from_bytes(&q->x.c1, in) | bls_fp_from_bytes(&q->x.c0, in + BLS_FP_BYTES) |
           bls_fp_from_bytes(&q->y.c1, in + 2 * BLS_FP_BYTES) | bls_fp_from_bytes(&q->y.c0, in + 3 * BLS_FP_BYTES);
}

/* 0 on success; every line must parse. */
static int kat_load(kat_t *k, const char *vectors_dir)
{
    char path[4096], line[4096], key[64], *val;
    uint8_t buf[BLS_G2_UNCOMPRESSED_BYTES];
    kat_case_t *c = NULL;
    int bad = 0;
    FILE *f;

    memset(k, 0, sizeof *k);
    snprintf(path, sizeof path, "%s/bls12381/pairing_kat.txt", vectors_dir);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '#' || line[0] == 0)
            continue;
        val = strchr(line, ' ');
        if (val == NULL || (size_t)(val - line) >= sizeof key) {
            bad = 1;
            break;
        }
        memcpy(key, line, (size_t)(val - line));
        key[val - line] = 0;
        val++;
        if (strcmp(key, "case") == 0) {
            if (k->n == KAT_MAX_CASES) {
                bad = 1;
                break;
            }
            c = &k->c[k->n++];
            snprintf(c->name, sizeof c->name, "%s", val);
        } else if (strcmp(key, "identity") == 0) {
            bad |= kat_hex(k->identity, BLS_GT_BYTES, val);
        } else if (strcmp(key, "product") == 0) {
            bad |= kat_hex(k->product, BLS_GT_BYTES, val);
        } else if (c == NULL) {
            bad = 1;
        } else if (strcmp(key, "a") == 0 || strcmp(key, "b") == 0) {
            bad |= kat_hex(buf, BLS_FR_BYTES, val);
            bad |= bls_fr_from_bytes(key[0] == 'a' ? &c->a : &c->b, buf) != BLS_OK;
        } else if (strcmp(key, "p_compressed") == 0) {
            bad |= kat_hex(c->p_compressed, BLS_G1_COMPRESSED_BYTES, val);
        } else if (strcmp(key, "q_compressed") == 0) {
            bad |= kat_hex(c->q_compressed, BLS_G2_COMPRESSED_BYTES, val);
        } else if (strcmp(key, "p_uncompressed") == 0) {
            bad |= kat_hex(buf, BLS_G1_UNCOMPRESSED_BYTES, val);
            bad |= kat_g1(&c->p, buf) != BLS_OK;
        } else if (strcmp(key, "q_uncompressed") == 0) {
            bad |= kat_hex(buf, BLS_G2_UNCOMPRESSED_BYTES, val);
            bad |= kat_g2(&c->q, buf) != BLS_OK;
        } else if (strcmp(key, "gt") == 0) {
            bad |= kat_hex(c->gt, BLS_GT_BYTES, val);
        } else {
            bad = 1;
        }
    }
    fclose(f);
    return bad || k->n == 0 ? -1 : 0;
}

/* The first case is e(G1, G2) by construction of the oracle. */
static const kat_case_t *kat_generators(const kat_t *k)
{
    size_t i;

    for (i = 0; i < k->n; i++)
        if (strcmp(k->c[i].name, "generators") == 0)
            return &k->c[i];
    return NULL;
}

#endif
