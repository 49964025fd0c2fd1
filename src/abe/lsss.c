/* LSSS compilation, rows, shares and decryption coefficients (see lsss.h).
 * Every pass is a loop over the preorder node array: no recursion. */
#include "lsss.h"

#include <stdio.h>
#include <string.h>

#include "attr_string.h"
#include "policy_tree.h"

int abe_lsss_compile(abe_lsss_t *l, const abe_policy_t *p, abe_error_t *err)
{
    uint16_t child_no[ABE_POL_MAX_NODES];  /* children of each gate seen so far */
    uint16_t last_col[ABE_POL_MAX_NODES];  /* AND: column of the latest +1 */
    uint16_t base_col[ABE_POL_MAX_NODES];  /* threshold: its first new column */
    abe_error_clear(err);
    if (l == NULL || p == NULL || p->n_nodes == 0)
        return abe_fail(err, ABE_ERR_ARGUMENT, ABE_NO_POS, "empty policy");
    memset(l, 0, sizeof *l);
    l->pol = p;
    unsigned cols = 1;   /* column 0 is the root's (1) */
    for (unsigned i = 0; i < p->n_nodes; i++) {
        const abe_pol_node_t *nd = &p->node[i];
        abe_lsss_label_t *lb = &l->label[i];
        lb->neg_col = lb->pos_col = POL_NONE;
        if (i == 0) {
            l->parent[0] = POL_NONE;
            lb->pos_col = 0;
        } else {
            unsigned g = l->parent[i];
            const abe_pol_node_t *gn = &p->node[g];
            unsigned m = ++child_no[g];   /* 1-based position among siblings */
            if (gn->kind == PN_OR) {
                lb->inherit = 1;
            } else if (gn->kind == PN_AND) {
                /* Lewko-Waters chain: v|1, 0|-1|1, ..., 0|..|-1. */
                lb->inherit = m == 1;
                if (m > 1)
                    lb->neg_col = last_col[g];
                if (m < gn->n) {
                    lb->pos_col = (uint16_t)cols++;
                    last_col[g] = lb->pos_col;
                }
            } else {
                lb->inherit = 1;
                lb->run_col = base_col[g];
                lb->run_len = (uint16_t)(gn->k - 1);
                lb->run_base = (uint16_t)m;
            }
        }
        if (nd->kind == PN_LEAF) {
            l->row_node[l->rows++] = (uint16_t)i;
            continue;
        }
        child_no[i] = 0;
        for (unsigned c = nd->first; c != POL_NONE; c = p->node[c].next)
            l->parent[c] = (uint16_t)i;
        if (nd->kind == PN_THR) {
            base_col[i] = (uint16_t)cols;
            cols += nd->k - 1u;
        }
    }
    l->cols = (uint16_t)cols;

    /* Occurrence indices: leaves with equal strings share a pool offset. */
    l->tau = 1;
    for (unsigned i = 0; i < l->rows; i++) {
        uint32_t off = p->node[l->row_node[i]].str_off;
        unsigned occ = 1;
        for (unsigned j = 0; j < i; j++)
            occ += p->node[l->row_node[j]].str_off == off;
        if (occ > ABE_POL_MAX_OCC) {
            char name[64];
            size_t len;
            const uint8_t *s = abe_lsss_rho(l, i, &len);
            abe_astr_display(name, sizeof name, s, len);
            return abe_fail(err, ABE_ERR_LIMIT, ABE_NO_POS,
                            "attribute '%s' occurs more than %d times in the policy",
                            name, ABE_POL_MAX_OCC);
        }
        l->occ[i] = (uint8_t)occ;
        if (occ > l->tau)
            l->tau = (uint16_t)occ;
    }
    return ABE_OK;
}

const uint8_t *abe_lsss_rho(const abe_lsss_t *l, size_t row, size_t *len)
{
    if (row >= l->rows) {
        *len = 0;
        return NULL;
    }
    return abe_policy_leaf_string(l->pol, l->row_node[row], len);
}

unsigned abe_lsss_occ(const abe_lsss_t *l, size_t row)
{
    return row < l->rows ? l->occ[row] : 0;
}

/* Calls the accumulation for every (column, coefficient) term of row. */
typedef void (*term_fn)(void *ctx, unsigned col, const bls_fr_t *coef);

static void walk_row(const abe_lsss_t *l, size_t row, term_fn fn, void *ctx)
{
    bls_fr_t minus_one;
    bls_fr_neg(&minus_one, &BLS_FR_ONE);
    unsigned node = l->row_node[row];
    for (;;) {
        const abe_lsss_label_t *lb = &l->label[node];
        if (lb->pos_col != POL_NONE)
            fn(ctx, lb->pos_col, &BLS_FR_ONE);
        if (lb->neg_col != POL_NONE)
            fn(ctx, lb->neg_col, &minus_one);
        if (lb->run_len > 0) {
            bls_fr_t j, pw;
            bls_fr_from_u64(&j, lb->run_base);
            pw = j;
            for (unsigned e = 0; e < lb->run_len; e++) {
                fn(ctx, lb->run_col + e, &pw);
                bls_fr_mul(&pw, &pw, &j);
            }
        }
        if (!lb->inherit)
            break;
        node = l->parent[node];
    }
}

static void add_to_row(void *ctx, unsigned col, const bls_fr_t *coef)
{
    bls_fr_t *out = ctx;
    bls_fr_add(&out[col], &out[col], coef);
}

int abe_lsss_row(const abe_lsss_t *l, size_t row, bls_fr_t *out)
{
    if (l == NULL || out == NULL || row >= l->rows)
        return ABE_ERR_ARGUMENT;
    for (unsigned c = 0; c < l->cols; c++)
        out[c] = BLS_FR_ZERO;
    walk_row(l, row, add_to_row, out);
    return ABE_OK;
}

struct share_ctx {
    const bls_fr_t *v;
    bls_fr_t acc;
};

static void add_share(void *ctx, unsigned col, const bls_fr_t *coef)
{
    struct share_ctx *sc = ctx;
    bls_fr_t t;
    bls_fr_mul(&t, coef, &sc->v[col]);
    bls_fr_add(&sc->acc, &sc->acc, &t);
}

int abe_lsss_share(const abe_lsss_t *l, size_t row, const bls_fr_t *v, bls_fr_t *lambda)
{
    if (l == NULL || v == NULL || lambda == NULL || row >= l->rows)
        return ABE_ERR_ARGUMENT;
    struct share_ctx sc = {v, BLS_FR_ZERO};
    walk_row(l, row, add_share, &sc);
    *lambda = sc.acc;
    return ABE_OK;
}

/* Lagrange coefficient at 0 of point j among the points idx[0..k). */
static void lagrange0(bls_fr_t *out, unsigned j, const unsigned *idx, unsigned k)
{
    bls_fr_t num = BLS_FR_ONE, den = BLS_FR_ONE, a, b;
    bls_fr_from_u64(&b, j);
    for (unsigned t = 0; t < k; t++) {
        if (idx[t] == j)
            continue;
        bls_fr_from_u64(&a, idx[t]);
        bls_fr_mul(&num, &num, &a);
        bls_fr_t diff;
        bls_fr_sub(&diff, &a, &b);
        bls_fr_mul(&den, &den, &diff);
    }
    bls_fr_inv_vartime(&den, &den);
    bls_fr_mul(out, &num, &den);
}

int abe_lsss_coefficients(const abe_lsss_t *l, const abe_attr_set_t *s, bls_fr_t *gamma)
{
    uint8_t sat[ABE_POL_MAX_NODES];
    bls_fr_t coef[ABE_POL_MAX_NODES];
    unsigned idx[ABE_POL_MAX_LEAVES];
    uint16_t chosen[ABE_POL_MAX_LEAVES];
    if (l == NULL || s == NULL || gamma == NULL)
        return ABE_ERR_ARGUMENT;
    const abe_policy_t *p = l->pol;
    for (unsigned r = 0; r < l->rows; r++)
        gamma[r] = BLS_FR_ZERO;
    abe_pt_sat_nodes(p, s, sat);
    if (!sat[0])
        return ABE_ERR_NOT_SATISFIED;
    for (unsigned i = 0; i < p->n_nodes; i++)
        coef[i] = BLS_FR_ZERO;
    coef[0] = BLS_FR_ONE;
    /* Top-down in preorder: a parent's coefficient is final before its
     * children are reached.  Unsatisfied nodes keep 0. */
    for (unsigned g = 0; g < p->n_nodes; g++) {
        const abe_pol_node_t *nd = &p->node[g];
        if (nd->kind == PN_LEAF || !sat[g])
            continue;
        unsigned m = 0, k = 0;
        for (unsigned c = nd->first; c != POL_NONE; c = p->node[c].next) {
            m++;
            if (nd->kind == PN_AND) {
                coef[c] = coef[g];
            } else if (sat[c] && k < nd->k) {
                idx[k] = m;
                chosen[k++] = (uint16_t)c;
            }
        }
        if (nd->kind == PN_OR) {
            coef[chosen[0]] = coef[g];
        } else if (nd->kind == PN_THR) {
            for (unsigned t = 0; t < k; t++) {
                bls_fr_t d;
                lagrange0(&d, idx[t], idx, k);
                bls_fr_mul(&coef[chosen[t]], &coef[g], &d);
            }
        }
    }
    for (unsigned r = 0; r < l->rows; r++)
        gamma[r] = coef[l->row_node[r]];
    return ABE_OK;
}
