/* Building policy trees: interned leaves, flattening joins, thresholds and
 * the preorder compaction (see policy_tree.h). */
#include "policy_tree.h"

#include <string.h>

void abe_pt_init(abe_policy_t *p)
{
    p->n_nodes = 0;
    p->n_leaves = 0;
    p->pool_used = 0;
}

static int new_node(abe_policy_t *p, pn_kind kind, uint16_t *out)
{
    /* Every gate has >= 2 children, so a tree with ABE_POL_MAX_LEAVES leaves
     * never needs more than ABE_POL_MAX_NODES nodes; this is only a guard. */
    if (p->n_nodes >= ABE_POL_MAX_NODES)
        return ABE_ERR_LIMIT;
    abe_pol_node_t *nd = &p->node[p->n_nodes];
    memset(nd, 0, sizeof *nd);
    nd->kind = (uint8_t)kind;
    nd->first = nd->next = nd->last = POL_NONE;
    *out = p->n_nodes++;
    return ABE_OK;
}

int abe_pt_leaf(abe_policy_t *p, const uint8_t *s, size_t len, uint16_t *out)
{
    if (len == 0 || len > ABE_POL_MAX_ATTR)
        return ABE_ERR_ARGUMENT;
    if (p->n_leaves >= ABE_POL_MAX_LEAVES)
        return ABE_ERR_LIMIT;
    /* Intern: equal strings share one offset, which makes occurrence
     * counting in the LSSS compiler a comparison of offsets. */
    uint32_t off = UINT32_MAX;
    for (unsigned i = 0; i < p->n_nodes && off == UINT32_MAX; i++) {
        const abe_pol_node_t *nd = &p->node[i];
        if (nd->kind == PN_LEAF && nd->str_len == len &&
            memcmp(p->pool + nd->str_off, s, len) == 0)
            off = nd->str_off;
    }
    if (off == UINT32_MAX) {
        if (sizeof p->pool - p->pool_used < len)
            return ABE_ERR_LIMIT;
        off = p->pool_used;
        memcpy(p->pool + off, s, len);
        p->pool_used += (uint32_t)len;
    }
    int rc = new_node(p, PN_LEAF, out);
    if (rc != ABE_OK)
        return rc;
    p->node[*out].str_off = off;
    p->node[*out].str_len = (uint16_t)len;
    p->n_leaves++;
    return ABE_OK;
}

static void append(abe_policy_t *p, uint16_t g, uint16_t c)
{
    abe_pol_node_t *gn = &p->node[g];
    p->node[c].next = POL_NONE;
    if (gn->first == POL_NONE)
        gn->first = c;
    else
        p->node[gn->last].next = c;
    gn->last = c;
    gn->n++;
}

/* Moves all children of gate src to the end of gate dst (src is dropped). */
static void splice(abe_policy_t *p, uint16_t dst, uint16_t src)
{
    abe_pol_node_t *d = &p->node[dst], *s = &p->node[src];
    if (s->first == POL_NONE)
        return;
    if (d->first == POL_NONE)
        d->first = s->first;
    else
        p->node[d->last].next = s->first;
    d->last = s->last;
    d->n = (uint16_t)(d->n + s->n);
    s->first = s->last = POL_NONE;
    s->n = 0;
}

int abe_pt_join(abe_policy_t *p, pn_kind kind, uint16_t a, uint16_t b, uint16_t *out)
{
    if ((kind != PN_AND && kind != PN_OR) || a >= p->n_nodes || b >= p->n_nodes)
        return ABE_ERR_ARGUMENT;
    uint16_t g = a;
    if (p->node[a].kind != kind) {
        int rc = new_node(p, kind, &g);
        if (rc != ABE_OK)
            return rc;
        append(p, g, a);
    }
    if (p->node[b].kind == kind)
        splice(p, g, b);
    else
        append(p, g, b);
    *out = g;
    return ABE_OK;
}

int abe_pt_threshold(abe_policy_t *p, unsigned k, const uint16_t *kids, size_t n, uint16_t *out)
{
    if (n < 3 || k < 2 || k >= n || n > ABE_POL_MAX_LEAVES)
        return ABE_ERR_ARGUMENT;
    uint16_t g;
    int rc = new_node(p, PN_THR, &g);
    if (rc != ABE_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (kids[i] >= p->n_nodes)
            return ABE_ERR_ARGUMENT;
        append(p, g, kids[i]);
    }
    p->node[g].k = (uint16_t)k;
    *out = g;
    return ABE_OK;
}

int abe_pt_finish(abe_policy_t *p, uint16_t root, abe_error_t *err)
{
    static const char too_deep[] = "policy tree deeper than %d levels";
    uint16_t order[ABE_POL_MAX_NODES];
    uint16_t newid[ABE_POL_MAX_NODES];
    uint16_t stack[ABE_POL_MAX_TREE_DEPTH + 1]; /* next child to visit, per level */
    size_t count = 0, depth = 0;

    if (root >= p->n_nodes)
        return abe_fail(err, ABE_ERR_ARGUMENT, ABE_NO_POS, "no root");
    for (unsigned i = 0; i < p->n_nodes; i++)
        newid[i] = POL_NONE;

    /* Iterative preorder: the stack holds, per open gate, its next child. */
    order[count++] = root;
    if (p->node[root].kind != PN_LEAF)
        stack[depth++] = p->node[root].first;
    while (depth > 0) {
        uint16_t c = stack[depth - 1];
        if (c == POL_NONE) {
            depth--;
            continue;
        }
        stack[depth - 1] = p->node[c].next;
        if (count >= ABE_POL_MAX_NODES)
            return abe_fail(err, ABE_ERR_LIMIT, ABE_NO_POS, "policy has too many nodes");
        order[count++] = c;
        if (p->node[c].kind != PN_LEAF) {
            if (depth >= ABE_POL_MAX_TREE_DEPTH)
                return abe_fail(err, ABE_ERR_LIMIT, ABE_NO_POS, too_deep, ABE_POL_MAX_TREE_DEPTH);
            stack[depth++] = p->node[c].first;
        }
    }
    for (size_t i = 0; i < count; i++)
        newid[order[i]] = (uint16_t)i;

    abe_pol_node_t tmp[ABE_POL_MAX_NODES];
    unsigned leaves = 0;
    for (size_t i = 0; i < count; i++) {
        abe_pol_node_t nd = p->node[order[i]];
        nd.first = nd.first == POL_NONE ? POL_NONE : newid[nd.first];
        nd.next = (i == 0 || nd.next == POL_NONE) ? POL_NONE : newid[nd.next];
        nd.last = nd.last == POL_NONE ? POL_NONE : newid[nd.last];
        if (nd.kind == PN_AND)
            nd.k = nd.n;
        else if (nd.kind == PN_OR)
            nd.k = 1;
        else if (nd.kind == PN_LEAF)
            leaves++;
        tmp[i] = nd;
    }
    memcpy(p->node, tmp, count * sizeof tmp[0]);
    p->n_nodes = (uint16_t)count;
    p->n_leaves = (uint16_t)leaves;
    return ABE_OK;
}

const uint8_t *abe_policy_leaf_string(const abe_policy_t *p, unsigned node, size_t *len)
{
    if (node >= p->n_nodes || p->node[node].kind != PN_LEAF) {
        *len = 0;
        return NULL;
    }
    *len = p->node[node].str_len;
    return p->pool + p->node[node].str_off;
}
