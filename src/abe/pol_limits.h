/* Documented size limits of the policy language (docs/policy.md, "Limits").
 * Every input is checked against them before any work is done, so parsing,
 * compiling and decoding use bounded memory and bounded recursion. */
#ifndef ROAM_ABE_POL_LIMITS_H
#define ROAM_ABE_POL_LIMITS_H

#define POL_MAX_TEXT        4096  /* bytes of policy text */
#define POL_MAX_DEPTH       32    /* nesting of parentheses / thresholds in text */
#define POL_MAX_LEAVES      256   /* leaves after numeric expansion = LSSS rows */
#define POL_MAX_NODES       (2 * POL_MAX_LEAVES) /* gates have >= 2 children */
#define POL_MAX_TREE_DEPTH  128   /* depth of the expanded tree (text depth +
                                     at most 65 levels of one comparison) */
#define POL_MAX_NAME        128   /* bytes of a user attribute name */
#define POL_MAX_ATTR        192   /* bytes of any attribute string, internal
                                     numeric strings included */
#define POL_MAX_OCC         32    /* tau: occurrences of one attribute string */
#define POL_MAX_ENCODED     (POL_MAX_LEAVES * (3 + POL_MAX_ATTR) + POL_MAX_LEAVES * 5)

#define ATTRS_MAX           2048  /* strings in one expanded key attribute set */
#define ATTRS_POOL_BYTES    131072

#endif
