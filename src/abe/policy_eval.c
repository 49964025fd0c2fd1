/* Satisfaction of a compiled policy by a key attribute set.  Nodes are in
 * preorder, so children have larger indices than their parent and one
 * backward sweep evaluates the tree without recursion. */
#include "attrs.h"
#include "policy.h"
#include "policy_tree.h"

void abe_pt_sat_nodes(const abe_policy_t *p, const abe_attr_set_t *s, uint8_t *sat)
{
    for (unsigned i = p->n_nodes; i-- > 0;) {
        const abe_pol_node_t *nd = &p->node[i];
        if (nd->kind == PN_LEAF) {
            sat[i] = (uint8_t)abe_attr_set_contains(s, p->pool + nd->str_off, nd->str_len);
            continue;
        }
        unsigned count = 0;
        for (unsigned c = nd->first; c != POL_NONE; c = p->node[c].next)
            count += sat[c];
        sat[i] = count >= nd->k;
    }
}

int abe_policy_satisfied(const abe_policy_t *p, const abe_attr_set_t *s)
{
    uint8_t sat[ABE_POL_MAX_NODES];
    if (p == NULL || s == NULL || p->n_nodes == 0)
        return 0;
    abe_pt_sat_nodes(p, s, sat);
    return sat[0];
}
