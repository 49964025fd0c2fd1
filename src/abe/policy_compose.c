/* Composing policies as trees (abe.h): the AND of two parsed policies and
 * roam's expiry rule, P AND expiry >= DATE.  Policies are never composed by
 * pasting texts together: a stored text such as `A) or (B` would then
 * escape the clause it was meant to sit inside. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "policy_tree.h"

/* Copying a finished tree into another under construction.  Threshold
 * children wait on one shared stack (a tree has at most ABE_POL_MAX_NODES
 * nodes), so the recursion, bounded by ABE_POL_MAX_TREE_DEPTH, keeps small
 * frames. */
typedef struct {
    abe_policy_t *dst;
    const abe_policy_t *src;
    uint16_t kids[ABE_POL_MAX_NODES];
    size_t top;
} copier_t;

static int copy_node(copier_t *c, unsigned n, uint16_t *out)
{
    const abe_pol_node_t *nd = &c->src->node[n];
    if (nd->kind == PN_LEAF)
        return abe_pt_leaf(c->dst, c->src->pool + nd->str_off, nd->str_len, out);
    if (nd->kind == PN_THR) {
        size_t base = c->top, n_kids = 0;
        for (unsigned k = nd->first; k != POL_NONE; k = c->src->node[k].next) {
            if (c->top >= ABE_POL_MAX_NODES)
                return ABE_ERR_LIMIT;
            int rc = copy_node(c, k, &c->kids[c->top]);
            if (rc != ABE_OK)
                return rc;
            c->top++;
            n_kids++;
        }
        int rc = abe_pt_threshold(c->dst, nd->k, c->kids + base, n_kids, out);
        c->top = base;
        return rc;
    }
    uint16_t acc = POL_NONE;
    for (unsigned k = nd->first; k != POL_NONE; k = c->src->node[k].next) {
        uint16_t child;
        int rc = copy_node(c, k, &child);
        if (rc == ABE_OK && acc != POL_NONE)
            rc = abe_pt_join(c->dst, (pn_kind)nd->kind, acc, child, &child);
        if (rc != ABE_OK)
            return rc;
        acc = child;
    }
    *out = acc;
    return ABE_OK;
}

int abe_policy_and(abe_policy_t *out, const abe_policy_t *a, const abe_policy_t *b,
                   abe_error_t *err)
{
    abe_error_clear(err);
    if (out == NULL || a == NULL || b == NULL || out == a || out == b || a->n_nodes == 0 ||
        b->n_nodes == 0)
        return abe_fail(err, ABE_ERR_ARGUMENT, ABE_NO_POS, "bad arguments");
    copier_t *c = malloc(sizeof *c);
    if (c == NULL)
        return abe_fail(err, ABE_ERR_MEMORY, ABE_NO_POS, "out of memory");
    c->dst = out;
    c->top = 0;
    abe_pt_init(out);
    uint16_t ra, rb, root;
    c->src = a;
    int rc = copy_node(c, 0, &ra);
    c->src = b;
    if (rc == ABE_OK)
        rc = copy_node(c, 0, &rb);
    if (rc == ABE_OK)
        rc = abe_pt_join(out, PN_AND, ra, rb, &root);
    free(c);
    if (rc == ABE_ERR_LIMIT)
        rc = abe_fail(err, rc, ABE_NO_POS,
                      "the combined policy has more than %d leaves after expanding numeric "
                      "comparisons", ABE_POL_MAX_LEAVES);
    else if (rc != ABE_OK)
        rc = abe_fail(err, rc, ABE_NO_POS, "%s", abe_strerror(rc));
    else
        rc = abe_pt_finish(out, root, err);
    if (rc != ABE_OK)
        abe_pt_init(out);
    return rc;
}

/* 1 if date is YYYY-MM-DD in digits (the parser checks the calendar). */
static int date_shape(const char *date)
{
    if (date == NULL || strlen(date) != 10)
        return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? date[i] != '-' : (date[i] < '0' || date[i] > '9'))
            return 0;
    return 1;
}

int abe_policy_expiry_clause(abe_policy_t *out, const char *date, abe_error_t *err)
{
    abe_error_clear(err);
    if (out == NULL)
        return abe_fail(err, ABE_ERR_ARGUMENT, ABE_NO_POS, "bad arguments");
    if (!date_shape(date))
        return abe_fail(err, ABE_ERR_SYNTAX, ABE_NO_POS, "'%.20s' is not a date (YYYY-MM-DD)",
                        date ? date : "");
    /* Built from ten checked bytes: nothing can escape the clause. */
    char clause[32];
    snprintf(clause, sizeof clause, "%s >= %s", ABE_EXPIRY_ATTR, date);
    int rc = abe_policy_parse(out, clause, strlen(clause), err);
    if (rc != ABE_OK)
        rc = abe_fail(err, rc, ABE_NO_POS, "date %s: %s", date, abe_strerror(rc));
    return rc;
}

int abe_policy_and_expiry(abe_policy_t *out, const abe_policy_t *p, const char *date,
                          abe_error_t *err)
{
    abe_policy_t *clause = malloc(sizeof *clause);
    if (clause == NULL)
        return abe_fail(err, ABE_ERR_MEMORY, ABE_NO_POS, "out of memory");
    int rc = abe_policy_expiry_clause(clause, date, err);
    if (rc == ABE_OK)
        rc = abe_policy_and(out, p, clause, err);
    free(clause);
    return rc;
}

int abe_policy_parse_with_expiry(abe_policy_t *out, const char *text, size_t len,
                                 const char *date, abe_error_t *err)
{
    abe_policy_t *alone = malloc(sizeof *alone);
    if (alone == NULL)
        return abe_fail(err, ABE_ERR_MEMORY, ABE_NO_POS, "out of memory");
    /* Parsed on its own: its errors point into the text as written. */
    int rc = abe_policy_parse(alone, text, len, err);
    if (rc == ABE_OK)
        rc = abe_policy_and_expiry(out, alone, date, err);
    free(alone);
    return rc;
}
