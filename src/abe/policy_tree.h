/* Building policy trees (internal to src/abe): leaves with interned
 * strings, AND/OR joins that flatten as they go, thresholds, and the final
 * preorder compaction.  Used by the parser, the numeric expansion and the
 * decoder. */
#ifndef ROAM_ABE_POLICY_TREE_H
#define ROAM_ABE_POLICY_TREE_H

#include "policy.h"

void abe_pt_init(abe_policy_t *p);

/* Adds a leaf; ABE_ERR_LIMIT beyond ABE_POL_MAX_LEAVES leaves. */
int abe_pt_leaf(abe_policy_t *p, const uint8_t *s, size_t len, uint16_t *out);

/* a AND b or a OR b (kind PN_AND / PN_OR), keeping the operand order and
 * splicing operands that are already gates of the same kind. */
int abe_pt_join(abe_policy_t *p, pn_kind kind, uint16_t a, uint16_t b, uint16_t *out);

/* k-of-n gate over kids[0..n), for 1 < k < n (callers map k = 1 and k = n
 * to abe_pt_join so that the canonical tree has only real thresholds). */
int abe_pt_threshold(abe_policy_t *p, unsigned k, const uint16_t *kids, size_t n, uint16_t *out);

/* Renumbers the tree under root into preorder (root becomes node 0), fills
 * k and n of every gate, and checks ABE_POL_MAX_TREE_DEPTH. */
int abe_pt_finish(abe_policy_t *p, uint16_t root, abe_error_t *err);

struct abe_attr_set;

/* sat[i] = 1 if node i is satisfied by s (leaf string held; gate with at
 * least k satisfied children), for a finished tree; one backward sweep. */
void abe_pt_sat_nodes(const abe_policy_t *p, const struct abe_attr_set *s, uint8_t *sat);

#endif
