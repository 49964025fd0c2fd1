/* Key attribute sets: what an authority issues to a user.
 *
 * User-level attributes are written `HCU`, `"any name"`, `grade = 4`,
 * `x = 5#8` (declared width) or `expiry = 2027-03-31` (date).  Numeric ones
 * expand to their internal strings (numeric.h).  The set keeps the expanded
 * strings sorted (bytewise) and deduplicated: that list is the canonical
 * S of KeyGen.  A name holds at most one numeric value, and is either plain
 * or numeric, never both.
 *
 * Fixed-size and caller-owned (about 150 KB: allocate it with malloc or
 * statically); abe_attr_set_init before use, no cleanup. */
#ifndef ROAM_ABE_ATTRS_H
#define ROAM_ABE_ATTRS_H

#include <stddef.h>
#include <stdint.h>

#include "pol_error.h"
#include "abe.h"

void abe_attr_set_init(abe_attr_set_t *s);

/* Adds one user-level attribute given as text.  On error the set is left
 * unchanged.  ABE_ERR_CONFLICT for a second value of a numeric name or a
 * name used both plain and numeric; ABE_ERR_RANGE for values that do not
 * fit; ABE_ERR_LIMIT when ABE_ATTRS_MAX / ABE_ATTRS_POOL_BYTES would be exceeded. */
int abe_attr_set_add(abe_attr_set_t *s, const char *text, size_t len, abe_error_t *err);

/* Adds every sep-separated attribute of text (e.g. "A|B|grade = 4" with
 * sep '|').  Error offsets refer to the whole text. */
int abe_attr_set_add_list(abe_attr_set_t *s, const char *text, size_t len, char sep,
                          abe_error_t *err);

/* Inserts one attribute string as it is (a user name or an internal string;
 * anything else is ABE_ERR_ARGUMENT).  Duplicates are ignored.  Decoders of
 * stored keys use this; it does not check numeric consistency. */
int abe_attr_set_insert(abe_attr_set_t *s, const uint8_t *str, size_t len);

/* 1 if str is in the set. */
int abe_attr_set_contains(const abe_attr_set_t *s, const uint8_t *str, size_t len);

/* The i-th string in canonical (sorted) order. */
const uint8_t *abe_attr_set_get(const abe_attr_set_t *s, size_t i, size_t *len);

#endif
