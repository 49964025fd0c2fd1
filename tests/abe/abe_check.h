/* Shared checks for the abe tests: build policies and key sets from text,
 * and verify decryption coefficients independently of the code under test
 * (sum gamma_i M_i = e1, gamma zero off the key, and e1 in the span of the
 * held rows by Gaussian elimination over Z_r). */
#ifndef ROAM_TESTS_ABE_CHECK_H
#define ROAM_TESTS_ABE_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "attrs.h"
#include "lsss.h"
#include "policy.h"
#include "bls12381.h"

static inline abe_policy_t *chk_policy_new(void)
{
    abe_policy_t *p = malloc(sizeof *p);
    if (p == NULL)
        abort();
    return p;
}

static inline abe_attr_set_t *chk_set_new(void)
{
    abe_attr_set_t *s = malloc(sizeof *s);
    if (s == NULL)
        abort();
    abe_attr_set_init(s);
    return s;
}

static inline abe_lsss_t *chk_lsss_new(void)
{
    abe_lsss_t *l = malloc(sizeof *l);
    if (l == NULL)
        abort();
    return l;
}

/* Rank of the h x n matrix a (row-major, destroyed) over Z_r. */
static inline unsigned chk_rank(bls_fr_t *a, unsigned h, unsigned n)
{
    unsigned rank = 0;
    for (unsigned col = 0; col < n && rank < h; col++) {
        unsigned piv = rank;
        while (piv < h && bls_fr_is_zero(&a[piv * n + col]))
            piv++;
        if (piv == h)
            continue;
        for (unsigned c = 0; c < n; c++) {
            bls_fr_t t = a[piv * n + c];
            a[piv * n + c] = a[rank * n + c];
            a[rank * n + c] = t;
        }
        bls_fr_t inv;
        bls_fr_inv_vartime(&inv, &a[rank * n + col]);
        for (unsigned r = 0; r < h; r++) {
            if (r == rank || bls_fr_is_zero(&a[r * n + col]))
                continue;
            bls_fr_t f;
            bls_fr_mul(&f, &a[r * n + col], &inv);
            for (unsigned c = 0; c < n; c++) {
                bls_fr_t t;
                bls_fr_mul(&t, &f, &a[rank * n + c]);
                bls_fr_sub(&a[r * n + c], &a[r * n + c], &t);
            }
        }
        rank++;
    }
    return rank;
}

/* 1 if e1 lies in the span of the rows of l whose attribute s holds. */
static inline int chk_span_has_e1(const abe_lsss_t *l, const abe_attr_set_t *s)
{
    unsigned n = l->cols, h = 0;
    bls_fr_t *a = calloc(((size_t)l->rows + 1) * n, sizeof *a);
    bls_fr_t *b = calloc(((size_t)l->rows + 1) * n, sizeof *b);
    if (a == NULL || b == NULL)
        abort();
    for (unsigned i = 0; i < l->rows; i++) {
        size_t len;
        const uint8_t *x = abe_lsss_rho(l, i, &len);
        if (!abe_attr_set_contains(s, x, len))
            continue;
        abe_lsss_row(l, i, &a[h * n]);
        h++;
    }
    memcpy(b, a, (size_t)h * n * sizeof *a);
    for (unsigned c = 0; c < n; c++)
        b[h * n + c] = c == 0 ? BLS_FR_ONE : BLS_FR_ZERO;
    unsigned r1 = chk_rank(a, h, n), r2 = chk_rank(b, h + 1, n);
    free(a);
    free(b);
    return r1 == r2;
}

/* Runs abe_lsss_coefficients and verifies its answer.  Returns 1 if the key is
 * accepted (coefficients verified), 0 if refused, -1 if the coefficients
 * returned are wrong. */
static inline int chk_coefficients(const abe_lsss_t *l, const abe_attr_set_t *s)
{
    bls_fr_t *gamma = calloc(l->rows ? l->rows : 1, sizeof *gamma);
    bls_fr_t *sum = calloc(l->cols, sizeof *sum);
    bls_fr_t *row = calloc(l->cols, sizeof *row);
    if (gamma == NULL || sum == NULL || row == NULL)
        abort();
    int rc = abe_lsss_coefficients(l, s, gamma), result = 0;
    if (rc == ABE_OK) {
        result = 1;
        for (unsigned c = 0; c < l->cols; c++)
            sum[c] = BLS_FR_ZERO;
        for (unsigned i = 0; i < l->rows; i++) {
            size_t len;
            const uint8_t *x = abe_lsss_rho(l, i, &len);
            if (!abe_attr_set_contains(s, x, len) && !bls_fr_is_zero(&gamma[i]))
                result = -1;
            abe_lsss_row(l, i, row);
            for (unsigned c = 0; c < l->cols; c++) {
                bls_fr_t t;
                bls_fr_mul(&t, &gamma[i], &row[c]);
                bls_fr_add(&sum[c], &sum[c], &t);
            }
        }
        for (unsigned c = 0; c < l->cols; c++)
            if (!bls_fr_equal(&sum[c], c == 0 ? &BLS_FR_ONE : &BLS_FR_ZERO))
                result = -1;
    } else if (rc != ABE_ERR_NOT_SATISFIED) {
        result = -1;
    } else {
        for (unsigned i = 0; i < l->rows; i++)
            if (!bls_fr_is_zero(&gamma[i]))
                result = -1;
    }
    free(gamma);
    free(sum);
    free(row);
    return result;
}

#endif
