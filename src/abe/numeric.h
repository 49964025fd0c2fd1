/* Numeric comparisons as monotone trees over bit attributes ("bag of bits",
 * docs/spec/fabeo.md §4), and the matching key-side expansion.  Both sides live
 * here so that they cannot drift apart.
 *
 * A numeric attribute of width w (64 when undeclared, 22 for dates) holding
 * v is issued as: its equality string `=v`, its w bit strings `bI=B`, and
 * w-1 magnitude markers: `>=2^K` if v >= 2^K, else `<2^K`, K = 1..w-1.
 * The markers let a comparison with a small constant c test only the
 * bitlen(c) low bits plus one marker instead of all w bits
 * (docs/policy.md, "Numeric encoding"). */
#ifndef ROAM_ABE_NUMERIC_H
#define ROAM_ABE_NUMERIC_H

#include <stddef.h>
#include <stdint.h>

#include "num_type.h"
#include "policy.h"

typedef enum { CMP_EQ, CMP_LT, CMP_GT, CMP_LE, CMP_GE } cmp_op;

typedef enum { NUM_RANGE = 0, NUM_ALWAYS_TRUE = 1, NUM_ALWAYS_FALSE = 2 } num_trivial;

/* `c op x` is `x abe_cmp_reverse(op) c`. */
cmp_op abe_cmp_reverse(cmp_op op);

/* The set of values v (0 <= v <= abe_num_max) with `v op c`, as [lo, hi].
 * Returns NUM_ALWAYS_TRUE or NUM_ALWAYS_FALSE when the set is everything
 * or empty; c must be <= abe_num_max(t). */
num_trivial abe_num_interval(num_type_t t, cmp_op op, uint64_t c, uint64_t *lo, uint64_t *hi);

/* Adds the tree for `lo <= name <= hi` to p, where [lo, hi] is a single
 * value, or has lo = 0 or hi = abe_num_max (what abe_num_interval returns).
 * Returns ABE_OK or ABE_ERR_LIMIT (too many leaves). */
int abe_num_compile(abe_policy_t *p, const uint8_t *name, size_t name_len, num_type_t t,
                    uint64_t lo, uint64_t hi, uint16_t *node);

/* Emits the strings of a key's `name = v` (v <= abe_num_max(t)) one by one:
 * the equality string, the bit strings, the magnitude markers.  emit
 * returns ABE_OK or an error, which stops the expansion and is returned.
 * A callback keeps this unit free of any particular container. */
typedef int (*num_emit_fn)(void *ctx, const uint8_t *s, size_t len);
int abe_num_key_expand(const uint8_t *name, size_t name_len, num_type_t t, uint64_t v,
                       num_emit_fn emit, void *ctx);

#endif
