/* Access policies: the cpabe-style text language (docs/policy.md), the
 * compiled policy tree, satisfaction, and the canonical byte encoding that a
 * ciphertext carries.
 *
 * A policy_t is the monotone tree after numeric comparisons have been
 * expanded into internal bit attributes: leaves are attribute strings
 * (attr_string.h), gates are AND, OR or k-of-n thresholds with 1 < k < n.
 * Nested gates of the same kind are flattened, and nodes are stored in
 * depth-first preorder (node 0 is the root), so leaf i in preorder is LSSS
 * row i on both sides.  The struct is caller-owned, fixed-size (about
 * 60 KB: allocate it statically or with malloc), and needs no cleanup. */
#ifndef ROAM_ABE_POLICY_H
#define ROAM_ABE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "pol_error.h"
#include "pol_limits.h"

struct attr_set;

#define POL_NONE 0xFFFFu

typedef enum { PN_LEAF = 0, PN_AND = 1, PN_OR = 2, PN_THR = 3 } pn_kind;

typedef struct {
    uint8_t kind;       /* pn_kind */
    uint16_t k, n;      /* gate: k of n children (AND k = n, OR k = 1); leaf: 0, 0 */
    uint16_t first;     /* first child, or POL_NONE */
    uint16_t next;      /* next sibling, or POL_NONE */
    uint16_t last;      /* last child (used while building) */
    uint16_t str_len;   /* leaf: attribute string pool[str_off .. +str_len) */
    uint32_t str_off;   /* equal strings share one offset (interned) */
} pol_node_t;

typedef struct policy {
    uint16_t n_nodes, n_leaves;
    uint32_t pool_used;
    pol_node_t node[POL_MAX_NODES];
    uint8_t pool[POL_MAX_LEAVES * POL_MAX_ATTR];
} policy_t;

/* Parses policy text of len bytes (no NUL needed; at most POL_MAX_TEXT).
 * Returns ABE_OK or a negative abe_status with err->offset and err->msg
 * describing the first problem. */
int policy_parse(policy_t *p, const char *text, size_t len, pol_error_t *err);

/* 1 if the attribute set satisfies the policy (each leaf is satisfied when
 * its string is in the set, a gate when at least k children are), else 0. */
int policy_satisfied(const policy_t *p, const struct attr_set *s);

/* Canonical encoding (FAME.md section 5.2), preorder:
 *   LEAF := 0x00 || I2OSP(len, 2) || string
 *   GATE := 0x01 || I2OSP(k, 2) || I2OSP(n, 2) || child_1 .. child_n
 * Writes at most cap bytes; ABE_ERR_ARGUMENT if cap is too small
 * (POL_MAX_ENCODED always suffices). */
int policy_encode(const policy_t *p, uint8_t *out, size_t cap, size_t *out_len);

/* Strict decoder: accepts exactly the encodings policy_encode produces
 * (valid strings, 2 <= n, 1 <= k <= n, no AND directly under AND or OR
 * under OR, limits, no trailing bytes).  ABE_ERR_DECODE otherwise. */
int policy_decode(policy_t *p, const uint8_t *in, size_t len, pol_error_t *err);

/* The attribute string of a leaf node. */
const uint8_t *policy_leaf_string(const policy_t *p, unsigned node, size_t *len);

/* Readable rendering of the compiled tree, e.g.
 * `HCU and (grade#f:>=2^2 or (grade#f:b0=1 and grade#f:b1=1))`.
 * NUL-terminated, truncated to cap; returns the untruncated length. */
size_t policy_format(const policy_t *p, char *out, size_t cap);

#endif
