/* Access policies, the parts internal to src/abe: node kinds and the
 * canonical byte encoding that a ciphertext carries.  The abe_policy_t itself,
 * parsing, satisfaction and rendering are public (abe.h). */
#ifndef ROAM_ABE_POLICY_H
#define ROAM_ABE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "abe.h"
#include "pol_error.h"

#define POL_NONE 0xFFFFu

typedef enum { PN_LEAF = 0, PN_AND = 1, PN_OR = 2, PN_THR = 3 } pn_kind;

/* Canonical encoding (docs/spec/fabeo.md §5), preorder:
 *   LEAF := 0x00 || I2OSP(len, 2) || string
 *   GATE := 0x01 || I2OSP(k, 2) || I2OSP(n, 2) || child_1 .. child_n
 * Writes at most cap bytes; ABE_ERR_ARGUMENT if cap is too small
 * (ABE_POL_MAX_ENCODED always suffices). */
int abe_policy_encode(const abe_policy_t *p, uint8_t *out, size_t cap, size_t *out_len);

/* Strict decoder: accepts exactly the encodings abe_policy_encode produces
 * (valid strings, 2 <= n, 1 <= k <= n, no AND directly under AND or OR
 * under OR, limits, no trailing bytes).  ABE_ERR_DECODE otherwise. */
int abe_policy_decode(abe_policy_t *p, const uint8_t *in, size_t len, abe_error_t *err);

/* The attribute string of a leaf node. */
const uint8_t *abe_policy_leaf_string(const abe_policy_t *p, unsigned node, size_t *len);

#endif
