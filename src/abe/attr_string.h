/* Attribute strings: the exact bytes hashed by H_A and listed in keys.
 *
 * Plain attributes are the user's name itself.  Numeric attributes expand to
 * internal strings that start with the byte 0x01 and separate the name from
 * the rest with 0x1F.  User names can never contain control bytes (not even
 * quoted), so internal strings cannot be written in a policy or a key, and
 * the two families are disjoint.  Layout (docs/policy.md, "Internal strings"):
 *
 *     0x01 NAME 0x1F TAG ':' ITEM
 *     TAG  := 'f' (no declared width, 64 bits) | 'd' (date) | 'w' W (width W)
 *     ITEM := '=' V | 'b' I '=' B | '>=2^' K | '<2^' K
 *
 * Decimals are canonical (no leading zeros). */
#ifndef ROAM_ABE_ATTR_STRING_H
#define ROAM_ABE_ATTR_STRING_H

#include <stddef.h>
#include <stdint.h>

#include "num_type.h"
#include "abe.h"

#define ASTR_INTERNAL 0x01
#define ASTR_SEP      0x1f

typedef enum { ASTR_EQ, ASTR_BIT, ASTR_GE, ASTR_LT } astr_item;

/* 1 if s is a valid user attribute name: 1..ABE_POL_MAX_NAME bytes of valid
 * UTF-8 without control characters (0x00-0x1F, 0x7F). */
int abe_astr_name_ok(const uint8_t *s, size_t len);

/* Builds the internal string for one numeric item and returns its length.
 *   ASTR_EQ:  value = a          ASTR_BIT: bit index a has value b
 *   ASTR_GE:  value >= 2^a       ASTR_LT:  value <  2^a
 * The caller guarantees name is valid and the item fits the type. */
size_t abe_astr_numeric(uint8_t out[ABE_POL_MAX_ATTR], const uint8_t *name, size_t name_len,
                        num_type_t t, astr_item item, uint64_t a, unsigned b);

/* Length of the prefix `0x01 NAME 0x1F` shared by all numeric strings of a
 * name (used to find a name's values in a sorted set). */
size_t abe_astr_numeric_prefix(uint8_t out[ABE_POL_MAX_ATTR], const uint8_t *name, size_t name_len);

/* 1 if s is a user name or a canonical internal string, else 0.  Decoders
 * of untrusted policies and keys run every string through this. */
int abe_astr_valid(const uint8_t *s, size_t len);

/* Human-readable form: user names as they are, internal strings with 0x01
 * dropped and 0x1F shown as '#' (e.g. "grade#f:b3=1").  NUL-terminated,
 * truncated to cap; returns the untruncated length. */
size_t abe_astr_display(char *out, size_t cap, const uint8_t *s, size_t len);

#endif
