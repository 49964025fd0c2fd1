/* Canonical byte encoding of compiled policies (docs/spec/fabeo.md §5), the
 * form a ciphertext carries.  Because nodes are stored in preorder, encoding
 * is one pass over the node array; decoding is one pass over the bytes with
 * an explicit stack of open gates, so hostile input cannot recurse. */
#include <string.h>

#include "attr_string.h"
#include "policy.h"
#include "policy_tree.h"

#define TAG_LEAF 0x00
#define TAG_GATE 0x01

int abe_policy_encode(const abe_policy_t *p, uint8_t *out, size_t cap, size_t *out_len)
{
    size_t n = 0;
    if (p == NULL || out == NULL || out_len == NULL || p->n_nodes == 0)
        return ABE_ERR_ARGUMENT;
    for (unsigned i = 0; i < p->n_nodes; i++) {
        const abe_pol_node_t *nd = &p->node[i];
        if (nd->kind == PN_LEAF) {
            if (cap - n < 3u + nd->str_len)
                return ABE_ERR_ARGUMENT;
            out[n++] = TAG_LEAF;
            out[n++] = (uint8_t)(nd->str_len >> 8);
            out[n++] = (uint8_t)nd->str_len;
            memcpy(out + n, p->pool + nd->str_off, nd->str_len);
            n += nd->str_len;
        } else {
            if (cap - n < 5)
                return ABE_ERR_ARGUMENT;
            out[n++] = TAG_GATE;
            out[n++] = (uint8_t)(nd->k >> 8);
            out[n++] = (uint8_t)nd->k;
            out[n++] = (uint8_t)(nd->n >> 8);
            out[n++] = (uint8_t)nd->n;
        }
    }
    *out_len = n;
    return ABE_OK;
}

static pn_kind gate_kind(unsigned k, unsigned n)
{
    return k == n ? PN_AND : k == 1 ? PN_OR : PN_THR;
}

typedef struct {
    uint16_t node;       /* the open gate */
    uint16_t remaining;  /* children still to read */
} open_gate;

static int decode(abe_policy_t *p, const uint8_t *in, size_t len, abe_error_t *err)
{
    open_gate stack[ABE_POL_MAX_TREE_DEPTH];
    size_t depth = 0, i = 0;
    if (len == 0)
        return abe_fail(err, ABE_ERR_DECODE, 0, "empty policy encoding");
    do {
        size_t at = i;
        uint16_t id;
        int rc;
        if (len - i < 3)
            return abe_fail(err, ABE_ERR_DECODE, at, "truncated node");
        uint8_t tag = in[i];
        unsigned a = (unsigned)in[i + 1] << 8 | in[i + 2];
        pn_kind kind;
        if (tag == TAG_LEAF) {
            i += 3;
            if (a > len - i)
                return abe_fail(err, ABE_ERR_DECODE, at, "truncated attribute string");
            if (!abe_astr_valid(in + i, a))
                return abe_fail(err, ABE_ERR_DECODE, at, "invalid attribute string");
            rc = abe_pt_leaf(p, in + i, a, &id);
            if (rc != ABE_OK)
                return abe_fail(err, ABE_ERR_DECODE, at, "more than %d leaves", ABE_POL_MAX_LEAVES);
            i += a;
            kind = PN_LEAF;
        } else if (tag == TAG_GATE) {
            if (len - i < 5)
                return abe_fail(err, ABE_ERR_DECODE, at, "truncated gate");
            unsigned n = (unsigned)in[i + 3] << 8 | in[i + 4];
            i += 5;
            if (n < 2 || a < 1 || a > n || n > ABE_POL_MAX_LEAVES)
                return abe_fail(err, ABE_ERR_DECODE, at, "invalid gate %u of %u", a, n);
            if (depth >= ABE_POL_MAX_TREE_DEPTH)
                return abe_fail(err, ABE_ERR_DECODE, at, "tree deeper than %d",
                                ABE_POL_MAX_TREE_DEPTH);
            kind = gate_kind(a, n);
            if (p->n_nodes >= ABE_POL_MAX_NODES)
                return abe_fail(err, ABE_ERR_DECODE, at, "too many nodes");
            id = p->n_nodes++;
            abe_pol_node_t *nd = &p->node[id];
            memset(nd, 0, sizeof *nd);
            nd->kind = (uint8_t)kind;
            nd->k = (uint16_t)a;
            nd->first = nd->next = nd->last = POL_NONE;
            nd->n = (uint16_t)n;   /* declared; checked against the children read */
        } else {
            return abe_fail(err, ABE_ERR_DECODE, at, "unknown node tag 0x%02x", tag);
        }
        /* Link the node under the innermost open gate. */
        if (depth > 0) {
            open_gate *g = &stack[depth - 1];
            abe_pol_node_t *gn = &p->node[g->node];
            if (kind != PN_THR && kind == (pn_kind)gn->kind && kind != PN_LEAF)
                return abe_fail(err, ABE_ERR_DECODE, at,
                                "not canonical: %s directly under %s",
                                kind == PN_AND ? "AND" : "OR", kind == PN_AND ? "AND" : "OR");
            if (gn->first == POL_NONE)
                gn->first = id;
            else
                p->node[gn->last].next = id;
            gn->last = id;
            g->remaining--;
        }
        if (kind != PN_LEAF)
            stack[depth++] = (open_gate){id, p->node[id].n};
        while (depth > 0 && stack[depth - 1].remaining == 0)
            depth--;
    } while (depth > 0 && i < len);
    if (depth > 0)
        return abe_fail(err, ABE_ERR_DECODE, i, "truncated policy: a gate lacks children");
    if (i != len)
        return abe_fail(err, ABE_ERR_DECODE, i, "trailing bytes after the policy");
    /* Nodes were created in preorder; abe_pt_finish re-derives k and n and the
     * leaf count the same way abe_policy_parse does. */
    return abe_pt_finish(p, 0, err);
}

int abe_policy_decode(abe_policy_t *p, const uint8_t *in, size_t len, abe_error_t *err)
{
    abe_error_clear(err);
    if (p == NULL || (in == NULL && len > 0))
        return abe_fail(err, ABE_ERR_ARGUMENT, ABE_NO_POS, "NULL argument");
    abe_pt_init(p);
    int rc = decode(p, in, len, err);
    if (rc != ABE_OK)
        abe_pt_init(p);   /* never leave a half-built tree behind */
    return rc;
}
