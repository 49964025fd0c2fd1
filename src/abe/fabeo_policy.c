/* Prepared policies (fabeo.h): compile once, hash each distinct attribute
 * string once, and optionally build its fixed-base table, so a daemon that
 * encapsulates under the same policy again and again pays this set-up once.
 * All inputs here are public. */
#include "fabeo.h"

#include <stdlib.h>
#include <string.h>

#include "par.h"

/* Hashing and table building per distinct string are independent: they
 * run on two threads (par.h). */
typedef struct {
    abe_prepared_t *pp;
    bls_g1_t *pts;
} hash_job_t;

static int hash_strings(void *arg, size_t from, size_t to)
{
    const hash_job_t *j = arg;
    for (size_t k = from; k < to; k++) {
        size_t len;
        const uint8_t *x = abe_lsss_rho(&j->pp->lsss, j->pp->distinct_row[k], &len);
        if (abe_hash_attr(&j->pts[k], x, len) != ABE_OK)
            return ABE_ERR_INTERNAL;
    }
    return ABE_OK;
}

static int build_tables(void *arg, size_t from, size_t to)
{
    const hash_job_t *j = arg;
    for (size_t k = from; k < to; k++)
        bls_g1_fixed_base_init(&j->pp->tables[k], &j->pts[k]);
    return ABE_OK;
}

static int prepare_compiled(abe_prepared_t *pp, int with_tables, abe_error_t *err)
{
    bls_g1_t pts[ABE_POL_MAX_LEAVES];
    if (abe_lsss_compile(&pp->lsss, &pp->pol, err) != ABE_OK)
        return ABE_ERR_POLICY;
    if (abe_policy_encode(&pp->pol, pp->enc, sizeof pp->enc, &pp->enc_len) != ABE_OK)
        return ABE_ERR_POLICY;
    pp->n1 = pp->lsss.rows;
    pp->n2 = pp->lsss.cols;
    pp->tau = pp->lsss.tau;
    if (pp->n1 == 0 || pp->n1 > ABE_POL_MAX_LEAVES || pp->tau == 0 || pp->tau > ABE_POL_MAX_OCC)
        return ABE_ERR_POLICY;
    /* Distinct strings: the parser interns equal strings, but comparing
     * bytes does not depend on that. */
    pp->n_distinct = 0;
    for (size_t i = 0; i < pp->n1; i++) {
        size_t len, l2;
        const uint8_t *x = abe_lsss_rho(&pp->lsss, i, &len);
        unsigned j;
        for (j = 0; j < pp->n_distinct; j++) {
            const uint8_t *y = abe_lsss_rho(&pp->lsss, pp->distinct_row[j], &l2);
            if (l2 == len && memcmp(x, y, len) == 0)
                break;
        }
        if (j == pp->n_distinct)
            pp->distinct_row[pp->n_distinct++] = (uint16_t)i;
        pp->row_attr[i] = (uint16_t)j;
    }
    hash_job_t job = {pp, pts};
    if (abe_par_for2(pp->n_distinct, 4, hash_strings, &job) != ABE_OK)
        return ABE_ERR_INTERNAL;
    bls_g1_batch_to_affine_vartime(pp->h, pts, pp->n_distinct);
    if (with_tables) {
        pp->tables = malloc(pp->n_distinct * sizeof *pp->tables);
        if (pp->tables == NULL)
            return ABE_ERR_INTERNAL;
        if (abe_par_for2(pp->n_distinct, 2, build_tables, &job) != ABE_OK)
            return ABE_ERR_INTERNAL;
    }
    return ABE_OK;
}

int abe_prepare_text(abe_prepared_t *pp, const char *text, size_t len,
                     int with_tables, abe_error_t *err)
{
    if (pp == NULL || text == NULL)
        return ABE_ERR_ARGUMENT;
    pp->tables = NULL;
    if (abe_policy_parse(&pp->pol, text, len, err) != ABE_OK)
        return ABE_ERR_POLICY;
    int rc = prepare_compiled(pp, with_tables, err);
    if (rc != ABE_OK)
        abe_prepared_clear(pp);
    return rc;
}

int abe_prepare_with_expiry(abe_prepared_t *pp, const char *text, size_t len, const char *date,
                            int with_tables, abe_error_t *err)
{
    if (pp == NULL || text == NULL)
        return ABE_ERR_ARGUMENT;
    pp->tables = NULL;
    if (abe_policy_parse_with_expiry(&pp->pol, text, len, date, err) != ABE_OK)
        return ABE_ERR_POLICY;
    int rc = prepare_compiled(pp, with_tables, err);
    if (rc != ABE_OK)
        abe_prepared_clear(pp);
    return rc;
}

int abe_prepare_encoded(abe_prepared_t *pp, const uint8_t *enc, size_t len,
                        int with_tables, abe_error_t *err)
{
    if (pp == NULL || enc == NULL)
        return ABE_ERR_ARGUMENT;
    pp->tables = NULL;
    if (abe_policy_decode(&pp->pol, enc, len, err) != ABE_OK)
        return ABE_ERR_POLICY;
    int rc = prepare_compiled(pp, with_tables, err);
    /* The decoder is strict, so re-encoding must give the same bytes. */
    if (rc == ABE_OK && (pp->enc_len != len || memcmp(pp->enc, enc, len) != 0))
        rc = ABE_ERR_POLICY;
    if (rc != ABE_OK)
        abe_prepared_clear(pp);
    return rc;
}

void abe_prepared_clear(abe_prepared_t *pp)
{
    if (pp == NULL)
        return;
    free(pp->tables);
    pp->tables = NULL;
    pp->n1 = pp->n2 = pp->tau = pp->n_distinct = 0;
    pp->enc_len = 0;
}
